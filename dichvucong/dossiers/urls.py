from django.urls import path

from dichvucong.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("ho-so/nop/<int:offering_id>/", views.start, name="start"),
    path("ho-so/", views.mine, name="mine"),
    path("ho-so/<uuid:public_id>/", views.detail, name="detail"),
    path("ho-so/<uuid:public_id>/truong-hop/<int:number>/", views.case_question, name="case_question"),
    path("ho-so/<uuid:public_id>/sua/", views.edit, name="edit"),
    path("ho-so/<uuid:public_id>/xem-lai/", views.review, name="review"),
    path("ho-so/<uuid:public_id>/luu-nhap/", views.autosave, name="autosave"),
    path("ho-so/<uuid:public_id>/da-nop/", views.submitted, name="submitted"),
    path("ho-so/<uuid:public_id>/<str:form_name>.pdf", views.form_pdf, name="form_pdf"),
    path("mot-cua/tiep-nhan/", views.queue, name="queue"),
    path("mot-cua/tiep-nhan/truc-tiep/", views.counter_intake, name="counter_intake"),
    path("mot-cua/so-theo-doi/", views.ledger, name="ledger"),
    path("mot-cua/ho-so/<uuid:public_id>/", views.staff_detail, name="staff_detail"),
    path("mot-cua/ho-so/<uuid:public_id>/<str:form_name>.pdf", views.staff_form_pdf, name="staff_form_pdf"),
    path("tra-cuu/", views.track, name="track"),
]

from django.urls import path

from dichvucong.processing import views

app_name = "processing"

urlpatterns = [
    path("xu-ly/", views.inbox, name="inbox"),
    path("xu-ly/ho-so/<uuid:public_id>/", views.detail, name="detail"),
    path("xu-ly/ho-so/<uuid:public_id>/tep/<int:file_id>/", views.file_view, name="file"),
    path("xu-ly/ho-so/<uuid:public_id>/ket-qua/<int:result_id>/", views.result_view, name="result"),
    path("xu-ly/ho-so/<uuid:public_id>/du-thao/<int:draft_id>/", views.draft_view, name="draft"),
    path(
        "xu-ly/ho-so/<uuid:public_id>/phieu-kiem-soat.pdf", views.control_sheet_pdf, name="control_sheet_pdf"
    ),
    path(
        "xu-ly/ho-so/<uuid:public_id>/<str:form_name>/<int:notice_id>.pdf",
        views.notice_pdf,
        name="notice_pdf",
    ),
    path("xu-ly/quy-trinh/", views.workflow_list, name="workflow_list"),
    path("xu-ly/quy-trinh/<int:pk>/", views.workflow_edit, name="workflow_edit"),
    path(
        "xu-ly/quy-trinh/thu-tuc/<int:offering_id>/",
        views.workflow_for_offering,
        name="workflow_for_offering",
    ),
    # The citizen's side (links from "Hồ sơ của tôi").
    path("ho-so/<uuid:public_id>/rut-ho-so/", views.withdraw, name="withdraw"),
    path("ho-so/<uuid:public_id>/ket-qua/", views.citizen_results, name="citizen_results"),
    path("ho-so/<uuid:public_id>/ket-qua/<int:result_id>/", views.citizen_result, name="citizen_result"),
    path(
        "ho-so/<uuid:public_id>/van-ban/<str:form_name>/<int:notice_id>.pdf",
        views.citizen_notice_pdf,
        name="citizen_notice_pdf",
    ),
]

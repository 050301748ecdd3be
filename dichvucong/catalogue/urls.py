from django.urls import path

from dichvucong.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/in/", views.procedure_print, name="procedure_print"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", views.submit_online, name="submit_online"),
    path("mau-to-khai/<slug:code>.pdf", views.form_download, name="form_download"),
    path("linh-vuc/", views.field_index, name="field_index"),
    path("su-kien-cuoc-song/", views.life_event_index, name="life_event_index"),
]

from django.urls import path

from dichvucong.documents import views

app_name = "documents"
urlpatterns = [
    path("ca-nhan/giay-to/", views.document_list, name="list"),
    path("ca-nhan/giay-to/tai-len/", views.document_upload, name="upload"),
    path("ca-nhan/giay-to/<uuid:public_id>/tai-ve/", views.document_download, name="download"),
    path("ca-nhan/giay-to/<uuid:public_id>/xem/", views.document_preview, name="preview"),
    path("ca-nhan/giay-to/<uuid:public_id>/doi-ten/", views.document_rename, name="rename"),
    path("ca-nhan/giay-to/<uuid:public_id>/xoa/", views.document_delete, name="delete"),
]

"""URLs of the esign app: the public verification page and the agencies' certificates."""

from django.urls import path

from dichvucong.esign import views

app_name = "esign"
urlpatterns = [
    path("xac-minh/", views.verify, name="verify"),
    path("xac-minh/chung-thu/", views.certificates, name="certificates"),
    path("xac-minh/chung-thu/<str:fingerprint>.pem", views.certificate_pem, name="certificate_pem"),
]

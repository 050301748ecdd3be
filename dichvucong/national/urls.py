"""URLs of the national app."""

from django.urls import path

from dichvucong.national import views

app_name = "national"
urlpatterns = [
    path("he-thong/dong-bo-quoc-gia/", views.failed_syncs, name="failed_syncs"),
    path("he-thong/dong-bo-quoc-gia/<int:sync_id>/gui-lai/", views.resend, name="resend"),
]

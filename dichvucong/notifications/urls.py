from django.urls import path

from dichvucong.notifications import views

app_name = "notifications"
urlpatterns = [
    path("he-thong/thong-bao/", views.outbox, name="outbox"),
]

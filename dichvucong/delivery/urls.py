from django.urls import path

from dichvucong.delivery import views

app_name = "delivery"

urlpatterns = [
    path("buu-chinh/", views.orders, name="orders"),
    path("buu-chinh/don/<uuid:public_id>/", views.order_detail, name="order_detail"),
]

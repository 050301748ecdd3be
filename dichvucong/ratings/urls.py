from django.urls import path

from dichvucong.ratings import views

app_name = "ratings"
urlpatterns = [
    path("ho-so/<uuid:public_id>/danh-gia/", views.rate, name="rate"),
    path("danh-gia/", views.kiosk, name="kiosk"),
    path("danh-gia/phieu/", views.kiosk_rate, name="kiosk_rate"),
    path("danh-gia/cam-on/", views.kiosk_done, name="kiosk_done"),
    path("can-bo/danh-gia/", views.staff_list, name="staff_list"),
    path("can-bo/danh-gia/ma/<uuid:public_id>/", views.code_issue, name="code_issue"),
]

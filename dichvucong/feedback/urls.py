from django.urls import path, re_path

from dichvucong.feedback import views

app_name = "feedback"
CODE = r"(?P<code>PAKN-[0-9A-Z-]{1,24})"

urlpatterns = [
    path("phan-anh-kien-nghi/", views.public_list, name="list"),
    path("phan-anh-kien-nghi/gui/", views.submit, name="submit"),
    path("phan-anh-kien-nghi/gui/xac-thuc/<str:challenge>/", views.submit_verify, name="submit_verify"),
    path("phan-anh-kien-nghi/cua-toi/", views.mine, name="mine"),
    path("phan-anh-kien-nghi/theo-doi/", views.follow, name="follow"),
    path("phan-anh-kien-nghi/theo-doi/xac-thuc/<str:challenge>/", views.follow_verify, name="follow_verify"),
    re_path(rf"^phan-anh-kien-nghi/theo-doi/{CODE}/$", views.sender_detail, name="sender_detail"),
    re_path(rf"^phan-anh-kien-nghi/{CODE}/$", views.public_detail, name="detail"),
    re_path(rf"^phan-anh-kien-nghi/{CODE}/danh-gia/$", views.vote, name="vote"),
    path("can-bo/phan-anh-kien-nghi/", views.staff_queue, name="staff_queue"),
    path("can-bo/phan-anh-kien-nghi/<uuid:public_id>/", views.staff_detail, name="staff_detail"),
]

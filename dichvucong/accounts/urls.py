from django.urls import path

from dichvucong.accounts import staff_views, verification_views, views, vneid_views

app_name = "accounts"
urlpatterns = [
    path("dang-ky/", views.register, name="register"),
    path("dang-ky/xac-thuc/", views.register_verify, name="register_verify"),
    path("xac-nhan-thu/<str:token>/", views.email_confirm, name="email_confirm"),
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-nhap/vneid/", vneid_views.vneid_login_start, name="vneid_start"),
    path("dang-nhap/vneid/ket-qua/", vneid_views.vneid_login_callback, name="vneid_callback"),
    path("dang-nhap/vneid/lien-ket/", vneid_views.vneid_link, name="vneid_link"),
    path("dang-nhap/ma-sms/", views.login_otp, name="login_otp"),
    path("dang-nhap/ma-ung-dung/", views.login_totp, name="login_totp"),
    path("dang-nhap/cai-ung-dung-xac-thuc/", views.totp_setup, name="totp_setup"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("dang-xuat-moi-noi/", views.logout_all, name="logout_all"),
    path("quen-mat-khau/", views.password_reset, name="password_reset"),
    path("quen-mat-khau/nhap-ma/", views.password_reset_code, name="password_reset_code"),
    path(
        "quen-mat-khau/thu/<str:uidb64>/<str:token>/", views.password_reset_link, name="password_reset_link"
    ),
    path("ca-nhan/", views.profile, name="profile"),
    path("ca-nhan/sua/", views.profile_edit, name="profile_edit"),
    path("ca-nhan/bao-mat/", views.security, name="security"),
    path("ca-nhan/lich-su-dang-nhap/", views.login_history_view, name="login_history"),
    path("ca-nhan/gui-lai-thu-xac-nhan/", views.email_confirm_resend, name="email_confirm_resend"),
    path("quan-ly/can-bo/", staff_views.staff_list, name="staff_list"),
    path("quan-ly/can-bo/them/", staff_views.staff_create, name="staff_create"),
    path("quan-ly/can-bo/<int:staff_id>/", staff_views.staff_detail, name="staff_detail"),
    path("quan-ly/xac-minh-danh-tinh/", verification_views.identity_counter_search, name="identity_counter"),
    path(
        "quan-ly/xac-minh-danh-tinh/<int:user_id>/",
        verification_views.identity_counter_confirm,
        name="identity_counter_confirm",
    ),
    path("ca-nhan/xac-minh-danh-tinh/", verification_views.identity_vneid_start, name="identity_vneid_start"),
    path(
        "ca-nhan/xac-minh-danh-tinh/ket-qua/",
        verification_views.identity_vneid_callback,
        name="identity_vneid_callback",
    ),
]

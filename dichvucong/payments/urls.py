from django.urls import path

from dichvucong.payments import views

app_name = "payments"

urlpatterns = [
    # citizen: Trang cá nhân → Danh sách giao dịch → Thanh toán phí/lệ phí
    path("ca-nhan/giao-dich/", views.mine, name="mine"),
    path("ca-nhan/giao-dich/thanh-toan/<uuid:public_id>/", views.pay, name="pay"),
    path("ca-nhan/giao-dich/<uuid:public_id>/", views.transaction_detail, name="transaction"),
    path("ca-nhan/giao-dich/bien-lai/<uuid:public_id>.pdf", views.receipt, name="receipt"),
    # gateways
    path("thanh-toan/ket-qua/<slug:gateway>/", views.gateway_return, name="return"),
    path("thanh-toan/ipn/<slug:gateway>/", views.ipn, name="ipn"),
    path("thanh-toan-thu/vpcpay.html", views.demo_bank_page, name="demo_bank"),
    # staff
    path("mot-cua/thu-phi/", views.staff_list, name="staff_list"),
    path("mot-cua/thu-phi/ho-so/<uuid:public_id>/", views.staff_dossier, name="staff_dossier"),
    path("mot-cua/thu-phi/hoan-tien/", views.staff_refunds, name="staff_refunds"),
    path("mot-cua/thu-phi/bien-lai/<uuid:public_id>.pdf", views.staff_receipt, name="staff_receipt"),
    path("buu-dien/thu-tien/", views.cash_record, name="cash_record"),
    path("quan-ly/doi-soat-tien-mat/", views.cash_reconcile, name="cash_reconcile"),
]

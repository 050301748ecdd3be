from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "dichvucong.delivery"
    verbose_name = "Bưu chính công ích"

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "dichvucong.delivery"
    verbose_name = "Bưu chính công ích"

    def ready(self) -> None:
        from dichvucong.delivery import closing
        from dichvucong.delivery.events import EVENTS
        from dichvucong.notifications.events import register

        register(*EVENTS)
        closing.connect()

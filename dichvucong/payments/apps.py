from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "dichvucong.payments"
    verbose_name = "Phí, lệ phí và thanh toán"

    def ready(self) -> None:
        from dichvucong.notifications import events
        from dichvucong.payments import closing
        from dichvucong.payments.events import EVENTS

        events.register(*EVENTS)
        closing.connect()

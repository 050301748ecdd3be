from django.apps import AppConfig


class CountersConfig(AppConfig):
    name = "dichvucong.counters"
    verbose_name = "Quầy tiếp nhận, lịch hẹn và số thứ tự"

    def ready(self) -> None:
        from dichvucong.counters.notifications import EVENTS
        from dichvucong.notifications.events import register

        register(*EVENTS)

from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "dichvucong.processing"
    verbose_name = "Giải quyết hồ sơ"

    def ready(self) -> None:
        from dichvucong.notifications.events import register
        from dichvucong.processing.events import EVENTS

        register(*EVENTS)

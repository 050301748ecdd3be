from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "dichvucong.processing"
    verbose_name = "Giải quyết hồ sơ"

    def ready(self) -> None:
        from dichvucong.notifications.events import register
        from dichvucong.processing.events import EVENTS

        register(*EVENTS)

        from dichvucong.dossiers.workflow import subscribe
        from dichvucong.processing.services import track_sync_after_transition

        # These move the due date: the step deadlines are planned again to fit before the new date.
        subscribe(
            track_sync_after_transition,
            actions={"complete_supplement", "payment_received", "extend_deadline"},
        )

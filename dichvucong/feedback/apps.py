from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Phản ánh, kiến nghị (PAKN): feedback on a procedure, an agency or a dossier, answered on deadlines."""

    name = "dichvucong.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị"

    def ready(self) -> None:
        from dichvucong.feedback.events import EVENTS
        from dichvucong.notifications import events

        events.register(*EVENTS)

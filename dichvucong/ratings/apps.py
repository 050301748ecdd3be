from django.apps import AppConfig


class RatingsConfig(AppConfig):
    """Đánh giá mức độ hài lòng: the owner of a returned dossier rates how it was handled, once."""

    name = "dichvucong.ratings"
    label = "ratings"
    verbose_name = "Đánh giá mức độ hài lòng"

    def ready(self) -> None:
        from dichvucong.notifications.events import register
        from dichvucong.ratings.events import EVENTS

        register(*EVENTS)

        from dichvucong.dossiers.workflow import subscribe

        # Once the result is returned, its owner is invited to rate the dossier.
        subscribe(_invite_after_return, actions={"return_result"})


def _invite_after_return(change) -> None:
    from dichvucong.ratings.services import rating_invite_after_return

    rating_invite_after_return(change)

from django.apps import AppConfig


class RatingsConfig(AppConfig):
    """Đánh giá mức độ hài lòng: the owner of a returned dossier rates how it was handled, once."""

    name = "dichvucong.ratings"
    label = "ratings"
    verbose_name = "Đánh giá mức độ hài lòng"

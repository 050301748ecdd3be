from django.apps import AppConfig


class NationalConfig(AppConfig):
    """The national public-service portal (Cổng Dịch vụ công quốc gia): dossiers in, status sync out."""

    name = "dichvucong.national"
    label = "national"
    verbose_name = "Đồng bộ Cổng Dịch vụ công quốc gia"

    def ready(self) -> None:
        from dichvucong.national import sync

        sync.connect()

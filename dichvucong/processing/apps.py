from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "dichvucong.processing"
    verbose_name = "Giải quyết hồ sơ"

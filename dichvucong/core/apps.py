from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dichvucong.core"
    label = "core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        from dichvucong.core.startup import configuration_check

        configuration_check()  # outside demo mode: no demo provider, an SMS provider (or refuse to start)

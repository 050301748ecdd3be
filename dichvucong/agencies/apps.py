from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "dichvucong.agencies"
    label = "agencies"
    verbose_name = "Cơ quan và đơn vị hành chính"

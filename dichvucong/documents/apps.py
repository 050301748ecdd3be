from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "dichvucong.documents"
    label = "documents"
    verbose_name = "Kho giấy tờ"

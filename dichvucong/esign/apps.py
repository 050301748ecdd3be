from django.apps import AppConfig


class EsignConfig(AppConfig):
    """Electronic results signed by the agency (PAdES), with a verifiable QR code."""

    name = "dichvucong.esign"
    label = "esign"
    verbose_name = "Kết quả điện tử có chữ ký số"

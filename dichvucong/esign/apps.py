from django.apps import AppConfig


class EsignConfig(AppConfig):
    """Electronic results signed by the agency (PAdES), with a verifiable QR code."""

    name = "dichvucong.esign"
    label = "esign"
    verbose_name = "Kết quả điện tử có chữ ký số"

    def ready(self) -> None:
        from dichvucong.dossiers.workflow import subscribe
        from dichvucong.esign.services import results_sign_after_resolve

        # The clerk issues the result ("resolve"); once that commits, every PDF result is signed.
        subscribe(results_sign_after_resolve, actions={"resolve"})

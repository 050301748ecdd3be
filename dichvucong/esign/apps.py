from django.apps import AppConfig


class EsignConfig(AppConfig):
    """Electronic results signed by the agency (PAdES), with a verifiable QR code."""

    name = "dichvucong.esign"
    label = "esign"
    verbose_name = "Kết quả điện tử có chữ ký số"

    def ready(self) -> None:
        from dichvucong.dossiers.workflow import subscribe

        # The clerk issues the result ("resolve"); once that commits, every PDF result is signed.
        subscribe(_sign_after_resolve, actions={"resolve"})


def _sign_after_resolve(change) -> None:
    # Imported on first use: pyHanko takes ~0.6 s to import, which every process (each manage.py command,
    # the task worker) would otherwise pay at start-up without ever signing.
    from dichvucong.esign.services import results_sign_after_resolve

    results_sign_after_resolve(change)

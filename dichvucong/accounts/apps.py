from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dichvucong.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from dichvucong.accounts.events import EVENTS
        from dichvucong.notifications import events

        events.register(*EVENTS)

        from dichvucong.accounts import identity_providers, oidc

        identity_providers.register(oidc.OidcIdentityProvider())

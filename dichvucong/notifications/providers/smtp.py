"""E-mail through Django's mail API and the configured backend (SMTP in production).

Settings: Django's EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT (15 s here) and DEFAULT_FROM_EMAIL, each taken from
config/settings.py when set there, otherwise from the environment variable of the same name.

SMTP has no request id, so the message carries a Message-ID built from the idempotency key: a resend after a
crash reaches the mailbox as a duplicate that mail clients fold together.
"""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage, get_connection

from dichvucong.notifications import conf
from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import EmailProvider, ProviderResult
from dichvucong.notifications.registry import register


def message_id_header(message: Message) -> str:
    sender = conf.email_from()
    domain = sender.rpartition("@")[2].strip(" >") or "localhost"
    return f"<{message.idempotency_key}@{domain}>"


@register
class SmtpEmailProvider(EmailProvider):
    name = "smtp"
    label = "Máy chủ thư SMTP"

    def send(self, message: Message) -> ProviderResult:
        options = conf.smtp_options()
        message_id = message_id_header(message)
        try:
            connection = get_connection(fail_silently=False, **options)
            email = EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=conf.email_from(),
                to=[message.recipient],
                headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
                connection=connection,
            )
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            if all(code >= 500 for code in codes):
                return ProviderResult.permanent(f"SMTP từ chối người nhận: {codes}")
            return ProviderResult.retry(f"SMTP tạm từ chối người nhận: {codes}")
        except smtplib.SMTPResponseException as error:
            text = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
            if 500 <= error.smtp_code < 600 and error.smtp_code not in (530, 535):
                return ProviderResult.permanent(text)
            return ProviderResult.retry(text)
        except (smtplib.SMTPException, OSError) as error:
            return ProviderResult.retry(f"SMTP: {type(error).__name__}: {error}")
        return ProviderResult.ok(message_id)

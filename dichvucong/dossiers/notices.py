"""What the applicant is told about their dossier, and the public address they follow it at.

Who is told: official messages go only to addresses someone proved belong to the applicant, never to an
address typed on a form, since anyone could type another person's phone or e-mail there (and a phishing
text as their name) and have the agency message that person:
- a dossier filed online (web or API): the verified phone and e-mail of the applicant's account
  (User.phone_verified_at / email_verified_at). A different phone or e-mail given on the dossier is kept for
  staff to call, and is never messaged; the form and the API answer say so.
- a dossier received at the counter or by post: the phone and e-mail the officer took from the person (the
  officer checked the papers), else the verified contacts of the linked account.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from dichvucong.dossiers.models import Channel, Dossier
from dichvucong.notifications.addresses import mask_address
from dichvucong.notifications.services import notify

# Dossiers whose contact details an officer took down from the person.
STAFF_ENTERED_CHANNELS = (Channel.IN_PERSON, Channel.POSTAL)


@dataclass(frozen=True)
class Recipients:
    phone: str = ""
    email: str = ""

    def masked(self) -> dict[str, str]:
        """For the citizen: where messages go, partly hidden (+8491****678, a***@example.vn)."""
        return {
            "phone": mask_address(self.phone) if self.phone else "",
            "email": mask_address(self.email) if self.email else "",
        }


def account_verified_contacts(user) -> Recipients:
    """The phone and e-mail of an account that were proved by a code or a link; "" for the others."""
    if user is None:
        return Recipients()
    return Recipients(
        phone=user.phone if user.phone and user.phone_verified_at else "",
        email=user.email if user.email and user.email_verified_at else "",
    )


def applicant_recipients(dossier: Dossier) -> Recipients:
    """Where news of the dossier goes (see the module docstring)."""
    account = account_verified_contacts(dossier.applicant) if dossier.applicant_id else Recipients()
    if dossier.channel in STAFF_ENTERED_CHANNELS:
        return Recipients(
            phone=dossier.applicant_phone or account.phone, email=dossier.applicant_email or account.email
        )
    return account


def recipients_note(dossier: Dossier) -> dict[str, str]:
    """Where messages about the dossier go, partly hidden, with a sentence for the citizen."""
    recipients = applicant_recipients(dossier)
    if recipients.phone or recipients.email:
        message = _(
            "Thông báo về hồ sơ chỉ được gửi tới số điện thoại và thư điện tử đã xác thực của tài khoản. "
            "Số điện thoại, thư điện tử khác ghi trong hồ sơ chỉ để cán bộ liên hệ."
        )
    else:
        message = _(
            "Tài khoản chưa có số điện thoại hoặc thư điện tử đã xác thực, nên bạn sẽ không nhận tin "
            "nhắn về hồ sơ: hãy theo dõi hồ sơ trên cổng hoặc xác thực thư điện tử trong mục Tài khoản."
        )
    return {**recipients.masked(), "message": message}


def tracking_url(dossier: Dossier) -> str:
    """The public tracking page for the dossier (SMS, e-mail, the QR code on Mẫu 01)."""
    return settings.DVC_PUBLIC_URL.rstrip("/") + reverse("dossiers:track") + f"?ma={dossier.code}"


def notify_applicant(dossier: Dossier, event: str, **context) -> None:
    """Tell the applicant (SMS, e-mail, Zalo as their settings say) about ``event`` on their dossier, at
    the addresses of applicant_recipients only."""
    recipients = applicant_recipients(dossier)
    notify(
        event=event,
        user=dossier.applicant,
        phone=recipients.phone,
        email=recipients.email,
        zalo_phone=recipients.phone,
        account_addresses=False,
        context={
            "full_name": dossier.applicant_name,
            "code": dossier.code or "",
            "procedure": dossier.procedure.name,
            "tracking_url": tracking_url(dossier),
            **context,
        },
    )

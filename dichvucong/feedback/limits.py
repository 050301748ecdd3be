"""How often one phone number, e-mail address or network address may ask for codes, send feedback or vote.

Counted with ``dichvucong.core.ratelimit.hit`` (shared by every process, atomic). Every number is a setting.
A shared address (a ward office, a library) sends many people's feedback, so the per-address limits are far
above what a queue produces; the per-contact limits stop a flood to or from one phone or mailbox."""

from __future__ import annotations

from django.conf import settings

from dichvucong.core import ratelimit

HOUR = 3600
DAY = 86400


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def otp_allowed(*, contact: str, ip: str) -> bool:
    """One code sent to ``contact`` (normalised phone or e-mail) from ``ip``."""
    if not ratelimit.hit(f"pakn-otp:{contact}", limit=_setting("DVC_FEEDBACK_OTP_PER_CONTACT_HOUR", 5),
                         window_seconds=HOUR):  # fmt: skip
        return False
    return not ip or ratelimit.hit(
        f"pakn-otp-ip:{ip}", limit=_setting("DVC_FEEDBACK_OTP_PER_IP_HOUR", 30), window_seconds=HOUR
    )


def submission_allowed(*, contact: str, ip: str) -> bool:
    """One feedback sent by ``contact`` (a user key, a phone or an e-mail) from ``ip``."""
    if not ratelimit.hit(
        f"pakn-send:{contact}", limit=_setting("DVC_FEEDBACK_PER_CONTACT_DAY", 10), window_seconds=DAY
    ):
        return False
    return not ip or ratelimit.hit(
        f"pakn-send-ip:{ip}", limit=_setting("DVC_FEEDBACK_PER_IP_HOUR", 30), window_seconds=HOUR
    )


def vote_allowed(*, ip: str) -> bool:
    return not ip or ratelimit.hit(
        f"pakn-vote-ip:{ip}", limit=_setting("DVC_FEEDBACK_VOTES_PER_IP_HOUR", 60), window_seconds=HOUR
    )


OTP_FLOOD = (
    "Đã gửi quá nhiều mã xác thực tới địa chỉ liên hệ này hoặc từ địa chỉ mạng của bạn. "
    "Vui lòng thử lại sau một giờ."
)
SUBMISSION_FLOOD = (
    "Bạn đã gửi quá nhiều phản ánh, kiến nghị trong thời gian ngắn. Vui lòng thử lại sau; "
    "phản ánh chưa được gửi."
)
VOTE_FLOOD = "Có quá nhiều lượt đánh giá từ địa chỉ mạng của bạn. Vui lòng thử lại sau một giờ."

"""Builders for notification tests."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from dichvucong.notifications.models import Message

_numbers = itertools.count(1)


def make_user(**fields):
    n = next(_numbers)
    values = {
        "username": f"0790{n:08d}",
        "full_name": "Nguyễn Thị Thử Nghiệm",
        "phone": f"+849{n:08d}",
        "email": f"nguoi{n}@example.vn",
        # as a registered account: the phone was proven by the sign-up code, the e-mail by its link
        "phone_verified_at": timezone.now(),
        "email_verified_at": timezone.now(),
    }
    values.update(fields)
    return get_user_model().objects.create_user(password=None, **values)  # unusable: tests use force_login


def make_message(**fields) -> Message:
    n = next(_numbers)
    values = {
        "event": "account.welcome",
        "channel": Message.Channel.SMS,
        "provider": "demo",
        "recipient": f"+849{n:08d}",
        "body": "Chao mung ban den voi Dich vu cong.",
    }
    values.update(fields)
    return Message.objects.create(**values)

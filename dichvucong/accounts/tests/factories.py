"""Builders for account tests (factory-boy)."""

from __future__ import annotations

import functools

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.catalogue.tests.factories import AgencyFactory

PASSWORD = "Hoa-Sen#2026xanh"


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)  # hashed once: a strong hasher is slow on purpose


class CitizenFactory(factory.django.DjangoModelFactory):
    """A self-registered citizen: phone proven by the sign-up code, ID number only declared (unverified)."""

    class Meta:
        model = User

    username = factory.LazyAttribute(lambda o: o.id_number)
    kind = User.Kind.CITIZEN
    id_type = User.IdType.CCCD
    id_number = "038090012345"
    full_name = "Nguyễn Văn An"
    phone = factory.Sequence(lambda n: f"+8491{n % 10_000_000:07d}")
    phone_verified_at = factory.LazyFunction(timezone.now)
    email = factory.Sequence(lambda n: f"nguoi{n}@example.vn")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.LazyFunction(_password_hash)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"canbo.{n}")
    kind = User.Kind.STAFF
    full_name = factory.Sequence(lambda n: f"Cán Bộ Thử {n}")
    password = factory.LazyFunction(_password_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(StaffFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = StaffRole.RECEPTIONIST

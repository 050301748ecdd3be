"""Loads the demo province, its agencies and the curated catalogue; safe to run again."""

from __future__ import annotations

import importlib
import json
import os
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dichvucong.agencies.models import Agency
from dichvucong.agencies.services import admin_units_load, agency_upsert
from dichvucong.catalogue.importers.records import FeeRecord, procedure_record_from_dict
from dichvucong.catalogue.services import (
    ensure_levels,
    life_event_upsert,
    offering_upsert,
    procedure_upsert_from_record,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
AGENCIES_FILE = PACKAGE_DIR / "agencies" / "demo" / "agencies.json"
PROCEDURES_FILE = PACKAGE_DIR / "catalogue" / "demo" / "procedures.json"
LIFE_EVENTS_FILE = PACKAGE_DIR / "catalogue" / "demo" / "life_events.json"


def demo_part_enabled(setting: str) -> bool:
    """Whether a heavy part of the demo (dossier history, feedback) is loaded: always for ``make run``; under
    the test suite (``DVC_TESTING``) only when a test sets ``settings.<setting> = True``."""
    value = getattr(settings, setting, None)
    if value is None:
        return os.environ.get("DVC_TESTING", "").lower() not in ("1", "true", "yes", "on")
    return bool(value)


def demo_logins():
    """The demo citizen (phone verified) and the demo staff with their memberships, as ``ensure_demo_logins``
    names them: ``(citizen, {role: user})``. Accounts missing so far get an unusable password; that command
    gives them theirs (later, or already did)."""
    from dichvucong.accounts.models import AgencyMembership, User
    from dichvucong.core.management.commands.ensure_demo_logins import DEMO_CITIZEN, DEMO_STAFF

    def account(username: str, **fields) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, **fields)
            user.set_unusable_password()
            user.save()
        return user

    citizen = account(DEMO_CITIZEN["username"], **{k: v for k, v in DEMO_CITIZEN.items() if k != "username"})
    User.objects.filter(pk=citizen.pk, phone_verified_at=None).update(phone_verified_at=timezone.now())
    citizen.refresh_from_db()
    staff: dict[str, User] = {}
    for username, full_name, agency_codes, role in DEMO_STAFF:
        user = account(username, kind=User.Kind.STAFF, full_name=full_name)
        for member_of in Agency.objects.filter(code__in=agency_codes):
            AgencyMembership.objects.get_or_create(user=user, agency=member_of, role=role)
        staff[str(role)] = user
    return citizen, staff


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _offering_agencies(offering: dict) -> list[Agency]:
    if offering.get("agency_code"):
        return list(Agency.objects.filter(code=offering["agency_code"]))
    return list(Agency.objects.filter(kind=offering["agency_kind"], valid_to__isnull=True))


@transaction.atomic
def load_demo_data(*, with_admin_units: bool = True) -> dict[str, int]:
    counts: dict[str, int] = {}
    ensure_levels()
    if with_admin_units:
        counts.update(admin_units_load())
    agencies = _read(AGENCIES_FILE)["agencies"]
    # Parents first: sort by depth of the parent chain as given in the file.
    pending = list(agencies)
    done: set[str] = set()
    while pending:
        progressed = False
        for item in list(pending):
            if item.get("parent") and item["parent"] not in done:
                continue
            agency_upsert(data={**item, "predecessors": []})
            done.add(item["code"])
            pending.remove(item)
            progressed = True
        if not progressed:
            raise ValueError(f"Cơ quan cha không tồn tại: {[item['code'] for item in pending]}")
    for item in agencies:  # successor links once every agency exists
        if item.get("predecessors"):
            agency_upsert(data=item)
    counts["agencies"] = len(agencies)

    for position, event in enumerate(_read(LIFE_EVENTS_FILE)):
        life_event_upsert(position=position, **event)
    procedures = _read(PROCEDURES_FILE)
    offerings = 0
    for item in procedures:
        record = procedure_record_from_dict({k: v for k, v in item.items() if k != "offerings"})
        procedure, _outcome = procedure_upsert_from_record(record=record)
        for offering in item.get("offerings", []):
            duration = offering.get("local_online_duration_value")
            for agency in _offering_agencies(offering):
                offering_upsert(
                    agency=agency,
                    procedure=procedure,
                    service_level=offering.get("service_level", ""),
                    online_duration_value=Decimal(str(duration)) if duration is not None else None,
                    online_duration_unit=offering.get("local_online_duration_unit", ""),
                    fees=[FeeRecord(**fee) for fee in offering.get("fees", [])],
                )
                offerings += 1
    counts["procedures"] = len(procedures)
    counts["offerings"] = offerings
    # Apps with demo data of their own (workflows, counters, gateways…) provide ``<app>.demo.load_demo()``,
    # idempotent, returning counts; they run after the agencies and the catalogue exist.
    for config in apps.get_app_configs():
        if config.name.startswith("dichvucong.") and config.name != "dichvucong.core":
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.demo":
                    raise
                continue
            loader = getattr(module, "load_demo", None)  # agencies/demo and catalogue/demo are data folders
            if loader is not None:
                counts.update(loader() or {})
    return counts

"""Writes for administrative units and agencies."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from dichvucong.agencies.models import AdministrativeUnit, Agency, AgencyContact
from dichvucong.core.text import nfc


def _admin_unit_rows() -> list[dict]:
    """Rows of the 34 provinces and 3,321 communes from the maintained ``vietnamadminunits`` package (MIT)."""
    from vietnamadminunits.database import get_data

    return get_data(
        fields=["province", "provinceShort", "provinceCode", "ward", "wardShort", "wardType", "wardCode"],
        table="admin_units",
    )


def _province_type(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


@transaction.atomic
def admin_units_load(*, rows: Iterable[dict] | None = None) -> dict[str, int]:
    """Create or update provinces and communes; idempotent. Returns counts of units by level."""
    rows = list(rows if rows is not None else _admin_unit_rows())
    existing = {unit.code: unit for unit in AdministrativeUnit.objects.all()}
    provinces: dict[str, AdministrativeUnit] = {}
    for row in rows:
        code = str(row["provinceCode"]).strip()
        if code in provinces:
            continue
        name = nfc(row["province"])
        values = {
            "name": name,
            "short_name": nfc(row["provinceShort"]),
            "unit_type": _province_type(name),
            "level": AdministrativeUnit.Level.PROVINCE,
            "parent": None,
        }
        provinces[code] = _save_unit(existing, code, values)
    seen_communes = set()
    to_create = []
    for row in rows:
        code = str(row["wardCode"]).strip()
        if code in seen_communes:
            continue
        seen_communes.add(code)
        values = {
            "name": nfc(row["ward"]),
            "short_name": nfc(row["wardShort"]),
            "unit_type": nfc(row["wardType"]),
            "level": AdministrativeUnit.Level.COMMUNE,
            "parent": provinces[str(row["provinceCode"]).strip()],
        }
        if code in existing:
            _save_unit(existing, code, values)
        else:
            to_create.append(AdministrativeUnit(code=code, **values))
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
    return {"provinces": len(provinces), "communes": len(seen_communes)}


def _save_unit(existing: dict[str, AdministrativeUnit], code: str, values: dict) -> AdministrativeUnit:
    unit = existing.get(code)
    if unit is None:
        unit = AdministrativeUnit.objects.create(code=code, **values)
        existing[code] = unit
        return unit
    changed = [name for name, value in values.items() if getattr(unit, name) != value]
    if changed:
        for name in changed:
            setattr(unit, name, values[name])
        unit.save(update_fields=changed)
    return unit


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def agency_upsert(*, data: dict) -> Agency:
    """Create or update an agency from a plain dict (demo data, admin imports); idempotent.

    ``parent`` and ``predecessors`` hold agency codes that must already exist.
    """
    admin_unit = None
    if data.get("admin_unit_code"):
        admin_unit = AdministrativeUnit.objects.get(code=data["admin_unit_code"])
    parent = Agency.objects.get(code=data["parent"]) if data.get("parent") else None
    agency, _created = Agency.objects.update_or_create(
        code=data["code"],
        defaults={
            "name": nfc(data["name"]),
            "short_name": nfc(data.get("short_name", "")),
            "kind": data["kind"],
            "level": data["level"],
            "parent": parent,
            "admin_unit": admin_unit,
            "address": nfc(data.get("address", "")),
            "phone": nfc(data.get("phone", "")),
            "email": data.get("email", "") or "",
            "website": data.get("website", "") or "",
            "valid_from": _date(data.get("valid_from")),
            "valid_to": _date(data.get("valid_to")),
        },
    )
    agency.full_clean(validate_unique=False)
    predecessors = data.get("predecessors") or []
    for predecessor in Agency.objects.filter(code__in=predecessors):
        predecessor.successors.add(agency)
    agency.contacts.all().delete()
    AgencyContact.objects.bulk_create(
        AgencyContact(
            agency=agency,
            role=nfc(contact.get("role", "")),
            name=nfc(contact.get("name", "")),
            phone=nfc(contact.get("phone", "")),
            email=contact.get("email", "") or "",
            position=position,
        )
        for position, contact in enumerate(data.get("contacts") or [])
    )
    return agency

"""Writes to the catalogue. Every source (national importer, Excel list, demo data) ends here."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Literal

from django.db import transaction
from django.utils.text import slugify

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.caching import catalogue_changed
from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.models import (
    AgencyProcedure,
    ChannelOption,
    Component,
    FeeItem,
    Field,
    FormTemplate,
    ImplementationLevel,
    LegalBasis,
    LifeEvent,
    Procedure,
    ProcedureVersion,
    ResultDocument,
    SearchSynonym,
)
from dichvucong.core.text import fold, nfc

DATA_DIR = Path(__file__).resolve().parent / "data"
FORMS_FILE = DATA_DIR / "forms.json"
SYNONYMS_FILE = DATA_DIR / "synonyms.json"

UpsertOutcome = Literal["created", "updated", "unchanged"]
MAX_FEE = 1_000_000_000

_SERVICE_RANK = {r.SERVICE_NONE: 0, r.SERVICE_PARTIAL: 1, r.SERVICE_FULL: 2}


def _content_hash(record: r.ProcedureRecord) -> str:
    payload = asdict(record)
    payload.pop("life_events", None)
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def field_get_or_create(*, name: str) -> Field | None:
    name = nfc(name)[:300]
    if not name:
        return None
    field = Field.objects.filter(name=name).first()
    if field:
        return field
    base = slugify(fold(name))[:100] or "linh-vuc"
    slug, n = base, 1
    while Field.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Field.objects.create(name=name, slug=slug)


def build_search_document(*, record: r.ProcedureRecord) -> str:
    parts = [
        record.code,
        record.field_name,
        record.issuing_agency,
        " ".join(record.target_groups),
        " ".join(result.name for result in record.results),
    ]
    return fold(" ".join(parts))[:4000]


def _write_version_children(*, version: ProcedureVersion, record: r.ProcedureRecord) -> None:
    version.channels.all().delete()
    version.fees.all().delete()
    version.components.all().delete()
    version.results.all().delete()
    version.legal_bases.all().delete()
    ChannelOption.objects.bulk_create(
        ChannelOption(
            version=version,
            channel=channel.channel,
            duration_value=channel.duration_value,
            duration_unit=channel.duration_unit,
            duration_text=nfc(channel.duration_text)[:500],
            description=nfc(channel.description),
        )
        for channel in record.channels
        if channel.channel in r.CHANNELS
    )
    FeeItem.objects.bulk_create(_fee_items(fees=record.fees, version=version))
    Component.objects.bulk_create(
        Component(
            version=version,
            case=nfc(component.case)[:1000],
            name=nfc(component.name),
            form_name=nfc(component.form_name)[:500],
            original_count=max(0, min(component.original_count, 999)),
            copy_count=max(0, min(component.copy_count, 999)),
            quantity_text=nfc(component.quantity_text)[:200],
            required=component.required,
            position=position,
            form_code=(component.form_code or "")[:40],
            # Only a declaration the procedure really has an e-form for can be waived online.
            eform_replaces_upload=component.eform and bool(record.form_schema),
        )
        for position, component in enumerate(record.components)
        if nfc(component.name)
    )
    ResultDocument.objects.bulk_create(
        ResultDocument(version=version, name=nfc(result.name)[:1000], code=nfc(result.code)[:40])
        for result in record.results
        if nfc(result.name)
    )
    LegalBasis.objects.bulk_create(
        LegalBasis(version=version, title=nfc(basis.title), number=nfc(basis.number)[:100])
        for basis in record.legal_bases
        if nfc(basis.title) or nfc(basis.number)
    )


def _fee_items(
    *,
    fees: list[r.FeeRecord],
    version: ProcedureVersion | None = None,
    offering: AgencyProcedure | None = None,
) -> list[FeeItem]:
    items = []
    for fee in fees:
        amount = fee.amount
        if amount is not None and not (0 <= amount <= MAX_FEE):
            raise ValueError(f"Phí, lệ phí không hợp lệ: {amount}")
        items.append(
            FeeItem(
                version=version,
                offering=offering,
                channel=fee.channel or "",
                kind=fee.kind,
                name=nfc(fee.name)[:500] or "Lệ phí",
                amount=amount,
                currency=(fee.currency or "VND")[:3],
                per=fee.per,
                is_free=fee.is_free,
                note=nfc(fee.note),
            )
        )
    return items


@transaction.atomic
def procedure_upsert_from_record(
    *, record: r.ProcedureRecord, effective_from: datetime.date | None = None
) -> tuple[Procedure, UpsertOutcome]:
    """Create or update a procedure from a record; idempotent.

    A record whose content is unchanged is a no-op. New content with a later effective date
    becomes a new version (the old one gets an end date); otherwise the current version is
    rewritten in place.
    """
    effective_from = effective_from or record.effective_from
    content_hash = _content_hash(record)
    procedure = Procedure.objects.select_for_update().filter(code=record.code).first()
    outcome: UpsertOutcome = "updated"
    if procedure is None:
        procedure = Procedure(code=record.code)
        outcome = "created"

    current = procedure.current_version if procedure.pk else None
    if (
        current
        and current.content_hash == content_hash
        and (effective_from is None or current.effective_from == effective_from)
    ):
        _set_life_events(procedure=procedure, slugs=record.life_events)
        return procedure, "unchanged"
    catalogue_changed()

    procedure.name = nfc(record.name)[:1000]
    procedure.field = field_get_or_create(name=record.field_name)
    procedure.issuing_agency = nfc(record.issuing_agency)[:300]
    procedure.name_folded = fold(record.name)[:1000]
    procedure.search_document = build_search_document(record=record)
    procedure.save()
    procedure.levels.set([code for code in record.levels if code in r.LEVELS])
    _set_life_events(procedure=procedure, slugs=record.life_events)

    new_version_needed = current is None or (
        effective_from is not None
        and current.effective_from is not None
        and effective_from > current.effective_from
    )
    if new_version_needed:
        if current is not None:
            current.effective_to = effective_from - datetime.timedelta(days=1)
            current.save(update_fields=["effective_to"])
        version = ProcedureVersion(procedure=procedure, number=(current.number + 1) if current else 1)
    else:
        version = current
    version.effective_from = effective_from or version.effective_from
    version.decision_number = nfc(record.decision_number)[:200]
    version.procedure_type = nfc(record.procedure_type)[:300]
    version.target_groups = [nfc(group) for group in record.target_groups if nfc(group)]
    version.competent_authority = nfc(record.competent_authority)
    version.implementing_agency = nfc(record.implementing_agency)
    version.coordinating_agency = nfc(record.coordinating_agency)
    version.steps = (record.steps or "").strip()
    version.conditions = (record.conditions or "").strip()
    version.no_appointment_date = record.no_appointment_date
    version.form_schema = record.form_schema
    version.source_url = (record.source_url or "")[:500]
    version.content_hash = content_hash
    version.save()
    _write_version_children(version=version, record=record)

    if procedure.current_version_id != version.pk:
        procedure.current_version = version
        procedure.save(update_fields=["current_version", "updated_at"])
    if record.service_level and _SERVICE_RANK[record.service_level] > _SERVICE_RANK[procedure.service_level]:
        procedure.service_level = record.service_level
        procedure.save(update_fields=["service_level", "updated_at"])
    return procedure, outcome


def _set_life_events(*, procedure: Procedure, slugs: list[str]) -> None:
    if slugs:
        procedure.life_events.add(*LifeEvent.objects.filter(slug__in=slugs))


def life_event_upsert(*, slug: str, name: str, description: str = "", position: int = 0) -> LifeEvent:
    event, _created = LifeEvent.objects.update_or_create(
        slug=slug, defaults={"name": nfc(name), "description": nfc(description), "position": position}
    )
    return event


@transaction.atomic
def offering_upsert(
    *,
    agency: Agency,
    procedure: Procedure,
    service_level: str = r.SERVICE_NONE,
    online_duration_value: Decimal | None = None,
    online_duration_unit: str = "",
    fees: list[r.FeeRecord] | None = None,
) -> AgencyProcedure:
    """Offer a procedure at an agency with local settings (local code ``<procedure>.<agency>``)."""
    catalogue_changed()
    offering, _created = AgencyProcedure.objects.update_or_create(
        agency=agency,
        procedure=procedure,
        defaults={
            "local_code": f"{procedure.code}.{agency.code}",
            "service_level": service_level,
            "online_duration_value": online_duration_value,
            "online_duration_unit": online_duration_unit if online_duration_value is not None else "",
            "is_active": True,
        },
    )
    offering.fees.all().delete()
    FeeItem.objects.bulk_create(_fee_items(fees=fees or [], offering=offering))
    procedure_refresh_service_level(procedure=procedure)
    return offering


def procedure_refresh_service_level(*, procedure: Procedure) -> None:
    """Keep ``Procedure.service_level`` at the highest level any active offering provides."""
    levels = set(
        procedure.offerings.filter(is_active=True)
        .exclude(service_level="")
        .values_list("service_level", flat=True)
    )
    best = max(levels, key=_SERVICE_RANK.__getitem__, default=r.SERVICE_NONE)
    if best != procedure.service_level:
        Procedure.objects.filter(pk=procedure.pk).update(service_level=best)
        procedure.service_level = best


def ensure_levels() -> None:
    names = {r.LEVEL_MINISTRY: "Cấp bộ", r.LEVEL_PROVINCE: "Cấp tỉnh", r.LEVEL_COMMUNE: "Cấp xã"}
    for code, name in names.items():
        ImplementationLevel.objects.get_or_create(code=code, defaults={"name": name})


@transaction.atomic
def procedure_create_from_listing(*, record: r.ProcedureRecord) -> tuple[Procedure, UpsertOutcome]:
    """Add a procedure known only from a list export (code, name, field); never overwrites richer content."""
    existing = Procedure.objects.filter(code=record.code).first()
    if existing is not None:
        return existing, "unchanged"
    return procedure_upsert_from_record(record=record)


_FORM_TEXT_KEYS = ("label", "section", "pledge")


@transaction.atomic
def form_templates_load(*, path: Path = FORMS_FILE) -> int:
    """Create or update the downloadable declarations from a JSON list (``catalogue/data/forms.json``)."""
    items = json.loads(path.read_text(encoding="utf-8"))
    for item in items:
        fields = [
            {key: nfc(value) if key in _FORM_TEXT_KEYS else value for key, value in entry.items()}
            for entry in item.get("fields", [])
        ]
        FormTemplate.objects.update_or_create(
            code=slugify(item["code"])[:40],
            defaults={
                "name": nfc(item["name"])[:500],
                "legal_source": nfc(item.get("legal_source", ""))[:300],
                "heading": nfc(item.get("heading", ""))[:300],
                "addressee": nfc(item.get("addressee", ""))[:300],
                "fields": fields,
                "signers": [nfc(signer) for signer in item.get("signers", [])],
                "national_file_name": nfc(item.get("national_file_name", ""))[:300],
                "national_url": (item.get("national_url") or "")[:500],
            },
        )
    catalogue_changed()
    return len(items)


@transaction.atomic
def synonyms_load(*, path: Path = SYNONYMS_FILE) -> int:
    """Add the synonyms of a JSON list that are missing; the administrator's edits are kept."""
    created = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        _synonym, was_created = SearchSynonym.objects.get_or_create(
            phrase=nfc(item["phrase"]).strip()[:200],
            defaults={"replacement": nfc(item["replacement"]).strip()[:300]},
        )
        created += was_created
    catalogue_changed()
    return created

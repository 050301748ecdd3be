"""Dossier codes ``<agency code>-YYMMDD-NNNN`` (TT 01/2018/TT-VPCP Điều 19), one sequence per agency and day.

The counter is incremented by one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` statement, which
PostgreSQL and SQLite (3.35+) both run atomically, so parallel submitters never get the same number. The
format is a setting (``DVC_DOSSIER_CODE_FORMAT``) for when TT 03/2025 changes it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection

from dichvucong.agencies.models import Agency
from dichvucong.dossiers.models import DossierCodeCounter

DEFAULT_FORMAT = "{agency}-{yymmdd}-{number:04d}"


def next_number(*, agency: Agency, day: datetime.date) -> int:
    table = DossierCodeCounter._meta.db_table
    sql = (
        f"INSERT INTO {table} (agency_id, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608 - constant table
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, day])
        return cursor.fetchone()[0]


def format_code(*, agency: Agency, day: datetime.date, number: int) -> str:
    template = getattr(settings, "DVC_DOSSIER_CODE_FORMAT", DEFAULT_FORMAT)
    return template.format(agency=agency.code, yymmdd=day.strftime("%y%m%d"), number=number)


def new_code(*, agency: Agency, day: datetime.date) -> str:
    return format_code(agency=agency, day=day, number=next_number(agency=agency, day=day))

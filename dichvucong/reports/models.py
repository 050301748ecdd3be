"""Precomputed scorecard data: one ``DossierFact`` per dossier (what the QĐ 766 formulas need, already
reduced: the KPI end, supplement time, flags), refreshed on commit of every dossier transition and by
``reports_refresh``. The scorecard and the breakdowns are conditional counts over it, by date ranges on two
indexed columns (reception and KPI end), grouped by agency, procedure, field or month."""

from __future__ import annotations

from django.db import models

from dichvucong.dossiers.models import Dossier

COVER = [
    "dossier_id", "received_at", "end_at", "agency_id", "procedure_id", "field_id", "late_if_ended",
    "many_supplements", "due_plus_pause", "complained",
]  # fmt: skip


def _cover(key: str) -> list[str]:
    return [name for name in COVER if name != key]


class DossierFact(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, primary_key=True, related_name="+")
    agency_id = models.IntegerField()
    procedure_id = models.IntegerField()
    field_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=12)
    received_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True)
    end_at = models.DateTimeField(null=True)  # KPI 2.1 end; null: open
    completed_at = models.DateTimeField(null=True)
    # Late if it ended (adjusted end > due date, or more than one supplement request).
    late_if_ended = models.BooleanField(default=False)
    # While open at a reference time t: late when more_than_one_supplement or due_plus_pause < t.
    due_plus_pause = models.DateTimeField(null=True)
    many_supplements = models.BooleanField(default=False)
    resolve_days = models.FloatField(null=True)
    paper_result = models.BooleanField(default=False)
    e_result = models.BooleanField(default=False)
    fee_bearing = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    has_files = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    vneid = models.BooleanField(default=False)
    synced = models.BooleanField(default=False)
    complained = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["received_at", "agency_id"], name="fact_received"),
            # The KPI 2.1 base is read in two index-only scans (covering the columns its counts need): the
            # dossiers that ended in or after the period, and those still open (few), never the whole table.
            models.Index(fields=["end_at"], include=_cover("end_at"), name="fact_end_cover"),
            models.Index(
                fields=["received_at"],
                include=_cover("received_at"),
                condition=models.Q(end_at__isnull=True),
                name="fact_open",
            ),
            models.Index(fields=["agency_id", "received_at"], name="fact_agency_received"),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


class StaleFact(models.Model):
    """A dossier whose facts must be recomputed (``reports.triggers`` notes it, in the transaction that
    changed it); the ``refresh_stale_facts`` task drains the table in batches, so the request pays one insert
    and the worker recomputes thousands of dossiers per query instead of one (issue 15). No foreign key: a
    deleted dossier's note simply removes its facts."""

    dossier_id = models.BigIntegerField(primary_key=True)
    noted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"stale fact {self.dossier_id}"

"""Tallies for the scorecard and the breakdowns (first version: straight from the facts)."""

from __future__ import annotations

from dichvucong.reports import indicators as I
from dichvucong.reports.scorecard import Scope


def tally(*, scope: Scope, period: I.Period) -> I.Tally:
    return I.tally_facts(I.direct_facts(scope, period), period)


def tallies_by(*, scope: Scope, period: I.Period, by: str) -> dict:
    groups: dict = {}
    for fact in I.direct_facts(scope, period):
        key = {"agency": fact.agency_id, "field": fact.field_id, "procedure": fact.procedure_id}[by]
        groups.setdefault(key, []).append(fact)
    return {key: I.tally_facts(facts, period) for key, facts in groups.items()}


def dossier_ids(*, scope: Scope, period: I.Period, code: str, part: str) -> list[int]:
    return I.matching(I.direct_facts(scope, period, with_days=False), period, code, part)

"""Demo data: the default workflow of every agency type that offers procedures (idempotent)."""

from __future__ import annotations

from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.processing.workflows import workflow_default_ensure


def load_demo() -> dict[str, int]:
    kinds = sorted(set(AgencyProcedure.objects.values_list("agency__kind", flat=True).distinct()))
    for kind in kinds:
        workflow_default_ensure(agency_kind=kind)
    return {"workflows": len(kinds)}

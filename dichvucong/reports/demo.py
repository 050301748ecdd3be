"""Demo data of the reports app: a complete month of history for the demo agency (``demo_history``), then its
scorecard facts. Idempotent (the demo dossiers carry client_ref ``demo-766-NN``).

The test suite loads the demo catalogue in many tests; the history (eleven dossiers driven through every
service) is left out there unless a test sets ``settings.DVC_DEMO_HISTORY = True``."""

from __future__ import annotations

from dichvucong.core.demo import demo_part_enabled


def history_enabled() -> bool:
    return demo_part_enabled("DVC_DEMO_HISTORY")


def load_demo() -> dict[str, int]:
    if not history_enabled():
        return {}
    from dichvucong.dossiers.models import Dossier
    from dichvucong.reports.demo_history import MARK, load_history
    from dichvucong.reports.refresh import facts_refresh

    created = load_history()
    ids = list(Dossier.objects.filter(client_ref__startswith=MARK).values_list("pk", flat=True))
    facts_refresh(dossier_ids=ids)
    return {"demo_766_dossiers": created}

"""Demo data of the reports app: a complete month of history for the demo agency (``demo_history``), then its
scorecard facts. Idempotent (the demo dossiers carry client_ref ``demo-766-NN``).

The test suite loads the demo catalogue in many tests; the history (eleven dossiers driven through every
service) is left out there unless a test sets ``settings.DVC_DEMO_HISTORY = True``."""

from __future__ import annotations

import os

from django.conf import settings


def history_enabled() -> bool:
    value = getattr(settings, "DVC_DEMO_HISTORY", None)
    if value is None:
        return os.environ.get("DVC_TESTING", "").lower() not in ("1", "true", "yes", "on")
    return bool(value)


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

"""Apps above the dossiers app react to transitions through after-commit subscriptions."""

import pytest

from dichvucong.dossiers import services, workflow
from dichvucong.dossiers.models import Status


@pytest.fixture
def recorded(monkeypatch):
    calls = []
    monkeypatch.setattr(workflow, "_subscribers", [])
    workflow.subscribe(calls.append, to_statuses={Status.SUBMITTED})
    workflow.subscribe(lambda change: calls.append(("refused", change.code)), actions={"refuse"})
    return calls


@pytest.mark.django_db(transaction=True)
def test_subscribers_run_after_commit_with_the_change(setup_live, recorded):
    draft = services.dossier_create_draft(applicant=setup_live["citizen"], offering=setup_live["offering"])
    for component in services.components_for(draft)[:2]:
        from dichvucong.dossiers.tests.conftest import PDF, pdf

        services.dossier_attach(
            dossier=draft,
            applicant=setup_live["citizen"],
            component=component,
            upload=pdf(content=PDF + component.name.encode()),
        )
    dossier = services.dossier_submit(dossier_id=draft.pk, applicant=setup_live["citizen"])

    assert len(recorded) == 1
    change = recorded[0]
    assert change.dossier_id == dossier.pk and change.code == dossier.code
    assert (change.action, change.from_status, change.to_status) == ("submit", Status.DRAFT, Status.SUBMITTED)
    assert change.actor_id == setup_live["citizen"].pk


def test_a_rolled_back_transition_tells_nobody(
    ready_draft, setup, recorded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])
            raise RuntimeError("the caller failed after the transition")

    assert recorded == []
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT


def test_a_failing_subscriber_does_not_stop_the_others(ready_draft, setup, monkeypatch):
    calls = []
    monkeypatch.setattr(workflow, "_subscribers", [])

    def broken(change):
        raise ValueError("boom")

    workflow.subscribe(broken)
    workflow.subscribe(calls.append)
    change = workflow.Transitioned(
        dossier_id=ready_draft.pk,
        code="X",
        action="submit",
        from_status="",
        to_status="",
        actor_id=None,
        event_id=0,
    )
    workflow._notify_subscribers(change)

    assert calls == [change]

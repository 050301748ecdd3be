"""The workflow end to end at the service layer, and every refusal leaves everything as it was."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers.models import Dossier, DossierEvent, Status
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.notifications.models import Message
from dichvucong.processing import results as result_services
from dichvucong.processing import services, workflows
from dichvucong.processing.models import (
    ControlSheetEntry,
    DossierResult,
    HandoverKind,
    ReturnRecord,
    Step,
    Track,
    TrackState,
)
from dichvucong.processing.tests.conftest import PDF, accepted_dossier
from dichvucong.worktime import schedule

NUMBERED = {"number": "1/GCN-UBND", "signed_on": timezone.localdate()}  # Vào số


def result_file(tag="kq"):
    return SimpleUploadedFile(f"{tag}.pdf", PDF + tag.encode(), content_type="application/pdf")


def snapshot(dossier) -> tuple:
    dossier = Dossier.objects.get(pk=dossier.pk)
    track = Track.objects.filter(dossier=dossier).values_list("position", "assignee_id", "state").first()
    return (
        dossier.status,
        dossier.due_at,
        track,
        ControlSheetEntry.objects.filter(dossier=dossier).count(),
        DossierEvent.objects.filter(dossier=dossier).count(),
        DossierResult.objects.filter(dossier=dossier).count(),
        Message.objects.count(),
    )


def walk_to(data, dossier, position: int):
    """Start processing and forward the dossier until it sits at ``position``."""
    services.processing_start(
        dossier_id=dossier.pk, officer=data["receptionist"], assignee_id=data["chuyenvien.a"].pk
    )
    holders = {1: "chuyenvien.a", 2: "truongphong.a", 3: "lanhdao.a", 4: "vanthu.a"}
    for current in range(1, position):
        services.processing_forward(dossier_id=dossier.pk, officer=data[holders[current]])
    return Dossier.objects.get(pk=dossier.pk)


def test_counter_specialist_head_leader_clerk_counter_with_the_control_sheet(pdata, accepted):
    data, dossier = pdata, accepted

    services.processing_start(
        dossier_id=dossier.pk, officer=data["receptionist"], assignee_id=data["chuyenvien.a"].pk
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    track = Track.objects.get(dossier=dossier)
    assert (track.position, track.assignee, track.role) == (1, data["chuyenvien.a"], "specialist")
    assert track.step_due_at <= dossier.due_at
    assert Message.objects.filter(event="dossier.handed_over", recipient="chuyenvien.a@hacthanh.vn").exists()

    services.processing_forward(dossier_id=dossier.pk, officer=data["chuyenvien.a"], note="Đủ điều kiện")
    services.processing_forward(dossier_id=dossier.pk, officer=data["truongphong.a"])
    services.processing_forward(dossier_id=dossier.pk, officer=data["lanhdao.a"])
    track.refresh_from_db()
    assert (track.position, track.assignee) == (4, data["vanthu.a"])
    assert track.draft_by == data["chuyenvien.a"]

    result_services.processing_issue_result(
        dossier_id=dossier.pk,
        officer=data["vanthu.a"],
        results=[
            result_services.ResultInput(
                name="Giấy khai sinh", result_code="KQ.G15.000031", upload=result_file(), **NUMBERED
            )
        ],
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED and dossier.finished_at is not None
    result = DossierResult.objects.get(dossier=dossier)
    assert result.result_code == "KQ.G15.000031"
    assert result.document.owner == data["vanthu.a"]  # counter delivery: not in the citizen's store yet
    assert Message.objects.filter(event="dossier.resolved", recipient="an@example.vn").exists()
    track.refresh_from_db()
    assert track.state == TrackState.AT_COUNTER

    result_services.processing_return(
        dossier_id=dossier.pk,
        officer=data["receptionist"],
        recipient_name="Nguyễn Văn An",
        recipient_id_number="038090012345",
        originals_checked=True,
        signature_note="Đã ký nhận",
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert ReturnRecord.objects.get(dossier=dossier).originals_checked
    track.refresh_from_db()
    assert track.state == TrackState.CLOSED and track.assignee is None

    sheet = list(ControlSheetEntry.objects.filter(dossier=dossier))
    assert [e.kind for e in sheet] == ["start", "forward", "forward", "forward", "issue"]
    assert [e.to_user.username if e.to_user else None for e in sheet] == [
        "chuyenvien.a",
        "truongphong.a",
        "lanhdao.a",
        "vanthu.a",
        None,
    ]
    assert all(e.finished_at is not None and e.on_time for e in sheet)
    assert all(e.due_at <= dossier.due_at for e in sheet)
    assert sheet[1].from_user == data["chuyenvien.a"] and sheet[1].note == "Đủ điều kiện"
    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions[-7:] == [
        "start_processing",
        "handover",
        "handover",
        "handover",
        "result_registered",  # Vào số, on the timeline (not a status change)
        "resolve",
        "return_result",
    ]


def test_a_step_finished_after_its_due_time_is_flagged_late(pdata, accepted):
    data, dossier = pdata, accepted
    services.processing_start(dossier_id=dossier.pk, officer=data["receptionist"])
    ControlSheetEntry.objects.filter(dossier=dossier).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )

    services.processing_forward(dossier_id=dossier.pk, officer=data["chuyenvien.a"])

    first, second = ControlSheetEntry.objects.filter(dossier=dossier)
    assert first.on_time is False and first.outcome == "Quá hạn"
    assert second.on_time is None and second.outcome == ""


def test_step_budgets_never_pass_the_legal_deadline(pdata, accepted):
    data, dossier = pdata, accepted
    soon = schedule.add_working_hours(timezone.now(), 3, agency=dossier.agency_id)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=soon)

    services.processing_start(dossier_id=dossier.pk, officer=data["receptionist"])

    track = Track.objects.get(dossier=dossier)  # the first step gets its share, the last one ends at "soon"
    assert track.step.budget_hours > 3 and track.step_due_at < soon
    assert datetime.datetime.fromisoformat(track.plan[-1]["due_at"]) == soon


def test_auto_assignment_picks_the_least_loaded_specialist(pdata):
    data = pdata
    one, two = accepted_dossier(data, tag="1"), accepted_dossier(data, tag="2")
    services.processing_start(dossier_id=one.pk, officer=data["receptionist"])
    services.processing_start(dossier_id=two.pk, officer=data["receptionist"])
    holders = {Track.objects.get(dossier=one).assignee, Track.objects.get(dossier=two).assignee}
    assert holders == {data["chuyenvien.a"], data["chuyenvien.b"]}


def test_acting_on_a_dossier_not_assigned_to_you_changes_nothing(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    before = snapshot(dossier)

    with pytest.raises(TransitionRefused) as refused:
        services.processing_forward(dossier_id=dossier.pk, officer=data["chuyenvien.b"])

    assert refused.value.code == "not_assigned" and "không được giao cho bạn" in refused.value.message
    assert snapshot(dossier) == before


def test_staff_of_another_agency_are_refused_and_nothing_changes(pdata, accepted):
    data, dossier = pdata, accepted
    before = snapshot(dossier)
    with pytest.raises(TransitionRefused) as refused:
        services.processing_start(dossier_id=dossier.pk, officer=data["foreign_specialist"])
    assert refused.value.code == "forbidden"
    assert snapshot(dossier) == before

    walk_to(data, dossier, 1)
    before = snapshot(dossier)
    with pytest.raises(TransitionRefused):
        services.processing_forward(dossier_id=dossier.pk, officer=data["foreign_specialist"])
    assert snapshot(dossier) == before


def test_an_assignee_without_the_role_is_422_and_nothing_changes(pdata, accepted):
    data, dossier = pdata, accepted
    before = snapshot(dossier)
    with pytest.raises(services.ProcessingError) as error:
        services.processing_start(
            dossier_id=dossier.pk, officer=data["receptionist"], assignee_id=data["lanhdao.a"].pk
        )
    assert error.value.field == "to_user"
    assert snapshot(dossier) == before


def test_sending_back_past_the_first_step_is_refused(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    before = snapshot(dossier)

    with pytest.raises(TransitionRefused) as refused:
        services.processing_send_back(dossier_id=dossier.pk, officer=data["chuyenvien.a"], note="Thiếu")

    assert refused.value.code == "first_step"
    assert snapshot(dossier) == before


def test_send_back_returns_to_the_previous_holder_and_needs_a_reason(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    with pytest.raises(services.ProcessingError):
        services.processing_send_back(dossier_id=dossier.pk, officer=data["truongphong.a"], note=" ")

    services.processing_send_back(dossier_id=dossier.pk, officer=data["truongphong.a"], note="Sửa dự thảo")

    track = Track.objects.get(dossier=dossier)
    assert (track.position, track.assignee) == (1, data["chuyenvien.a"])
    assert ControlSheetEntry.objects.filter(dossier=dossier).last().kind == HandoverKind.SEND_BACK


def test_approving_your_own_draft_is_refused_where_the_workflow_forbids_it(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 3)
    Track.objects.filter(dossier=dossier).update(draft_by=data["lanhdao.a"])  # the leader drafted it himself
    before = snapshot(dossier)

    with pytest.raises(TransitionRefused) as refused:
        services.processing_forward(dossier_id=dossier.pk, officer=data["lanhdao.a"])

    assert refused.value.code == "self_approval"
    assert snapshot(dossier) == before
    Step.objects.filter(workflow=Track.objects.get(dossier=dossier).workflow, signs=True).update(
        allow_self_approval=True
    )
    services.processing_forward(dossier_id=dossier.pk, officer=data["lanhdao.a"])
    assert Track.objects.get(dossier=dossier).position == 4


def test_recall_works_until_the_receiver_opens_the_dossier(pdata):
    data = pdata
    one, two = accepted_dossier(data, tag="1"), accepted_dossier(data, tag="2")
    walk_to(data, one, 2)
    services.processing_recall(dossier_id=one.pk, officer=data["chuyenvien.a"])
    track = Track.objects.get(dossier=one)
    assert (track.position, track.assignee) == (1, data["chuyenvien.a"])

    walk_to(data, two, 2)
    services.processing_mark_received(dossier=two, user=data["truongphong.a"])
    before = snapshot(two)
    with pytest.raises(TransitionRefused) as refused:
        services.processing_recall(dossier_id=two.pk, officer=data["chuyenvien.a"])
    assert refused.value.code == "received"
    with pytest.raises(TransitionRefused):
        services.processing_recall(dossier_id=two.pk, officer=data["chuyenvien.b"])
    assert snapshot(two) == before


def test_bulk_reassign_by_the_head_writes_the_sheet_and_reports_refusals(pdata):
    data = pdata
    one, two = accepted_dossier(data, tag="1"), accepted_dossier(data, tag="2")
    for dossier in (one, two):
        services.processing_start(
            dossier_id=dossier.pk, officer=data["receptionist"], assignee_id=data["chuyenvien.a"].pk
        )

    outcome = services.processing_reassign_many(
        dossiers=[one, two], officer=data["truongphong.a"], to_user_id=data["chuyenvien.b"].pk
    )

    assert sorted(outcome.done) == sorted([one.code, two.code]) and outcome.refused == []
    assert set(Track.objects.values_list("assignee__username", flat=True)) == {"chuyenvien.b"}
    outcome = services.processing_reassign_many(
        dossiers=[one], officer=data["chuyenvien.a"], to_user_id=data["chuyenvien.a"].pk
    )
    assert outcome.done == [] and outcome.refused[0][0] == one.code


def test_only_the_issuing_step_resolves_and_a_bad_file_changes_nothing(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 3)
    before = snapshot(dossier)
    with pytest.raises(TransitionRefused):
        result_services.processing_issue_result(
            dossier_id=dossier.pk,
            officer=data["lanhdao.a"],
            results=[
                result_services.ResultInput(name="KQ", result_code="", upload=result_file(), **NUMBERED)
            ],
        )
    assert snapshot(dossier) == before

    services.processing_forward(dossier_id=dossier.pk, officer=data["lanhdao.a"])
    before = snapshot(dossier)
    fake = SimpleUploadedFile("kq.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(services.ProcessingError):
        result_services.processing_issue_result(
            dossier_id=dossier.pk,
            officer=data["vanthu.a"],
            results=[result_services.ResultInput(name="KQ", result_code="", upload=fake, **NUMBERED)],
        )
    assert snapshot(dossier) == before


def test_online_result_goes_to_the_citizens_store_and_the_download_returns_it(pdata):
    data = pdata
    dossier = accepted_dossier(data, delivery="online")
    walk_to(data, dossier, 4)
    result_services.processing_issue_result(
        dossier_id=dossier.pk,
        officer=data["vanthu.a"],
        results=[
            result_services.ResultInput(
                name="Giấy khai sinh", result_code="KQ.G15.000031", upload=result_file(), **NUMBERED
            )
        ],
    )
    result = DossierResult.objects.get(dossier=dossier)
    assert result.document.owner == data["citizen"]
    assert result.document.source == StoredDocument.Source.RESULT

    with pytest.raises(services.ProcessingError):
        result_services.result_for_applicant(dossier=dossier, applicant=data["stranger"], result_id=result.pk)
    result_services.result_for_applicant(
        dossier=Dossier.objects.get(pk=dossier.pk), applicant=data["citizen"], result_id=result.pk
    )

    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert ReturnRecord.objects.get(dossier=dossier).method == "online"


def test_the_default_workflow_is_created_once_per_agency_kind(pdata):
    first = workflows.workflow_default_ensure(agency_kind="commune_committee")
    second = workflows.workflow_default_ensure(agency_kind="commune_committee")
    assert first == second and first.steps.count() == 4


def test_workflow_validation_refuses_bad_shapes(pdata):
    spec = workflows.StepSpec
    with pytest.raises(workflows.WorkflowInvalid):
        workflows.validate_steps([spec("A", "specialist", "", 8)])  # no issuing step
    with pytest.raises(workflows.WorkflowInvalid):
        workflows.validate_steps(
            [
                spec("Ký", "leader", "", 8, signs=True),
                spec("Dự thảo", "specialist", "", 8, produces_draft=True),
                spec("Ban hành", "clerk", "", 2, issues_result=True),
            ]
        )
    with pytest.raises(workflows.WorkflowInvalid):
        workflows.validate_steps([spec("Ban hành", "clerk", "", 0, issues_result=True)])

"""Workflow definitions as data: the default of each agency type, an agency's own per procedure, and the
checks an edited workflow must pass. Transitions between steps are by position: forward goes to the next
step, send back to the previous one (when the step allows it), recall returns it to the sender while the
receiver has not opened it (when the workflow allows it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from dichvucong.accounts.models import StaffRole, User
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.dossiers.models import Dossier
from dichvucong.processing.models import Step, Workflow

R = StaffRole


@dataclass(frozen=True)
class StepSpec:
    name: str
    role: str
    unit_name: str
    budget_hours: Decimal
    produces_draft: bool = False
    signs: bool = False
    issues_result: bool = False
    allow_send_back: bool = True
    allow_self_approval: bool = False


# Specialist appraises and drafts → head of unit reviews → leader signs → clerk numbers, seals and sends the
# result to the one-stop counter. Budgets follow the shape of published internal workflows (G4) for a
# 5-working-day procedure; each step's due time is capped at the dossier's legal deadline anyway.
DEFAULT_STEPS = (
    StepSpec("Thẩm định hồ sơ, dự thảo kết quả", R.SPECIALIST, "Công chức chuyên môn", Decimal(20),
             produces_draft=True, allow_send_back=False),
    StepSpec("Xem xét, trình ký", R.HEAD_OF_UNIT, "Lãnh đạo phòng chuyên môn", Decimal(8)),
    StepSpec("Ký duyệt kết quả", R.LEADER, "Lãnh đạo cơ quan", Decimal(8), signs=True),
    StepSpec("Vào số, đóng dấu, chuyển kết quả về Bộ phận một cửa", R.CLERK, "Văn thư", Decimal(4),
             issues_result=True),
)  # fmt: skip

KIND_NAMES = {
    "commune_committee": "Quy trình mặc định của UBND xã, phường",
    "department": "Quy trình mặc định của Sở, ban, ngành",
}


class WorkflowInvalid(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def validate_steps(steps: list[StepSpec]) -> None:
    """One issuing step, the last; at most one draft and one signing step, signing after it; budgets > 0."""
    if not steps:
        raise WorkflowInvalid("Quy trình phải có ít nhất một bước.")
    if sum(1 for s in steps if s.issues_result) != 1 or not steps[-1].issues_result:
        raise WorkflowInvalid("Bước cuối cùng (và chỉ bước đó) là bước ban hành, chuyển kết quả về một cửa.")
    drafts = [i for i, s in enumerate(steps) if s.produces_draft]
    signs = [i for i, s in enumerate(steps) if s.signs]
    if len(drafts) > 1 or len(signs) > 1:
        raise WorkflowInvalid("Chỉ có một bước dự thảo kết quả và một bước ký duyệt.")
    if drafts and signs and signs[0] < drafts[0]:
        raise WorkflowInvalid("Bước ký duyệt phải đứng sau bước dự thảo kết quả.")
    for spec in steps:
        if spec.budget_hours is None or spec.budget_hours <= 0:
            raise WorkflowInvalid(f"Bước “{spec.name}”: thời gian phải lớn hơn 0 giờ làm việc.")
        if spec.role not in {value for value, _label in Step._meta.get_field("role").choices}:
            raise WorkflowInvalid(f"Bước “{spec.name}”: vai trò không hợp lệ.")
        if not spec.name.strip():
            raise WorkflowInvalid("Mỗi bước cần có tên.")


def _replace_steps(workflow: Workflow, steps: list[StepSpec]) -> None:
    workflow.steps.all().delete()
    Step.objects.bulk_create(
        Step(
            workflow=workflow,
            position=position,
            name=spec.name.strip(),
            role=spec.role,
            unit_name=spec.unit_name.strip(),
            budget_hours=spec.budget_hours,
            produces_draft=spec.produces_draft,
            signs=spec.signs,
            issues_result=spec.issues_result,
            allow_send_back=spec.allow_send_back and position > 1,
            allow_self_approval=spec.allow_self_approval,
        )
        for position, spec in enumerate(steps, start=1)
    )


@transaction.atomic
def workflow_default_ensure(*, agency_kind: str) -> Workflow:
    """The default workflow of an agency type, created from DEFAULT_STEPS the first time (idempotent)."""
    workflow, created = Workflow.objects.get_or_create(
        agency_kind=agency_kind,
        offering=None,
        defaults={"name": KIND_NAMES.get(agency_kind, "Quy trình giải quyết mặc định")},
    )
    if created or not workflow.steps.exists():
        _replace_steps(workflow, list(DEFAULT_STEPS))
    return workflow


@transaction.atomic
def workflow_save(
    *,
    editor: User,
    steps: list[StepSpec],
    name: str,
    allow_recall: bool,
    offering: AgencyProcedure | None = None,
    agency_kind: str = "",
) -> Workflow:
    """Create or replace a workflow's steps. Dossiers already in processing keep the step they are at (the
    track stores the step's name and role); a step that disappears is cut from under nobody because steps
    are referenced with PROTECT: such an edit is refused while a dossier sits on that step."""
    validate_steps(steps)
    if offering is not None:
        workflow, _created = Workflow.objects.get_or_create(
            offering=offering, defaults={"name": name or f"Quy trình {offering.procedure.code}"}
        )
    else:
        workflow = workflow_default_ensure(agency_kind=agency_kind)
    from dichvucong.processing.models import Track, TrackState

    if Track.objects.filter(workflow=workflow).exclude(state=TrackState.CLOSED).exists():
        raise WorkflowInvalid(
            "Đang có hồ sơ giải quyết theo quy trình này. Hãy tạo quy trình riêng cho thủ tục, "
            "hoặc sửa khi các hồ sơ đó đã xong."
        )
    workflow.name = name.strip() or workflow.name
    workflow.allow_recall = allow_recall
    workflow.updated_by = editor
    workflow.save()
    _replace_steps(workflow, steps)
    return workflow


def workflow_for(dossier: Dossier) -> Workflow:
    """The offering's own workflow if it has one, else its agency type's default (created on first use)."""
    own = Workflow.objects.filter(offering_id=dossier.offering_id).first()
    if own is not None and own.steps.exists():
        return own
    return workflow_default_ensure(agency_kind=dossier.agency.kind)


def steps_of(workflow: Workflow) -> list[Step]:
    return list(workflow.steps.order_by("position"))


def specs_of(workflow: Workflow) -> list[StepSpec]:
    return [
        StepSpec(
            name=s.name,
            role=s.role,
            unit_name=s.unit_name,
            budget_hours=s.budget_hours,
            produces_draft=s.produces_draft,
            signs=s.signs,
            issues_result=s.issues_result,
            allow_send_back=s.allow_send_back,
            allow_self_approval=s.allow_self_approval,
        )
        for s in steps_of(workflow)
    ]

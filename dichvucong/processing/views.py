"""Processing pages: the staff inbox, the dossier's processing page with its actions and forms (Mẫu 04, 05,
the control sheet), workflow editing for agency administrators, and the citizen's withdrawal request and
result download. Staff pages need the second factor (``staff_required``); a dossier the user may not see is
404. Every action is a POST form (no JavaScript needed), protected by CSRF."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import FileField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from dichvucong.accounts.decorators import staff_required
from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_administered_by, agencies_for_user
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.documents.responses import private_file_response
from dichvucong.dossiers import selectors as dossier_selectors
from dichvucong.dossiers.models import Dossier, ResultDelivery, Status
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.processing import drafts, forms, late, paperwork, selectors, services, workflows
from dichvucong.processing import results as result_services
from dichvucong.processing.actions import LABELS, actions_for, pending, track_of
from dichvucong.processing.models import (
    DossierResult,
    DraftState,
    LateNotice,
    NoticeState,
    StopNotice,
    Workflow,
)
from dichvucong.worktime import schedule

R = StaffRole
processing_required = staff_required(
    lambda user: agencies_for_user(user=user, roles=sorted(selectors.PROCESSING_ROLES))
)
HANDLED = (services.ProcessingError, TransitionRefused)


# --- inbox --------------------------------------------------------------------------------------


@processing_required
@require_http_methods(["GET", "HEAD", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    scope = selectors.inbox_scope(user=request.user)
    tabs = scope.tabs()
    tab = request.GET.get("tab") or ("to_start" if scope.all_roles == {R.RECEPTIONIST} else "mine")
    if tab not in tabs:
        raise Http404
    bulk_form = forms.BulkReassignForm(
        request.POST if request.method == "POST" else None, people=_reassign_people(request.user, scope)
    )
    if request.method == "POST" and bulk_form.is_valid():
        ids = request.POST.getlist("dossier")
        chosen = list(
            Dossier.objects.filter(public_id__in=_uuids(ids), agency_id__in=list(scope.roles)).only(
                "pk", "code"
            )
        )
        if not chosen:
            messages.error(request, "Hãy chọn ít nhất một hồ sơ để bàn giao.")
        else:
            outcome = services.processing_reassign_many(
                dossiers=chosen,
                officer=request.user,
                to_user_id=bulk_form.cleaned_data["to_user"],
                note=bulk_form.cleaned_data["note"],
            )
            if outcome.done:
                messages.success(
                    request, f"Đã bàn giao {len(outcome.done)} hồ sơ: {', '.join(outcome.done)}."
                )
            for code, message in outcome.refused:
                messages.error(request, f"{code}: {message}")
        return redirect(f"{reverse('processing:inbox')}?tab={tab}")
    counts = selectors.inbox_counts(user=request.user, scope=scope)
    q, procedure = request.GET.get("q", ""), request.GET.get("thu_tuc", "")
    queryset = selectors.inbox_dossiers(user=request.user, scope=scope, tab=tab, q=q, procedure=procedure)
    paginator = Paginator(queryset, selectors.PAGE_SIZE)
    paginator.count = selectors.inbox_count(  # the tab's count above when there is no search
        user=request.user, scope=scope, tab=tab, q=q, procedure=procedure, counts=counts
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "tab": tab,
        "tabs": [(name, selectors.TABS[name], counts[name]) for name in tabs],
        "now": timezone.now(),
        "page": page,
        "q": q,
        "procedure": procedure,
        "bulk_form": bulk_form,
        "can_bulk": tab in ("mine", "unit", "due_today", "late"),
    }
    return render(request, "processing/inbox.html", context)


def _uuids(values: list[str]) -> list[str]:
    good = []
    for value in values[:200]:
        try:
            good.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return good


def _reassign_people(user, scope: selectors.Scope):
    """Colleagues holding one of my roles at one of my agencies (the bulk hand-over targets)."""
    pairs = [(agency, role) for agency, roles in scope.roles.items() for role in roles]
    if not pairs:
        return User.objects.none()
    condition = Q(pk__in=[])
    for agency, role in pairs:
        condition |= Q(memberships__agency_id=agency, memberships__role=role)
    return (
        User.objects.filter(condition, is_active=True, memberships__is_active=True)
        .distinct()
        .order_by("full_name")
    )


# --- the dossier's processing page --------------------------------------------------------------


def _people_for_next(dossier: Dossier, action: str):
    track = track_of(dossier)
    if action == "start":
        first = workflows.steps_of(workflows.workflow_for(dossier))[0]
        return services.assignable_members(dossier=dossier, role=first.role)
    if track is None or track.step is None:
        return []
    if action == "forward":
        following = track.workflow.steps.filter(position__gt=track.position).order_by("position").first()
        return services.assignable_members(dossier=dossier, role=following.role) if following else []
    return services.assignable_members(dossier=dossier, role=track.role)


def _expected(request: HttpRequest) -> int | None:
    value = request.POST.get("position")
    return int(value) if value and value.isdigit() else None


@processing_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.processing_dossier(user=request.user, public_id=public_id)
    roles = services.roles_of(user=request.user, agency_id=dossier.agency_id)
    available = actions_for(dossier=dossier, user=request.user, roles=roles)
    posted = request.POST.get("action") if request.method == "POST" else None
    data, files = (request.POST, request.FILES) if posted else (None, None)

    draft = drafts.current_draft(dossier.draft_results.all())
    signed_draft = draft if draft is not None and draft.state == DraftState.SIGNED else None

    def bound(name, form_class, **kwargs):
        return form_class(data if posted == name else None, files if posted == name else None, **kwargs)

    page_forms = {
        "start": bound("start", forms.StartForm, people=_people_for_next(dossier, "start"))
        if "start" in available
        else None,
        "forward": bound("forward", forms.HandoverForm, people=_people_for_next(dossier, "forward"))
        if "forward" in available
        else None,
        "reassign": bound("reassign", forms.BulkReassignForm, people=_people_for_next(dossier, "reassign"))
        if "reassign" in available
        else None,
        "send_back": bound("send_back", forms.SendBackForm),
        "draft": bound("draft", forms.DraftForm, results=list(dossier.version.results.all())),
        "issue": bound(
            "issue", forms.IssueForm, results=list(dossier.version.results.all()), signed_draft=signed_draft
        ),
        "return": bound(
            "return",
            forms.ReturnForm,
            initial={
                "recipient_name": dossier.applicant_name,
                "recipient_id_number": dossier.applicant_id_number,
            },
        ),
        "late_draft": bound("late_draft", forms.LateNoticeForm),
        "stop_propose": bound("stop_propose", forms.StopForm),
        "decision": bound(posted, forms.DecisionForm)
        if posted and posted.endswith("_decide")
        else forms.DecisionForm(),
        "recall": bound("recall", forms.DecisionForm),
    }
    if posted:
        if posted not in available:
            messages.error(request, "Thao tác này không còn thực hiện được. Trang đã được tải lại.")
            return redirect("processing:detail", public_id=dossier.public_id)
        form = page_forms.get("decision" if posted.endswith("_decide") else posted)
        if form is None or form.is_valid():
            try:
                message = _act(request, dossier, posted, form)
            except HANDLED as error:
                if (
                    isinstance(error, services.ProcessingError)
                    and form is not None
                    and error.field in form.fields
                ):
                    form.add_error(error.field, error.message)
                else:
                    messages.error(request, error.message)
                    return redirect("processing:detail", public_id=dossier.public_id)
            else:
                messages.success(request, message)
                return redirect("processing:detail", public_id=dossier.public_id)
        if form is not None:
            _ask_for_files_again(form, files)
    elif track_of(dossier) is not None:
        services.processing_mark_received(dossier=dossier, user=request.user)
    context = {
        "dossier": dossier,
        "track": track_of(dossier),
        "roles": roles,
        "available": available,
        "labels": LABELS,
        "forms": page_forms,
        "posted": posted,
        "late_pending": pending(dossier.late_notices.all()),
        "stop_pending": pending(dossier.stop_notices.all()),
        "withdrawal_pending": pending(dossier.withdrawal_requests.all()),
        "components": {item.component_id for item in dossier.files.all()},
        "draft": draft,
        "signed_draft": signed_draft,
    }
    return render(request, "processing/detail.html", context)


REPICK_FILE = "Tệp đã chọn chưa được lưu vì còn lỗi ở mục khác: hãy chọn lại tệp trước khi gửi."


def _ask_for_files_again(form, files) -> None:
    """A form shown again with errors cannot keep a chosen file (browsers empty file inputs): say so on
    each file field whose file was sent but not kept, so the clerk does not send the form without it."""
    for name, field in form.fields.items():
        if isinstance(field, FileField) and files and files.get(name) and name not in form.errors:
            form.add_error(name, REPICK_FILE)


def _act(request: HttpRequest, dossier: Dossier, action: str, form) -> str:
    user = request.user
    clean = form.cleaned_data if form is not None else {}
    if action == "start":
        services.processing_start(
            dossier_id=dossier.pk, officer=user, assignee_id=clean["to_user"], note=clean["note"]
        )
        return "Đã chuyển hồ sơ cho bộ phận chuyên môn xử lý."
    if action == "forward":
        services.processing_forward(
            dossier_id=dossier.pk,
            officer=user,
            to_user_id=clean["to_user"],
            note=clean["note"],
            expected_position=_expected(request),
        )
        return "Đã chuyển hồ sơ sang bước tiếp theo."
    if action == "send_back":
        services.processing_send_back(
            dossier_id=dossier.pk, officer=user, note=clean["note"], expected_position=_expected(request)
        )
        return "Đã trả hồ sơ về bước trước."
    if action == "recall":
        services.processing_recall(dossier_id=dossier.pk, officer=user, note=clean.get("note", ""))
        return "Đã thu hồi hồ sơ."
    if action == "reassign":
        services.processing_reassign(
            dossier_id=dossier.pk, officer=user, to_user_id=clean["to_user"], note=clean["note"]
        )
        return "Đã bàn giao hồ sơ."
    if action == "draft":
        code, name = form.result_parts()
        drafts.draft_result_attach(
            dossier_id=dossier.pk,
            officer=user,
            upload=clean["file"],
            name=name,
            result_code=code,
            note=clean["note"],
            expected_position=_expected(request),
        )
        return "Đã đính kèm dự thảo kết quả. Chuyển hồ sơ sang bước tiếp theo để trình ký."
    if action == "issue":
        code, name = form.result_parts()
        item = result_services.ResultInput(
            name=name,
            result_code=code,
            upload=clean["file"] or None,
            number=clean["number"],
            signed_on=clean["signed_on"],
        )
        result_services.processing_issue_result(
            dossier_id=dossier.pk,
            officer=user,
            results=[item],
            note=clean["note"],
            expected_position=_expected(request),
        )
        return "Đã vào số và chuyển kết quả về Bộ phận một cửa. Hồ sơ: Đã xử lý xong."
    if action == "return":
        result_services.processing_return(dossier_id=dossier.pk, officer=user, **clean)
        return "Đã trả kết quả cho công dân."
    if action == "late_draft":
        late.late_notice_draft(
            dossier_id=dossier.pk, officer=user, reason=clean["reason"], new_due_date=clean["new_due_date"]
        )
        return "Đã gửi dự thảo văn bản xin lỗi (Mẫu 04) để lãnh đạo duyệt."
    approve = request.POST.get("decision") == "approve"
    if action == "late_decide":
        notice = pending(dossier.late_notices.all())
        late.late_notice_decide(notice_id=notice.pk, leader=user, approve=approve, note=clean["note"])
        return (
            "Đã duyệt văn bản xin lỗi; ngày hẹn trả mới đã gửi cho công dân."
            if approve
            else "Đã không duyệt."
        )
    if action == "stop_propose":
        late.stop_propose(dossier_id=dossier.pk, officer=user, reasons=form.reason_list())
        return "Đã gửi đề xuất dừng giải quyết (Mẫu 05) để lãnh đạo duyệt."
    if action == "stop_decide":
        notice = pending(dossier.stop_notices.all())
        late.stop_decide(notice_id=notice.pk, leader=user, approve=approve, note=clean["note"])
        return "Đã dừng giải quyết hồ sơ (Mẫu 05)." if approve else "Đã không duyệt đề xuất dừng."
    if action == "withdrawal_decide":
        request_row = pending(dossier.withdrawal_requests.all())
        late.withdrawal_decide(request_id=request_row.pk, officer=user, approve=approve, note=clean["note"])
        return (
            "Đã đồng ý cho rút hồ sơ."
            if approve
            else "Đã không đồng ý cho rút hồ sơ; hồ sơ tiếp tục giải quyết."
        )
    raise Http404


# --- files and forms ----------------------------------------------------------------------------


@processing_required
@require_safe
def file_view(request: HttpRequest, public_id, file_id: int) -> HttpResponse:
    dossier = selectors.processing_dossier(user=request.user, public_id=public_id)
    item = next((f for f in dossier.files.all() if f.pk == file_id), None)
    if item is None:
        raise Http404
    return private_file_response(item.document, inline=True)


@processing_required
@require_safe
def result_view(request: HttpRequest, public_id, result_id: int) -> HttpResponse:
    dossier = selectors.processing_dossier(user=request.user, public_id=public_id)
    result = next((r for r in dossier.results.all() if r.pk == result_id), None)
    if result is None:
        raise Http404
    return private_file_response(result.document, inline=True)


@processing_required
@require_safe
def draft_view(request: HttpRequest, public_id, draft_id: int) -> HttpResponse:
    """A draft result, for staff of the dossier's agency (another agency's dossier is 404)."""
    dossier = selectors.processing_dossier(user=request.user, public_id=public_id)
    draft = next((d for d in dossier.draft_results.all() if d.pk == draft_id), None)
    if draft is None:
        raise Http404
    return private_file_response(draft.document, inline=True)


def _pdf(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@processing_required
@require_safe
def control_sheet_pdf(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.processing_dossier(user=request.user, public_id=public_id)
    return _pdf(paperwork.control_sheet_pdf(dossier), f"{dossier.code}-phieu-kiem-soat")


@processing_required
@require_safe
def notice_pdf(request: HttpRequest, public_id, form_name: str, notice_id: int) -> HttpResponse:
    dossier = selectors.processing_dossier(user=request.user, public_id=public_id)
    return _notice_response(dossier, form_name, notice_id, approved_only=False)


def _notice_response(
    dossier: Dossier, form_name: str, notice_id: int, *, approved_only: bool
) -> HttpResponse:
    model, render_pdf = {
        "mau-04": (LateNotice, paperwork.apology_pdf),
        "mau-05": (StopNotice, paperwork.stop_pdf),
    }.get(form_name, (None, None))
    if model is None:
        raise Http404
    notice = model.objects.select_related("decided_by").filter(pk=notice_id, dossier=dossier).first()
    if notice is None or (approved_only and notice.state != NoticeState.APPROVED):
        raise Http404
    return _pdf(render_pdf(dossier, notice), f"{dossier.code}-{form_name}")


# --- workflows (agency administrators) ----------------------------------------------------------

admin_required = staff_required(lambda user: agencies_administered_by(user=user))


@admin_required
@require_safe
def workflow_list(request: HttpRequest) -> HttpResponse:
    agencies = list(agencies_administered_by(user=request.user))
    kinds = sorted({a.kind for a in agencies})
    defaults = [workflows.workflow_default_ensure(agency_kind=kind) for kind in kinds]
    own = Workflow.objects.filter(offering__agency__in=agencies).select_related(
        "offering__procedure", "offering__agency"
    )
    offerings = (
        AgencyProcedure.objects.filter(agency__in=agencies, is_active=True, workflow__isnull=True)
        .select_related("procedure", "agency")
        .order_by("procedure__name")[:300]
    )
    context = {
        "defaults": defaults,
        "own": own,
        "offerings": offerings,
        "system_admin": _is_system_admin(request.user),
    }
    return render(request, "processing/workflow_list.html", context)


def _is_system_admin(user) -> bool:
    return user.is_superuser or user.memberships.filter(role=R.SYSTEM_ADMIN, is_active=True).exists()


def _administered_workflow(request: HttpRequest, pk: int) -> Workflow:
    agencies = agencies_administered_by(user=request.user)
    workflow = get_object_or_404(Workflow.objects.select_related("offering"), pk=pk)
    if workflow.offering_id:
        allowed = agencies.filter(pk=workflow.offering.agency_id).exists()
    else:  # a default workflow applies to every agency of its type: system administrators only
        allowed = _is_system_admin(request.user)
    if not allowed:
        raise Http404
    return workflow


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def workflow_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workflow = _administered_workflow(request, pk)
    return _workflow_form(request, workflow=workflow, offering=workflow.offering)


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def workflow_for_offering(request: HttpRequest, offering_id: int) -> HttpResponse:
    offering = get_object_or_404(
        AgencyProcedure.objects.select_related("procedure", "agency"),
        pk=offering_id,
        agency__in=agencies_administered_by(user=request.user),
    )
    existing = Workflow.objects.filter(offering=offering).first()
    if existing is not None:
        return redirect("processing:workflow_edit", pk=existing.pk)
    template = workflows.workflow_default_ensure(agency_kind=offering.agency.kind)
    return _workflow_form(request, workflow=None, offering=offering, template=template)


def _workflow_form(request, *, workflow: Workflow | None, offering, template: Workflow | None = None):
    source = workflow or template
    initial_steps = [spec.__dict__ for spec in workflows.specs_of(source)] if source else []
    meta_initial = {
        "name": workflow.name if workflow else f"Quy trình riêng: {offering.procedure.name[:200]}",
        "allow_recall": source.allow_recall if source else True,
    }
    if request.method == "POST":
        meta = forms.WorkflowForm(request.POST)
        steps = forms.StepFormSet(request.POST, prefix="steps")
    else:
        meta = forms.WorkflowForm(initial=meta_initial)
        steps = forms.StepFormSet(initial=initial_steps, prefix="steps")
    error = ""
    if request.method == "POST" and meta.is_valid() and steps.is_valid():
        specs = [
            workflows.StepSpec(**{k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
            for form in steps.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            saved = workflows.workflow_save(
                editor=request.user,
                steps=specs,
                name=meta.cleaned_data["name"],
                allow_recall=meta.cleaned_data["allow_recall"],
                offering=offering,
                agency_kind="" if offering else workflow.agency_kind,
            )
        except workflows.WorkflowInvalid as invalid:
            error = invalid.message
        else:
            messages.success(request, "Đã lưu quy trình.")
            return redirect("processing:workflow_edit", pk=saved.pk)
    context = {"workflow": workflow, "offering": offering, "meta": meta, "steps": steps, "error": error}
    return render(request, "processing/workflow_edit.html", context)


# --- the citizen --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, public_id) -> HttpResponse:
    dossier = dossier_selectors.dossier_access(user=request.user, public_id=public_id)
    form = forms.WithdrawalForm(request.POST or None)
    if dossier.status not in (Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING):
        messages.error(request, "Hồ sơ ở trạng thái hiện tại không rút được.")
        return redirect("dossiers:detail", public_id=dossier.public_id)
    if request.method == "POST" and form.is_valid():
        try:
            late.withdrawal_request(
                dossier_id=dossier.pk, applicant=request.user, reason=form.cleaned_data["reason"]
            )
        except HANDLED as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, "Đã gửi yêu cầu rút hồ sơ. Cơ quan giải quyết sẽ xem xét và thông báo cho bạn."
            )
            return redirect("dossiers:detail", public_id=dossier.public_id)
    return render(request, "processing/withdraw.html", {"dossier": dossier, "form": form})


@login_required
@require_safe
def citizen_result(request: HttpRequest, public_id, result_id: int) -> HttpResponse:
    dossier = dossier_selectors.dossier_access(user=request.user, public_id=public_id)
    try:
        result = result_services.result_for_applicant(
            dossier=dossier, applicant=request.user, result_id=result_id
        )
    except services.ProcessingError:
        raise Http404 from None
    return private_file_response(result.document, inline=False)


@login_required
@require_safe
def citizen_results(request: HttpRequest, public_id) -> HttpResponse:
    """The results and the approved notices (Mẫu 04, 05) of the citizen's own dossier."""
    dossier = dossier_selectors.dossier_access(user=request.user, public_id=public_id)
    results = (
        list(DossierResult.objects.filter(dossier=dossier).select_related("electronic"))  # esign's signature
        if dossier.status in (Status.RESOLVED, Status.RETURNED)
        else []
    )
    collect = None
    if results and dossier.result_delivery == ResultDelivery.COUNTER and dossier.status == Status.RESOLVED:
        office = dossier.intake_agency or dossier.agency  # the one-stop counter that received it returns it
        calendar = schedule.calendar_for(office.pk)
        ready = calendar.snap_to_working_time(dossier.finished_at or timezone.now())
        collect = {"office": office, "hours": calendar.hours, "from": ready}
    context = {
        "dossier": dossier,
        "results": results,
        "collect": collect,
        "returned": getattr(dossier, "return_record", None) if dossier.status == Status.RETURNED else None,
        "late_notices": LateNotice.objects.filter(dossier=dossier, state=NoticeState.APPROVED),
        "stop_notices": StopNotice.objects.filter(dossier=dossier, state=NoticeState.APPROVED),
    }
    return render(request, "processing/citizen_results.html", context)


@login_required
@require_safe
def citizen_notice_pdf(request: HttpRequest, public_id, form_name: str, notice_id: int) -> HttpResponse:
    dossier = dossier_selectors.dossier_access(user=request.user, public_id=public_id)
    return _notice_response(dossier, form_name, notice_id, approved_only=True)

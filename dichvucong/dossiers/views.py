"""Dossier pages: online submission, "Hồ sơ của tôi", reception at the one-stop counter, public tracking."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dichvucong import paperwork as paperwork_pdf
from dichvucong.accounts.decorators import staff_required
from dichvucong.accounts.models import StaffRole
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers import cases as case_rules
from dichvucong.dossiers import forms, notices, paperwork, reception, selectors, services, tracking
from dichvucong.dossiers.models import ResultDelivery, Status
from dichvucong.dossiers.workflow import (
    OWN_DOSSIER_MESSAGE,
    TransitionRefused,
    allowed_actions,
    is_own_dossier,
)
from dichvucong.worktime import schedule

# --- online submission -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, offering_id: int) -> HttpResponse:
    offering = get_object_or_404(
        AgencyProcedure.objects.select_related("procedure", "agency", "procedure__current_version"),
        pk=offering_id,
        is_active=True,
    )
    plan = case_rules.case_plan(offering.procedure.current_version)
    if request.method == "POST":
        try:
            dossier = services.dossier_create_draft(
                applicant=request.user, offering=offering, allow_unanswered=True
            )
        except services.DossierError as error:
            messages.error(request, error.message)
        else:
            if plan.questions:
                return redirect("dossiers:case_question", public_id=dossier.public_id, number=1)
            return redirect("dossiers:edit", public_id=dossier.public_id)
    context = {"offering": offering, "plan": plan}
    return render(request, "dossiers/start.html", context)


def _own_draft_or_redirect(request: HttpRequest, public_id):
    dossier = selectors.dossier_access(user=request.user, public_id=public_id)
    if dossier.status != Status.DRAFT:
        return dossier, redirect("dossiers:detail", public_id=dossier.public_id)
    return dossier, None


@login_required
@require_http_methods(["GET", "POST"])
def case_question(request: HttpRequest, public_id, number: int) -> HttpResponse:
    """One question per page: each special case as yes/no, or the one alternative that applies."""
    dossier, away = _own_draft_or_redirect(request, public_id)
    if away:
        return away
    plan = case_rules.case_plan(dossier.version)
    if not 1 <= number <= plan.questions:
        raise Http404
    chosen = case_rules.chosen_cases(dossier.case)
    answered: dict[str, bool] = dict(dossier.form_data.get("case_answers") or {})
    data = request.POST if request.method == "POST" else None
    if plan.alternatives:
        form = forms.CaseChoiceForm(
            data, alternatives=plan.alternatives, initial={"case": chosen[0] if chosen else None}
        )
        case = ""
    else:
        case = plan.special[number - 1]
        if case in answered:
            initial = {"answer": "yes" if answered[case] else "no"}
        else:
            initial = {"answer": "yes"} if case in chosen else {}
        papers = [component.name for component in plan.by_case[case]]
        form = forms.CaseQuestionForm(data, case=case, papers=papers, initial=initial)
    if data is not None and form.is_valid():
        if plan.alternatives:
            cases = [form.cleaned_data["case"]]
        else:
            answered[case] = form.cleaned_data["answer"] == "yes"
            cases = [c for c in chosen if c != case] + ([case] if answered[case] else [])
        try:
            services.dossier_set_cases(
                dossier=dossier, applicant=request.user, cases=cases, answered=answered
            )
        except services.DossierError as error:
            form.add_error(None, error.message)
        else:
            if number < plan.questions:
                return redirect("dossiers:case_question", public_id=dossier.public_id, number=number + 1)
            return redirect("dossiers:edit", public_id=dossier.public_id)
    if number > 1:
        back = reverse("dossiers:case_question", args=[dossier.public_id, number - 1])
    else:
        back = reverse("dossiers:start", args=[dossier.offering_id])
    context = {"dossier": dossier, "form": form, "number": number, "plan": plan, "back": back}
    return render(request, "dossiers/case_question.html", context)


def _case_summary(dossier) -> dict:
    plan = case_rules.case_plan(dossier.version)
    return {
        "chosen": case_rules.chosen_cases(dossier.case),
        "questions": plan.questions,
        "alternatives": bool(plan.alternatives),
    }


def _component_rows(dossier, documents, file_errors: dict[str, str] | None = None):
    attached: dict[int, list] = {}
    for item in dossier.files.all():
        attached.setdefault(item.component_id, []).append(item)
    return [
        {
            "component": component,
            "files": attached.get(component.pk, []),
            "documents": documents,
            "required": services.upload_required(component, dossier),
            "eform": case_rules.eform_replaces_upload(component, dossier.version),
            "error": (file_errors or {}).get(f"file_{component.pk}", ""),  # shown by the file field too
        }
        for component in services.components_for(dossier)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.dossier_access(user=request.user, public_id=public_id)
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:detail", public_id=dossier.public_id)
    initial = {
        name: getattr(dossier, name)
        for name in (
            "applicant_name",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "owner_name",
            "owner_id_number",
            "owner_address",
            "result_delivery",
            "delivery_address",
            "home_pickup",
            "pickup_address",
        )
    }
    initial["request"] = dossier.form_data.get("request", "")
    schema = dossier.version.form_schema
    answers = dossier.form_data.get("fields", {})
    initial.update(
        {f"f_{spec['name']}": answers.get(spec["name"], spec.get("prefill_value", "")) for spec in schema}
    )
    form = forms.DraftForm(request.POST or None, initial=initial, schema=schema)
    documents = list(StoredDocument.objects.filter(owner=request.user).order_by("-created_at")[:100])
    file_errors: dict[str, str] = {}
    if request.method == "POST":
        if "remove" in request.POST:
            services.dossier_detach(
                dossier=dossier, applicant=request.user, file_id=request.POST.get("remove")
            )
            return redirect("dossiers:edit", public_id=dossier.public_id)
        for component in services.components_for(dossier):
            upload = request.FILES.get(f"file_{component.pk}")
            chosen = request.POST.get(f"doc_{component.pk}")
            document = next((d for d in documents if str(d.public_id) == chosen), None) if chosen else None
            if upload is None and document is None:
                continue
            try:
                services.dossier_attach(
                    dossier=dossier,
                    applicant=request.user,
                    component=component,
                    upload=upload,
                    document=document,
                )
            except services.DossierError as error:
                file_errors[f"file_{component.pk}"] = error.message
        if form.is_valid():
            data = form.cleaned_data
            services.dossier_update_draft(
                dossier=dossier,
                applicant=request.user,
                form_data={**dossier.form_data, "request": data["request"], "fields": form.schema_values()},
                **{name: data[name] for name in services.DRAFT_FIELDS if name in data},
            )
            if not file_errors:
                if "review" in request.POST:
                    return redirect("dossiers:review", public_id=dossier.public_id)
                messages.success(request, "Đã lưu bản nháp.")
                return redirect("dossiers:edit", public_id=dossier.public_id)
        dossier = selectors.dossier_access(user=request.user, public_id=public_id)
    plan = case_rules.case_plan(dossier.version)
    if plan.questions:
        back = reverse("dossiers:case_question", args=[dossier.public_id, plan.questions])
    else:
        back = reverse("dossiers:start", args=[dossier.offering_id])
    context = {
        "dossier": dossier,
        "form": form,
        "components": _component_rows(dossier, documents, file_errors),
        "file_errors": file_errors,
        "cases": _case_summary(dossier),
        "back": back,
    }
    return render(request, "dossiers/edit.html", context)


@login_required
@require_http_methods(["POST"])
def autosave(request: HttpRequest, public_id) -> HttpResponse:
    """Save what is valid in the draft as the person types (htmx); nothing invalid is stored."""
    dossier = selectors.dossier_access(user=request.user, public_id=public_id)
    if dossier.status != Status.DRAFT:
        return HttpResponse(status=409)
    form = forms.DraftForm(request.POST, schema=dossier.version.form_schema)
    form.is_valid()
    fields = {name: value for name, value in form.cleaned_data.items() if name in services.DRAFT_FIELDS}
    form_data = {
        **dossier.form_data,
        "fields": {**dossier.form_data.get("fields", {}), **form.schema_values()},
        **({"request": form.cleaned_data["request"]} if "request" in form.cleaned_data else {}),
    }
    services.dossier_update_draft(dossier=dossier, applicant=request.user, form_data=form_data, **fields)
    saved_at = timezone.localtime().strftime("%H:%M")
    return HttpResponse(f"Đã lưu nháp lúc {saved_at}")


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.dossier_access(user=request.user, public_id=public_id)
    if request.method == "POST":
        try:
            dossier = services.dossier_submit(dossier_id=dossier.pk, applicant=request.user)
        except services.DossierError as error:
            messages.error(request, error.message)
            return redirect("dossiers:edit", public_id=dossier.public_id)
        return redirect("dossiers:submitted", public_id=dossier.public_id)
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:detail", public_id=dossier.public_id)
    edit_url = reverse("dossiers:edit", args=[dossier.public_id])
    question_url = reverse("dossiers:case_question", args=[dossier.public_id, 1])
    problems = [
        (
            message,
            question_url
            if field == "case"
            else f"{edit_url}#{field if field.startswith('file_') else 'id_' + field}",
        )
        for field, message in services.missing_requirements(dossier)
    ]
    context = {
        "dossier": dossier,
        "problems": problems,
        "components": _component_rows(dossier, []),
        "cases": _case_summary(dossier),
    }
    return render(request, "dossiers/review.html", context)


@login_required
def submitted(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.dossier_access(user=request.user, public_id=public_id)
    # Where news of the dossier goes (masked), as the API answer's ``notices_to`` says.
    context = {"dossier": dossier, "notices_to": notices.recipients_note(dossier)}
    return render(request, "dossiers/submitted.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    dossiers = selectors.dossier_list_for_applicant(user=request.user)
    return render(request, "dossiers/mine.html", {"dossiers": dossiers})


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.dossier_access(user=request.user, public_id=public_id)
    form = forms.SupplementSendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        uploads = [
            (component, request.FILES[f"file_{component.pk}"])
            for component in services.components_for(dossier)
            if f"file_{component.pk}" in request.FILES
        ]
        try:
            services.dossier_send_supplement(
                dossier_id=dossier.pk, applicant=request.user, note=form.cleaned_data["note"], uploads=uploads
            )
        except (services.DossierError, TransitionRefused) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Đã gửi bổ sung. Bộ phận một cửa sẽ kiểm tra và thông báo cho bạn.")
            return redirect("dossiers:detail", public_id=dossier.public_id)
    context = {
        "dossier": dossier,
        "form": form,
        "open_supplement": next((s for s in dossier.supplements.all() if not s.completed_at), None),
        "components": services.components_for(dossier),
    }
    return render(request, "dossiers/detail.html", context)


# --- official forms ------------------------------------------------------------------------------


def _form_pdf(request: HttpRequest, dossier, form_name: str) -> HttpResponse:
    if not paperwork.form_available(dossier, form_name):
        raise Http404
    render_pdf, _statuses = paperwork.FORMS[form_name]
    response = HttpResponse(render_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{form_name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def form_pdf(request: HttpRequest, public_id, form_name: str) -> HttpResponse:
    dossier = selectors.dossier_access(user=request.user, public_id=public_id)
    return _form_pdf(request, dossier, form_name)


# --- reception at the counter -------------------------------------------------------------------


# Signed in with the second factor, and holding a staff role at some agency.
reception_required = staff_required(lambda user: agencies_for_user(user=user, roles=selectors.STAFF_ROLES))


@reception_required
def queue(request: HttpRequest) -> HttpResponse:
    dossiers = list(selectors.reception_queue(user=request.user)[:200])
    now = timezone.now()
    for dossier in dossiers:
        # Received the same working day, or the next working morning at the latest (one working day).
        dossier.intake_due = schedule.add_working_hours(dossier.submitted_at, 8, agency=dossier.agency)
        dossier.intake_late = dossier.intake_due < now
    return render(request, "dossiers/queue.html", {"dossiers": dossiers})


@reception_required
@require_http_methods(["GET", "POST"])
def counter_intake(request: HttpRequest) -> HttpResponse:
    """Receive a paper dossier at the counter (or by post), or file one on a citizen's behalf."""
    intake_agency = agencies_for_user(user=request.user, roles=[StaffRole.RECEPTIONIST]).first()
    if intake_agency is None:
        return render(request, "accounts/forbidden.html", status=403)
    offerings = (
        AgencyProcedure.objects.filter(is_active=True)
        .select_related("procedure", "agency")
        .order_by("procedure__name", "agency__code")
    )
    form = forms.CounterIntakeForm(request.POST or None, offerings=offerings)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        offering, channel, note = data.pop("offering"), data.pop("channel"), data.pop("note")
        try:
            dossier = reception.dossier_counter_intake(
                officer=request.user,
                offering=offering,
                intake_agency=intake_agency,
                channel=channel,
                note=note,
                **data,
            )
        except (services.DossierError, TransitionRefused) as error:
            form.add_error(getattr(error, "field", None), error.message)
        else:
            messages.success(request, f"Đã tiếp nhận hồ sơ {dossier.code}. In giấy tiếp nhận (Mẫu 01).")
            return redirect("dossiers:staff_detail", public_id=dossier.public_id)
    return render(request, "dossiers/counter_intake.html", {"form": form, "intake_agency": intake_agency})


@reception_required
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.dossier_access(user=request.user, public_id=public_id, for_staff=True)
    supplement_form = forms.SupplementRequestForm(
        request.POST if request.POST.get("action") == "supplement" else None
    )
    refuse_form = forms.RefuseForm(request.POST if request.POST.get("action") == "refuse" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        expected = request.POST.get("status") or None
        try:
            if action == "accept":
                reception.dossier_accept(
                    dossier_id=dossier.pk, officer=request.user, expected_status=expected
                )
                messages.success(request, f"Đã tiếp nhận hồ sơ. {_receipt_advice(dossier)}")
                return redirect("dossiers:staff_detail", public_id=dossier.public_id)
            if action == "supplement" and supplement_form.is_valid():
                reception.dossier_request_supplement(
                    dossier_id=dossier.pk,
                    officer=request.user,
                    items=supplement_form.parsed_items(),
                    deadline=supplement_form.deadline(),
                )
                messages.success(request, "Đã gửi yêu cầu bổ sung (Mẫu 02).")
                return redirect("dossiers:staff_detail", public_id=dossier.public_id)
            if action == "complete_supplement":
                reception.dossier_complete_supplement(dossier_id=dossier.pk, officer=request.user)
                messages.success(request, "Đã hoàn thành bổ sung; ngày hẹn trả đã được cập nhật.")
                return redirect("dossiers:staff_detail", public_id=dossier.public_id)
            if action == "refuse" and refuse_form.is_valid():
                reception.dossier_refuse(
                    dossier_id=dossier.pk, officer=request.user, reasons=refuse_form.reason_list()
                )
                messages.success(request, "Đã từ chối tiếp nhận (Mẫu 03).")
                return redirect("dossiers:staff_detail", public_id=dossier.public_id)
        except (services.DossierError, TransitionRefused) as error:
            messages.error(request, error.message)
            return redirect("dossiers:staff_detail", public_id=dossier.public_id)
    context = {
        "dossier": dossier,
        "result_by_post": dossier.result_delivery == ResultDelivery.POST,
        "result_online": dossier.result_delivery == ResultDelivery.ONLINE,
        "actions": {t.action for t in allowed_actions(dossier=dossier, user=request.user)},
        "own_dossier": is_own_dossier(dossier=dossier, user=request.user),
        "own_dossier_message": OWN_DOSSIER_MESSAGE,
        "supplement_form": supplement_form,
        "refuse_form": refuse_form,
        "components": services.components_for(dossier),
    }
    return render(request, "dossiers/staff_detail.html", context)


def _receipt_advice(dossier) -> str:
    """What to do with Mẫu 01: hand it over only to someone standing at the counter."""
    if dossier.channel == "in_person":
        return "In giấy tiếp nhận (Mẫu 01) và trao cho người nộp."
    if dossier.channel == "postal":
        return "Gửi giấy tiếp nhận (Mẫu 01) cho người nộp qua bưu điện."
    return "Người nộp xem và tải giấy tiếp nhận (Mẫu 01) trên cổng dịch vụ công."


@reception_required
def staff_form_pdf(request: HttpRequest, public_id, form_name: str) -> HttpResponse:
    dossier = selectors.dossier_access(user=request.user, public_id=public_id, for_staff=True)
    return _form_pdf(request, dossier, form_name)


@reception_required
def ledger(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi hồ sơ of the staff member's agencies for a period, as Excel or PDF."""
    today = timezone.localdate()
    form = forms.LedgerForm(request.GET or None, initial={"start": today.replace(day=1), "end": today})
    if request.GET and form.is_valid():
        start, end, kind = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["format"]
        dossiers = selectors.ledger_dossiers(user=request.user, start=start, end=end)
        limit = settings.DVC_LEDGER_PDF_MAX_ROWS if kind == "pdf" else settings.DVC_LEDGER_XLSX_MAX_ROWS
        total = dossiers.count()
        if total > limit:
            count, most = (f"{n:,}".replace(",", ".") for n in (total, limit))
            advice = "Hãy chọn kỳ ngắn hơn hoặc tải bản Excel." if kind == "pdf" else "Hãy chọn kỳ ngắn hơn."
            form.add_error(
                "end",
                f"Kỳ này có {count} hồ sơ, quá nhiều cho một tệp {kind.upper()} (tối đa {most}). {advice}",
            )
            return render(request, "dossiers/ledger.html", {"form": form}, status=422)
        rows = paperwork.ledger_rows(dossiers)
        period = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
        agency_name = ", ".join(
            a.name for a in agencies_for_user(user=request.user, roles=selectors.STAFF_ROLES)
        )
        if kind == "pdf":
            body = paperwork_pdf.render_ledger_pdf(rows, agency_name=agency_name, period_text=period)
            content_type = "application/pdf"
        else:
            body = paperwork_pdf.render_ledger_xlsx(rows, agency_name=agency_name, period_text=period)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.{kind}"'
        )
        return response
    return render(request, "dossiers/ledger.html", {"form": form})


# --- public tracking -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Code + the owner's ID number (or the receipt's secret); the same answer for any wrong pair."""
    form = forms.TrackForm(request.POST or None, initial={"code": request.GET.get("ma", "")[:40]})
    card = None
    if request.method == "POST":
        if not hit(
            f"track:{client_ip(request)}", limit=settings.DVC_TRACKING_PER_IP_MINUTE, window_seconds=60
        ):
            return render(request, "accounts/rate_limited.html", status=429)
        if form.is_valid():
            card = tracking.tracking_card(code=form.cleaned_data["code"], proof=form.cleaned_data["proof"])
            if card is None:
                form.add_error(None, "Không tìm thấy hồ sơ với mã và số giấy tờ đã nhập. Hãy kiểm tra lại.")
    return render(request, "dossiers/track.html", {"form": form, "card": card})

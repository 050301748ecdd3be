"""Pages for feedback (PAKN): the public list of answers with like/dislike, the submission form with its
one-time-code step, the sender's own pages, and the staff queue with the SLA clocks. Every page works without
JavaScript (forms POST, server-rendered)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dichvucong.accounts.decorators import staff_required
from dichvucong.core.ratelimit import client_ip
from dichvucong.feedback import clocks, contact, forms, selectors, services, votes
from dichvucong.feedback.models import FeedbackStatus, Subject
from dichvucong.feedback.text import answer_for_editing

SESSION_ACCESS = "feedback_access"  # {code: contact value proven in this session}
SENDER_HIDDEN_ACTIONS = ("route", "answer", "send_back")  # internal steps the sender does not see
SUBMIT, LOOKUP = "feedback_submit", "feedback_lookup"


# --- public ----------------------------------------------------------------------------------------------


def _vote_context(request: HttpRequest, feedbacks) -> dict:
    """Who may vote here, the reader's own votes, and where "Đăng nhập để bày tỏ ý kiến" comes back to."""
    return {
        "can_vote": votes.may_vote(request.user),
        "my_votes": selectors.votes_of(user=request.user, feedback_ids=[f.pk for f in feedbacks]),
        "login_next": f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}",
    }


def public_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.published_list(q=q), 10).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, **_vote_context(request, page.object_list)}
    return render(request, "feedback/list.html", context)


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    feedback = selectors.published_get(code=code)
    context = {"feedback": feedback, **_vote_context(request, [feedback])}
    return render(request, "feedback/detail.html", context)


@require_POST
def vote(request: HttpRequest, code: str) -> HttpResponse:
    """A signed-in citizen's like or dislike (feedback.votes): once per account. Anonymous readers are sent
    to sign in and back; staff accounts get 403."""
    feedback = selectors.published_get(code=code)
    on_list = request.POST.get("next", "") == "list"
    back = reverse("feedback:list") if on_list else reverse("feedback:detail", args=[feedback.code])
    if not request.user.is_authenticated:
        messages.info(request, votes.SIGN_IN_TO_VOTE)
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': back})}")
    if not votes.may_vote(request.user):
        return render(request, "accounts/forbidden.html", status=403)
    try:
        votes.feedback_vote(
            feedback_id=feedback.pk, user=request.user, value=request.POST.get("value", ""),
            client_ip=client_ip(request),
        )  # fmt: skip
        messages.success(request, "Cảm ơn bạn đã đánh giá câu trả lời.")
    except services.FeedbackError as error:
        messages.error(request, error.message)
    return redirect(back + (f"#pakn-{feedback.code}" if on_list else ""))


def _posted(request: HttpRequest):
    """The POST data of a POST (even an empty one, which must show its errors), else None (unbound)."""
    return request.POST if request.method == "POST" else None


# --- submission -----------------------------------------------------------------------------------------


def _draft(data: dict, *, sender_name: str = "") -> services.FeedbackDraft:
    return services.FeedbackDraft(
        subject=data["subject"],
        title=data["title"],
        content=data["content"],
        sender_name=sender_name,
        procedure=data.get("procedure") if data["subject"] == Subject.PROCEDURE else None,
        agency=data.get("agency") if data["subject"] == Subject.AGENCY else None,
        dossier=data.get("dossier") if data["subject"] == Subject.DOSSIER else None,
        place=data.get("place") if data["subject"] == Subject.PROCEDURE else None,
    )


def _grant(request: HttpRequest, code: str, value: str) -> None:
    access = dict(request.session.get(SESSION_ACCESS, {}))
    access[code] = value
    request.session[SESSION_ACCESS] = dict(list(access.items())[-20:])


def _add_service_error(form, error) -> None:
    field = error.field if error.field in form.fields else None
    if error.field == "dossier_code" and "dossier_code" in form.fields:
        field = "dossier_code"
    form.add_error(field, error.message)


def submit(request: HttpRequest) -> HttpResponse:
    user = request.user
    signed_in = user.is_authenticated
    verified_account = signed_in and bool(
        (user.phone and user.phone_verified_at) or (user.email and user.email_verified_at)
    )
    reraises = None
    if request.GET.get("tai-phan-anh"):
        reraises = selectors.published_list().filter(code=request.GET["tai-phan-anh"]).first()
    initial = {"subject": Subject.PROCEDURE}
    if request.GET.get("thu-tuc"):
        initial["procedure_code"] = request.GET["thu-tuc"][:40]
    if reraises is not None:
        initial.update(title=f"Phản ánh lại: {reraises.public_title}"[:300])
    form = forms.SubmitForm(_posted(request), initial=initial, signed_in=signed_in)
    if request.method == "POST" and (verified_account or not signed_in) and form.is_valid():
        data = form.cleaned_data
        draft = _draft(data, sender_name=data.get("sender_name", ""))
        draft.reraises = reraises
        try:
            if signed_in:
                feedback = services.feedback_submit(draft=draft, sender=user, client_ip=client_ip(request))
                messages.success(request, f"Đã gửi phản ánh, kiến nghị. Mã phản ánh: {feedback.code}.")
                return redirect("feedback:sender_detail", code=feedback.code)
            payload = {
                "subject": data["subject"],
                "title": data["title"],
                "content": data["content"],
                "sender_name": data["sender_name"],
                "procedure_id": data["procedure"].pk if data.get("procedure") else None,
                "agency_id": data["agency"].pk if data.get("agency") else None,
                "dossier_id": data["dossier"].pk if data.get("dossier") else None,
                "place_id": draft.place.pk if draft.place else None,
                "reraises_id": reraises.pk if reraises else None,
            }
            challenge = contact.challenge_start(
                purpose=SUBMIT, contact=data["contact"], payload=payload, client_ip=client_ip(request)
            )
            return redirect("feedback:submit_verify", challenge=challenge)
        except (services.FeedbackError, contact.ContactError) as error:
            _add_service_error(form, error)
    return render(
        request,
        "feedback/submit.html",
        {"form": form, "signed_in": signed_in, "reraises": reraises, "verified_account": verified_account},
    )


def _draft_from_payload(payload: dict) -> services.FeedbackDraft:
    from dichvucong.agencies.models import Agency
    from dichvucong.catalogue.models import Procedure
    from dichvucong.dossiers.models import Dossier
    from dichvucong.feedback.models import Feedback

    def get(model, pk):
        return model.objects.filter(pk=pk).first() if pk else None

    return services.FeedbackDraft(
        subject=payload["subject"],
        title=payload["title"],
        content=payload["content"],
        sender_name=payload["sender_name"],
        procedure=get(Procedure, payload["procedure_id"]),
        agency=get(Agency, payload["agency_id"]),
        dossier=get(Dossier, payload["dossier_id"]),
        reraises=get(Feedback, payload["reraises_id"]),
        place=get(Agency, payload.get("place_id")),
    )


def _verify_step(request: HttpRequest, challenge: str, purpose: str, on_success, template_context: dict):
    pending = contact.challenge_pending(challenge_id=challenge, purpose=purpose)
    if pending is None:
        messages.error(request, "Phiên xác thực đã hết hạn. Vui lòng thực hiện lại.")
        return redirect("feedback:submit" if purpose == SUBMIT else "feedback:follow")
    target, _payload = pending
    form = forms.CodeForm(_posted(request))
    if request.method == "POST" and request.POST.get("action") == "resend":
        form = forms.CodeForm()
        try:
            contact.challenge_resend(challenge_id=challenge, purpose=purpose, client_ip=client_ip(request))
            messages.success(request, "Đã gửi lại mã xác thực.")
        except contact.ContactError as error:
            form.add_error(None, error.message)
    elif request.method == "POST" and form.is_valid():
        try:
            verified = contact.challenge_verify(
                challenge_id=challenge, purpose=purpose, code=form.cleaned_data["code"]
            )
            return on_success(verified)
        except (contact.ContactError, services.FeedbackError) as error:
            form.add_error("code" if getattr(error, "field", "") == "code" else None, error.message)
    return render(
        request, "feedback/verify.html", {"form": form, "masked": target.masked, **template_context}
    )


def submit_verify(request: HttpRequest, challenge: str) -> HttpResponse:
    def done(verified):
        feedback = services.feedback_submit(
            draft=_draft_from_payload(verified.payload), verified=verified, client_ip=client_ip(request)
        )
        _grant(request, feedback.code, verified.contact.value)
        messages.success(request, f"Đã gửi phản ánh, kiến nghị. Mã phản ánh: {feedback.code}.")
        return redirect("feedback:sender_detail", code=feedback.code)

    return _verify_step(request, challenge, SUBMIT, done, {"heading": "Xác thực để gửi phản ánh"})


# --- the sender's pages ------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.mine(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "feedback/mine.html", {"page": page})


def follow(request: HttpRequest) -> HttpResponse:
    """Anonymous senders find their feedback by its code and the contact they proved (a new code is sent)."""
    form = forms.LookupForm(_posted(request), initial={"code": request.GET.get("ma", "")[:30]})
    if request.method == "POST" and form.is_valid():
        code, target = form.cleaned_data["code"], form.cleaned_data["contact"]
        if request.session.get(SESSION_ACCESS, {}).get(code) == target.value:
            return redirect("feedback:sender_detail", code=code)
        try:
            challenge = contact.challenge_start(
                purpose=LOOKUP, contact=target, payload={"code": code}, client_ip=client_ip(request)
            )
            return redirect("feedback:follow_verify", challenge=challenge)
        except contact.ContactError as error:
            form.add_error(None, error.message)
    return render(request, "feedback/follow.html", {"form": form})


def follow_verify(request: HttpRequest, challenge: str) -> HttpResponse:
    def done(verified):
        code = verified.payload["code"]
        # The same answer whether or not the code exists (nothing to learn by guessing codes).
        try:
            selectors.sender_get(code=code, contact_value=verified.contact.value)
        except Http404:
            messages.error(request, "Không tìm thấy phản ánh có mã này được gửi từ địa chỉ liên hệ này.")
            return redirect("feedback:follow")
        _grant(request, code, verified.contact.value)
        return redirect("feedback:sender_detail", code=code)

    return _verify_step(request, challenge, LOOKUP, done, {"heading": "Xác thực để theo dõi phản ánh"})


def sender_detail(request: HttpRequest, code: str) -> HttpResponse:
    contact_value = request.session.get(SESSION_ACCESS, {}).get(code, "")
    feedback = selectors.sender_get(code=code, user=request.user, contact_value=contact_value)
    form = forms.AddInfoForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_add_info(
                feedback_id=feedback.pk, text=form.cleaned_data["text"],
                user=request.user if request.user.is_authenticated else None, contact_value=contact_value,
            )  # fmt: skip
            messages.success(request, "Đã gửi thông tin bổ sung.")
            return redirect("feedback:sender_detail", code=code)
        except services.FeedbackError as error:
            form.add_error("text" if error.field == "text" else None, error.message)
    # Routing, draft answers and their review are the agency's business: the sender sees the answer once it
    # is published.
    events = feedback.events.exclude(action__in=SENDER_HIDDEN_ACTIONS).order_by("created_at", "id")
    return render(
        request,
        "feedback/sender_detail.html",
        {
            "feedback": feedback,
            "form": form,
            "events": events,
            "can_add_info": feedback.status == FeedbackStatus.AWAITING_INFO,
        },
    )


# --- staff -------------------------------------------------------------------------------------------------


def _queue_agencies(user):
    return selectors.queue_agencies(user=user)


@staff_required(_queue_agencies)
def staff_queue(request: HttpRequest) -> HttpResponse:
    counts = selectors.staff_counts(user=request.user)
    routing_admin = selectors.system_admin(request.user)
    # A system administrator without a role at an agency only routes: the queue opens on that tab.
    only_routes = routing_admin and not selectors.staff_agencies(user=request.user).exists()
    default = selectors.ROUTING_TAB if only_routes else "new"
    tab = request.GET.get("tab", default)
    if tab not in selectors.TABS:
        tab = default
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.staff_queue(user=request.user, tab=tab, q=q), 25).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [(item, clocks.clock_state(item, now=now)) for item in page]
    tabs = [
        (key, label, counts.get(key))
        for key, label in TAB_LABELS
        if key != selectors.ROUTING_TAB or routing_admin or counts[key]
    ]
    return render(
        request, "feedback/staff_queue.html", {"page": page, "rows": rows, "tab": tab, "tabs": tabs, "q": q}
    )


TAB_LABELS = (
    (selectors.ROUTING_TAB, "Chờ phân loại"),
    ("new", "Chờ tiếp nhận"),
    ("processing", "Đang xử lý"),
    ("awaiting_info", "Chờ bổ sung thông tin"),
    ("awaiting_publish", "Chờ duyệt, công khai"),
    ("closed", "Đã kết thúc"),
)

ACTION_FORMS = {
    "refuse": forms.ReasonForm,
    "return": forms.ReasonForm,
    "request_info": forms.QuestionForm,
    "answer": forms.AnswerForm,
    "send_back": forms.SendBackForm,
}


def _run(action: str, feedback, officer, data: dict):
    common = {"feedback_id": feedback.pk, "officer": officer}
    if action == "receive":
        return services.feedback_receive(**common)
    if action == "refuse":
        return services.feedback_refuse(**common, reason=data["reason"])
    if action == "return":
        return services.feedback_return(**common, reason=data["reason"])
    if action == "request_info":
        return services.feedback_request_info(**common, question=data["question"])
    if action == "route":
        return services.feedback_route(**common, to_agency_id=data["agency"].pk, note=data.get("note", ""))
    if action == "answer":
        return services.feedback_answer(**common, answer=data["answer"])
    if action == "publish":
        return services.feedback_publish(**common)
    if action == "send_back":
        return services.feedback_send_back(**common, reason=data["reason"])
    raise Http404


DONE = {
    "receive": "Đã tiếp nhận phản ánh.",
    "refuse": "Đã từ chối tiếp nhận phản ánh.",
    "return": "Đã trả lại phản ánh.",
    "request_info": "Đã đề nghị người gửi bổ sung thông tin.",
    "route": "Đã chuyển phản ánh tới cơ quan khác.",
    "answer": "Đã lưu câu trả lời, chờ lãnh đạo duyệt và công khai.",
    "publish": "Đã duyệt và công khai câu trả lời.",
    "send_back": "Đã trả lại dự thảo trả lời để chuyên viên chỉnh sửa.",
}


@staff_required(_queue_agencies)
def staff_detail(request: HttpRequest, public_id) -> HttpResponse:
    feedback = selectors.staff_get(user=request.user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    bound = {}
    for name, form_class in ACTION_FORMS.items():
        bound[name] = form_class(request.POST if action == name else None, prefix=name)
    if feedback.answer and action != "answer":  # a draft sent back for revision: edit it, not retype it
        bound["answer"] = forms.AnswerForm(
            prefix="answer", initial={"answer": answer_for_editing(feedback.answer)}
        )
    bound["route"] = forms.RouteForm(
        request.POST if action == "route" else None, prefix="route", exclude_id=feedback.agency_id
    )
    error = ""
    if action:
        form = bound.get(action)
        if form is None or form.is_valid():
            try:
                _run(action, feedback, request.user, form.cleaned_data if form is not None else {})
                messages.success(request, DONE.get(action, "Đã cập nhật."))
                try:
                    selectors.staff_get(user=request.user, public_id=feedback.public_id)
                except Http404:  # routed to an agency the person does not work at
                    return redirect("feedback:staff_queue")
                return redirect("feedback:staff_detail", public_id=feedback.public_id)
            except services.FeedbackError as exc:
                if form is not None and exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    error = exc.message
    actions = services.actions_for(feedback=feedback, user=request.user)
    events = list(feedback.events.select_related("actor", "agency").order_by("created_at", "id"))
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "feedback": feedback,
            "clock": clocks.clock_state(feedback),
            "actions": actions,
            "forms": bound,
            "open_action": action,
            "error": error,
            "events": events,
            "subject_agency": next((e.agency.name for e in events if e.action == "submit" and e.agency), ""),
            "sent_back": next((e for e in reversed(events) if e.action == "send_back"), None)
            if feedback.status == FeedbackStatus.PROCESSING and feedback.answer
            else None,
        },
        status=409 if error else 200,
    )

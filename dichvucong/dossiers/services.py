"""Writes on dossiers by the applicant: drafts, attachments, submission (step by step or in one request)
and the supplement they send. The counter's side is in ``dossiers.reception``.

Status changes go through ``dossiers.workflow.transition``; this module supplies each transition's effect.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import AgencyProcedure, Component
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import (
    DocumentRefused,
    StoreItem,
    document_files_remove,
    document_store,
    documents_store_many,
)
from dichvucong.dossiers import cases as case_rules
from dichvucong.dossiers import codes
from dichvucong.dossiers.errors import DossierError
from dichvucong.dossiers.models import (
    Channel,
    Dossier,
    DossierFile,
    ResultDelivery,
    Status,
    SupplementRequest,
    SupplementState,
)
from dichvucong.dossiers.notices import notify_applicant
from dichvucong.dossiers.workflow import TransitionRefused, transition

# Re-exported on purpose: tests of payments, processing and delivery drive a dossier through reception as
# ``dossier_services.dossier_accept(...)``; new code imports them from ``dossiers.reception``.
from dichvucong.dossiers.reception import (  # noqa: F401  isort: skip
    dossier_accept,
    dossier_complete_supplement,
    dossier_refuse,
    dossier_request_supplement,
)

# Types each component accepts unless the catalogue says otherwise (scans and office documents).
DEFAULT_COMPONENT_TYPES = frozenset({"pdf", "jpeg", "png", "doc", "docx", "xlsx"})


def component_file_types(component: Component) -> frozenset[str]:
    """The kinds of file this component accepts (the catalogue's list, or scans and office documents)."""
    chosen = frozenset(component.file_types or ()) & DEFAULT_COMPONENT_TYPES
    return chosen or DEFAULT_COMPONENT_TYPES


class SubmissionRefused(DossierError):
    """Everything wrong with a one-request submission, at once: [(field, Vietnamese message)]."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems[0][1], field=problems[0][0], code="incomplete")
        self.problems = problems


# --- drafts ------------------------------------------------------------------------------------


def _checked_cases(version, cases: list[str]) -> str:
    """The chosen special cases as stored (one per line), or DossierError (field ``case``)."""
    try:
        return case_rules.join_cases(case_rules.cases_check(case_rules.case_plan(version), cases))
    except case_rules.CaseRefused as refused:
        raise DossierError(refused.message, field="case", code="case") from refused


@transaction.atomic
def dossier_create_draft(
    *, applicant: User, offering: AgencyProcedure, cases: list[str] = (), allow_unanswered: bool = False
) -> Dossier:
    """A draft prefilled from the profile ("provide information once"), for the general case plus the
    special ``cases`` that apply. ``allow_unanswered``: a procedure whose cases are alternatives may get its
    choice later (the web wizard asks it on the next page)."""
    procedure = offering.procedure
    version = procedure.current_version
    if version is None or not offering.is_active:
        raise DossierError("Thủ tục này chưa nhận hồ sơ trực tuyến tại cơ quan đã chọn.")
    case = "" if allow_unanswered and not cases else _checked_cases(version, list(cases))
    return Dossier.objects.create(
        procedure=procedure,
        version=version,
        offering=offering,
        agency=offering.agency,
        case=case,
        channel=Channel.ONLINE,
        applicant=applicant,
        applicant_id_number=applicant.id_number,
        **profile_defaults(applicant),
    )


def profile_defaults(applicant: User) -> dict[str, str]:
    """The dossier fields the profile already answers ("provide information once")."""
    address = ", ".join(
        part for part in (applicant.address, applicant.commune.name if applicant.commune_id else "") if part
    )
    return {
        "applicant_name": applicant.full_name,
        "applicant_phone": applicant.phone,
        "applicant_email": applicant.email,
        "applicant_address": address,
        "owner_name": applicant.full_name,
        "owner_id_number": applicant.id_number,
        "owner_address": address,
        "result_delivery": ResultDelivery.COUNTER,
        "pickup_address": address,
    }


DRAFT_FIELDS = (
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


@transaction.atomic
def dossier_update_draft(
    *, dossier: Dossier, applicant: User, form_data: dict | None = None, **fields
) -> Dossier:
    dossier = _own_draft(dossier=dossier, applicant=applicant)
    for name, value in fields.items():
        if name not in DRAFT_FIELDS:
            raise ValueError(f"not a draft field: {name}")
        setattr(dossier, name, value)
    if form_data is not None:
        dossier.form_data = form_data
    dossier.save()
    return dossier


def _own_draft(*, dossier: Dossier, applicant: User) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.applicant_id != applicant.pk:
        raise PermissionDenied
    if locked.status != Status.DRAFT:
        raise DossierError("Hồ sơ đã nộp, không sửa được nữa.", code="submitted")
    return locked


@transaction.atomic
def dossier_set_cases(
    *, dossier: Dossier, applicant: User, cases: list[str], answered: dict[str, bool] | None = None
) -> Dossier:
    """Set the special cases that apply to a draft (the wizard's yes/no answers, or the API's list).
    ``answered`` keeps which questions the citizen has answered, so the wizard can show their answers."""
    dossier = _own_draft(dossier=dossier, applicant=applicant)
    dossier.case = _checked_cases(dossier.version, cases)
    if answered is not None:
        dossier.form_data = {**dossier.form_data, "case_answers": answered}
    dossier.save(update_fields=["case", "form_data"])
    # Papers of a case that no longer applies leave the draft (they stay in the person's store).
    dossier.files.exclude(component__in=[c.pk for c in components_for(dossier)]).delete()
    return dossier


def components_for(dossier: Dossier) -> list[Component]:
    """The components for the dossier's cases: the general ones plus those of each special case chosen."""
    return case_rules.case_plan(dossier.version).components(case_rules.chosen_cases(dossier.case))


def upload_required(component: Component, dossier: Dossier) -> bool:
    """A required component needs a file unless the procedure's e-form is this declaration."""
    return component.required and not case_rules.eform_replaces_upload(component, dossier.version)


@transaction.atomic
def dossier_attach(
    *,
    dossier: Dossier,
    applicant: User,
    component: Component,
    upload: UploadedFile | None = None,
    document: StoredDocument | None = None,
    supplement: SupplementRequest | None = None,
) -> DossierFile:
    """Attach a new upload (checked by content, kept in the document store) or a document already there."""
    if supplement is None:
        dossier = _own_draft(dossier=dossier, applicant=applicant)
    elif dossier.applicant_id != applicant.pk:
        raise PermissionDenied
    if component.version_id != dossier.version_id:
        raise DossierError("Thành phần hồ sơ không thuộc thủ tục này.", code="component")
    reused = document is not None
    if upload is not None:
        try:
            document, _created = document_store(
                owner=applicant,
                upload=upload,
                title=component.name[:200],
                allowed_types=component_file_types(component),
                source="dossier",
            )
        except DocumentRefused as refused:
            raise DossierError(refused.message, field=f"file_{component.pk}", code=refused.code) from refused
    if document is None or document.owner_id != applicant.pk:
        raise DossierError("Hãy chọn tệp để đính kèm.", field=f"file_{component.pk}", code="missing")
    # The same document for the same component again (chosen twice, sent again after another file of the
    # form was refused, a double click) is the attachment already there, not a second copy.
    already = DossierFile.objects.filter(
        dossier=dossier, component=component, document=document, supplement=supplement
    ).first()
    if already is not None:
        return already
    return DossierFile.objects.create(
        dossier=dossier, component=component, document=document, reused=reused, supplement=supplement
    )


@transaction.atomic
def dossier_detach(*, dossier: Dossier, applicant: User, file_id: int) -> None:
    dossier = _own_draft(dossier=dossier, applicant=applicant)
    dossier.files.filter(pk=file_id).delete()  # the document stays in the person's store


PICKUP_ADDRESS_MISSING = "Hãy nhập địa chỉ để bưu điện đến nhận hồ sơ giấy tại nhà."


def missing_requirements(dossier: Dossier, *, attached: set[int] | None = None) -> list[tuple[str, str]]:
    """(field, Vietnamese message) for everything that must be filled before submitting. ``attached``: the
    component ids that have a file, when the caller already knows them (no query)."""
    problems = []
    if case_rules.case_plan(dossier.version).alternatives and not dossier.case:
        problems.append(("case", "Hãy chọn trường hợp của bạn."))
    if not dossier.applicant_name.strip():
        problems.append(("applicant_name", "Hãy nhập họ và tên người nộp hồ sơ."))
    if not dossier.applicant_phone:
        problems.append(("applicant_phone", "Hãy nhập số điện thoại để nhận thông báo."))
    if not dossier.owner_name.strip():
        problems.append(("owner_name", "Hãy nhập tên chủ hồ sơ."))
    if dossier.result_delivery == ResultDelivery.POST and not dossier.delivery_address.strip():
        problems.append(("delivery_address", "Hãy nhập địa chỉ nhận kết quả qua bưu điện."))
    if dossier.home_pickup and not dossier.pickup_address.strip():
        problems.append(("pickup_address", PICKUP_ADDRESS_MISSING))
    answers = dossier.form_data.get("fields", {})
    for spec in dossier.version.form_schema:
        if spec.get("required") and not answers.get(spec["name"]):
            label = spec.get("label") or spec["name"]
            problems.append((f"f_{spec['name']}", f"Hãy điền mục “{label}” trong tờ khai."))
    if attached is None:
        attached = set(dossier.files.values_list("component_id", flat=True))
    for component in components_for(dossier):
        if upload_required(component, dossier) and component.pk not in attached:
            problems.append((f"file_{component.pk}", f"Còn thiếu giấy tờ: {component.name}"))
    return problems


# --- submission ----------------------------------------------------------------------------------


def dossier_submit(*, dossier_id: int, applicant: User) -> Dossier:
    """Submit a draft; submitting again (double click, retry) returns the same dossier, never a second one."""
    dossier = Dossier.objects.filter(pk=dossier_id, applicant=applicant).first()
    if dossier is None:
        raise PermissionDenied
    if dossier.status != Status.DRAFT:
        return dossier
    problems = missing_requirements(dossier)
    if problems:
        raise DossierError(problems[0][1], field=problems[0][0], code="incomplete")
    try:
        return transition(
            dossier_id=dossier.pk,
            action="submit",
            actor=applicant,
            effect=_submit_effect,
            expected_status=Status.DRAFT,
        )
    except TransitionRefused as refused:
        if refused.code == "stale":  # the other click won: same dossier
            return Dossier.objects.get(pk=dossier.pk)
        raise


def _submit_effect(locked: Dossier) -> dict:
    """What submitting does to the locked draft (both the step-by-step and the one-request paths)."""
    now = timezone.now()
    locked.code = codes.new_code(agency=locked.agency, day=timezone.localdate(now))
    locked.submitted_at = now
    locked.owner_vneid_authenticated = (
        locked.applicant is not None and locked.applicant.identity_verified_by == User.IdentityProof.VNEID
    )
    notify_applicant(locked, "dossier.submitted")
    if locked.home_pickup:  # the post office collects the paper originals (BCCI), once submitted
        transaction.on_commit(lambda pk=locked.pk: order_postal(pk, "pickup"), robust=True)
    if settings.DVC_BILL_AT_SUBMISSION:
        transaction.on_commit(lambda pk=locked.pk: _bill_fees(pk), robust=True)
    return {"code": locked.code}


def _bill_fees(dossier_id: int) -> None:
    """Ask for the catalogue's fee at once when it is unambiguous (otherwise staff request it later)."""
    from dichvucong.payments.services import payment_request_for_submission

    payment_request_for_submission(
        dossier=Dossier.objects.select_related("offering", "version").get(pk=dossier_id)
    )


def order_postal(dossier_id: int, kind: str) -> None:
    """Create the postal order (pickup of originals, delivery of the result); called after commit. If this
    fails, ``delivery_sweep`` creates it later."""
    from dichvucong.delivery.services import shipment_create_for_dossier

    shipment_create_for_dossier(dossier_id=dossier_id, kind=kind)


def dossier_submit_complete(
    *,
    applicant: User,
    offering: AgencyProcedure,
    cases: list[str] = (),
    fields: dict,
    form_data: dict,
    uploads: list[tuple[Component, UploadedFile]] = (),
    documents: list[tuple[Component, StoredDocument]] = (),
    client_ref: str = "",
) -> tuple[Dossier, bool]:
    """A whole dossier in one call (the API's one-request submission): checked first, then kept and
    submitted in one transaction. Returns (dossier, created); the same ``client_ref`` again (a retry, a
    double click) returns the dossier already made. Every problem is reported at once in
    ``SubmissionRefused.problems``, and a refused submission leaves nothing behind (no rows, no files)."""
    client_ref = client_ref.strip()[:64]
    if client_ref:
        existing = Dossier.objects.filter(applicant=applicant, client_ref=client_ref).first()
        if existing is not None:
            return existing, False
    version = offering.procedure.current_version
    if version is None or not offering.is_active:
        raise DossierError("Thủ tục này chưa nhận hồ sơ trực tuyến tại cơ quan đã chọn.", field="offering_id")
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not draft fields: {sorted(unknown)}")
    try:
        case = _checked_cases(version, list(cases))
    except DossierError as error:
        raise SubmissionRefused([("case", error.message)]) from error
    dossier = Dossier(
        procedure=offering.procedure,
        version=version,
        offering=offering,
        agency=offering.agency,
        case=case,
        channel=Channel.ONLINE,
        applicant=applicant,
        applicant_id_number=applicant.id_number,
        form_data=form_data,
        client_ref=client_ref,
        **fields,
    )
    components = {component.pk: component for component in components_for(dossier)}
    problems = []
    for component, _item in [*uploads, *documents]:
        if component.pk not in components:
            problems.append((f"file_{component.pk}", "Thành phần hồ sơ không thuộc thủ tục này."))
    for component, document in documents:
        if document.owner_id != applicant.pk:
            problems.append((f"file_{component.pk}", "Không tìm thấy giấy tờ này trong kho của bạn."))
    attached = {component.pk for component, _item in [*uploads, *documents]}
    problems += missing_requirements(dossier, attached=attached)
    if problems:
        raise SubmissionRefused(problems)
    stored: list[tuple[Component, StoredDocument, bool]] = [(c, d, True) for c, d in documents]
    written: list[StoredDocument] = []
    try:
        # One transaction (one commit) for the files' rows, the dossier and its submission; the files
        # written for this call are removed again if it does not commit, so nothing is left behind.
        with transaction.atomic():
            items = [
                StoreItem(
                    upload=upload, title=component.name[:200], allowed_types=component_file_types(component)
                )
                for component, upload in uploads
            ]
            documents_store_many(owner=applicant, items=items, source="dossier")  # all files in one go
            for (component, _upload), item in zip(uploads, items, strict=True):
                if item.created:
                    written.append(item.document)
                if item.refused is not None:
                    problems.append((f"file_{component.pk}", f"{component.name}: {item.refused.message}"))
                    continue
                stored.append((component, item.document, False))
            if problems:
                raise SubmissionRefused(problems)
            dossier.save()
            DossierFile.objects.bulk_create(
                DossierFile(dossier=dossier, component=component, document=document, reused=reused)
                for component, document, reused in stored
            )
            submitted = transition(
                dossier_id=dossier.pk, action="submit", actor=applicant, effect=_submit_effect
            )
    except IntegrityError:
        document_files_remove(documents=written)
        if not client_ref:
            raise
        # The same submission arrived twice at once: the other request made it.
        return Dossier.objects.get(applicant=applicant, client_ref=client_ref), False
    except BaseException:
        document_files_remove(documents=written)
        raise
    return submitted, True


# --- the supplement the applicant sends ---------------------------------------------------------


def dossier_send_supplement(
    *, dossier_id: int, applicant: User, note: str = "", uploads: list[tuple[Component, UploadedFile]] = ()
) -> Dossier:
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
        if dossier.applicant_id != applicant.pk:
            raise PermissionDenied
        request = dossier.supplements.filter(completed_at__isnull=True).last()
        if request is None:
            raise DossierError("Hồ sơ không có yêu cầu bổ sung đang chờ.", code="none")
        if timezone.localdate() > request.deadline:
            raise DossierError(
                f"Đã quá hạn bổ sung ({request.deadline:%d/%m/%Y}). Vui lòng liên hệ Bộ phận một cửa.",
                code="late",
            )
        if not uploads and not note.strip():
            raise DossierError("Hãy đính kèm giấy tờ bổ sung hoặc ghi nội dung bổ sung.", code="empty")
        for component, upload in uploads:
            dossier_attach(
                dossier=dossier, applicant=applicant, component=component, upload=upload, supplement=request
            )

        def effect(locked: Dossier) -> dict:
            locked.supplement_state = SupplementState.CITIZEN_SENT
            SupplementRequest.objects.filter(pk=request.pk).update(
                responded_at=timezone.now(), citizen_note=note[:5000]
            )
            return {"supplement_id": request.pk, "files": len(uploads)}

        return transition(
            dossier_id=dossier_id, action="send_supplement", actor=applicant, note=note, effect=effect
        )

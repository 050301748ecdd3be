"""The authorisation matrix: every web route (by URL name) and every API operation (by operationId), with who
may use it and how to fill its URL from the fixture world (authz_world.py).

A route added without an entry here fails test_authz_matrix.py::test_every_route_is_in_the_matrix: decide who
may use it, then add one line.

``allow`` names the actors that may use the route (authz_world.ACTORS); every other actor must be refused
(web: 302 to the sign-in page, 403, 404 or 405; API: 401, 403, 404, 405, or 422 from django-ninja's own
validation) and leave the database and the media files as they were. ``args`` fills the URL:
"dossier.public_id" is a path into the world, "=mau-01" a literal. ``strict`` (default True) means the
arguments name a real object, so an allowed actor must not get 404 either.
List pages (queues, inboxes) are allowed to the same role at any agency: each sees its own agency's rows;
object pages name an object of agency X or of citizen A.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dichvucong.core.tests.authz_world import ACTORS, STAFF_ROLES

PUBLIC = frozenset(ACTORS)
SIGNED_IN = PUBLIC - {"anonymous"}
CITIZENS = frozenset({"citizen_a", "citizen_b"})
OWNER = frozenset({"citizen_a"})
ALL_STAFF = frozenset(a for a in ACTORS if a[:2] in {"x_", "y_"})
NOBODY = frozenset()
# The role lists of the code, written out again so a change there shows here.
RECEPTION = ("receptionist", "specialist", "head_of_unit", "leader", "clerk", "agency_admin")  # not postal
PROCESSING = ("receptionist", "specialist", "head_of_unit", "leader", "clerk")
PAYMENT_VIEW = ("receptionist", "specialist", "head_of_unit", "leader", "agency_admin", "postal")
CASH = ("postal", "receptionist")
DRAFTERS = ("specialist", "head_of_unit", "leader")  # Mẫu 04/05
FEEDBACK = (
    "receptionist",
    "specialist",
    "head_of_unit",
    "leader",
    "agency_admin",
)  # feedback.services.HANDLERS


def x(*roles: str) -> frozenset[str]:
    """Staff of agency X (the dossier's) with one of these roles."""
    return frozenset(f"x_{r}" for r in roles)


def xy(*roles: str) -> frozenset[str]:
    """Staff with one of these roles at any agency (list pages: each sees its own agency)."""
    return frozenset(f"{side}_{r}" for r in roles for side in ("x", "y"))


assert set(STAFF_ROLES) >= {"receptionist", "specialist", "leader", "clerk", "postal", "agency_admin"}


@dataclass(frozen=True)
class Route:
    allow: frozenset[str]
    args: dict[str, str] = field(default_factory=dict)
    strict: bool = True
    note: str = ""
    unsafe_allow: frozenset[str] | None = None  # who may POST/PUT/PATCH/DELETE, when not ``allow``
    also_refused: frozenset[int] = frozenset()  # further statuses that mean "refused" here (see note)
    any_citizen: bool = False  # shows any citizen to the allowed actors by design (no content check)
    methods: tuple[str, ...] | None = None  # web: GET and POST unless given

    def allows(self, actor: str, method: str) -> bool:
        if method != "GET" and self.unsafe_allow is not None:
            return actor in self.unsafe_allow
        return actor in self.allow


def r(
    allow,
    strict: bool = True,
    note: str = "",
    unsafe_allow=None,
    also_refused=(),
    any_citizen: bool = False,
    methods: tuple[str, ...] | None = None,
    **args: str,
) -> Route:
    return Route(
        allow=frozenset(allow),
        args=args,
        strict=strict,
        note=note,
        unsafe_allow=None if unsafe_allow is None else frozenset(unsafe_allow),
        also_refused=frozenset(also_refused),
        any_citizen=any_citizen,
        methods=methods,
    )


DOSSIER = "dossier.public_id"  # accepted, at agency X, of citizen A
DRAFT = "draft.public_id"  # A's draft
SUBMITTED = "submitted.public_id"  # A's, waiting at reception of X

# Web routes, by URL name. Not listed (and checked to be only these): the Django admin (its own staff/OTP
# permission system, namespace "admin") and the API's operations (covered by API below).
WEB: dict[str, Route] = {
    "home": r(PUBLIC),
    "healthz": r(PUBLIC),
    "set_language": r(PUBLIC),
    "api-v1:openapi-json": r(PUBLIC, methods=("GET",), note="GET only: each answer builds the whole schema"),
    "api-v1:openapi-view": r(PUBLIC),
    # catalogue and agencies: public information
    "catalogue:procedure_list": r(PUBLIC),
    "catalogue:procedure_detail": r(PUBLIC, code="procedure.code"),
    "catalogue:procedure_print": r(PUBLIC, code="procedure.code"),
    "catalogue:submit_online": r(PUBLIC, code="procedure.code"),
    "catalogue:form_download": r(PUBLIC, strict=False, code="=tk-dang-ky-khai-sinh"),
    "catalogue:field_index": r(PUBLIC),
    "catalogue:life_event_index": r(PUBLIC),
    "agencies:agency_index": r(PUBLIC),
    "agencies:agency_detail": r(PUBLIC, code="agency_x.code"),
    # accounts
    "accounts:register": r(PUBLIC),
    "accounts:register_verify": r(PUBLIC),
    "accounts:email_confirm": r(PUBLIC, strict=False, token="=invalid-token"),
    "accounts:login": r(PUBLIC),
    "accounts:login_otp": r(NOBODY, note="needs the first factor in the session"),
    "accounts:login_totp": r(NOBODY, note="needs the first factor in the session"),
    "accounts:totp_setup": r(NOBODY, note="needs the first factor in the session"),
    "accounts:logout": r(PUBLIC),
    "accounts:logout_all": r(SIGNED_IN),
    "accounts:password_reset": r(PUBLIC),
    "accounts:password_reset_code": r(PUBLIC),
    "accounts:password_reset_link": r(PUBLIC, strict=False, uidb64="=MQ", token="=invalid-token"),
    "accounts:profile": r(SIGNED_IN),
    "accounts:profile_edit": r(SIGNED_IN),
    "accounts:security": r(SIGNED_IN),
    "accounts:login_history": r(SIGNED_IN),
    "accounts:email_confirm_resend": r(SIGNED_IN),
    "accounts:staff_list": r(xy("agency_admin")),
    "accounts:staff_create": r(xy("agency_admin")),
    "accounts:staff_detail": r(x("agency_admin"), staff_id="x_specialist.pk"),
    # identity checked at any counter: the citizen shows the card to a receptionist of any agency
    "accounts:identity_counter": r(xy("receptionist"), any_citizen=True),
    "accounts:identity_counter_confirm": r(xy("receptionist"), any_citizen=True, user_id="citizen_a.pk"),
    "accounts:identity_vneid_start": r(CITIZENS),
    "accounts:identity_vneid_callback": r(SIGNED_IN, strict=False),
    # sign-in with VNeID: anyone may start it (404 while it is not enabled); the callback and the link page
    # refuse without the pending sign-in of the same session
    "accounts:vneid_start": r(PUBLIC, strict=False),
    "accounts:vneid_callback": r(PUBLIC, strict=False),
    "accounts:vneid_link": r(PUBLIC, strict=False),
    # notifications
    "notifications:outbox": r(NOBODY, note="superusers and holders of the outbox permission"),
    # national portal sync: the operator's page of failed syncs and its "gửi lại" action
    "national:failed_syncs": r(NOBODY, note="superusers and holders of national.view_nationalsync"),
    "national:resend": r(NOBODY, strict=False, sync_id="=1", note="superusers, national.change_nationalsync"),
    # documents: the citizen's own papers
    "documents:list": r(SIGNED_IN),
    "documents:upload": r(SIGNED_IN),
    "documents:download": r(OWNER, public_id="document.public_id"),
    "documents:preview": r(OWNER, public_id="document.public_id"),
    "documents:rename": r(OWNER, public_id="document.public_id"),
    "documents:delete": r(OWNER, public_id="document.public_id"),
    # dossiers: the citizen's side
    "dossiers:start": r(SIGNED_IN, offering_id="offering.pk"),
    "dossiers:mine": r(SIGNED_IN),
    "dossiers:detail": r(OWNER, public_id=DOSSIER),
    "dossiers:case_question": r(OWNER, strict=False, public_id=DRAFT, number="=1"),
    "dossiers:edit": r(OWNER, public_id=DRAFT),
    "dossiers:review": r(OWNER, public_id=DRAFT),
    "dossiers:autosave": r(OWNER, public_id=DRAFT),
    "dossiers:submitted": r(OWNER, public_id=SUBMITTED),
    "dossiers:form_pdf": r(OWNER, public_id=DOSSIER, form_name="=mau-01"),
    # dossiers: reception (một cửa)
    "dossiers:queue": r(xy(*RECEPTION)),
    "dossiers:counter_intake": r(xy("receptionist")),
    "dossiers:ledger": r(xy(*RECEPTION)),
    "dossiers:staff_detail": r(x(*RECEPTION), public_id=DOSSIER),
    "dossiers:staff_form_pdf": r(x(*RECEPTION), public_id=DOSSIER, form_name="=mau-01"),
    "dossiers:track": r(PUBLIC),
    # processing
    "processing:inbox": r(xy(*PROCESSING)),
    "processing:detail": r(x(*PROCESSING), public_id=DOSSIER),
    "processing:file": r(x(*PROCESSING), public_id=DOSSIER, file_id="dossier_file.pk"),
    "processing:result": r(x(*PROCESSING), public_id=DOSSIER, result_id="result.pk"),
    "processing:draft": r(x(*PROCESSING), public_id=DOSSIER, draft_id="draft_result.pk"),
    "processing:control_sheet_pdf": r(x(*PROCESSING), public_id=DOSSIER),
    "processing:notice_pdf": r(
        x(*PROCESSING), public_id=DOSSIER, form_name="=mau-04", notice_id="late_notice.pk"
    ),
    "processing:workflow_list": r(xy("agency_admin")),
    "processing:workflow_edit": r(x("agency_admin"), strict=False, pk="=999999"),
    "processing:workflow_for_offering": r(x("agency_admin"), offering_id="offering.pk"),
    "processing:withdraw": r(OWNER, public_id=DOSSIER),
    "processing:citizen_results": r(OWNER, public_id=DOSSIER),
    "processing:citizen_result": r(OWNER, strict=False, public_id=DOSSIER, result_id="result.pk"),
    "processing:citizen_notice_pdf": r(
        OWNER, public_id=DOSSIER, form_name="=mau-04", notice_id="late_notice.pk"
    ),
    # counters: booking (public pages until the confirmation) and the citizen's bookings
    "counters:book_centre": r(PUBLIC),
    "counters:book_offering": r(PUBLIC, code="agency_x.code"),
    "counters:book_day": r(PUBLIC, code="agency_x.code", offering_id="offering.pk"),
    "counters:book_slot": r(
        PUBLIC, strict=False, code="agency_x.code", offering_id="offering.pk", day="=2030-01-07"
    ),
    "counters:book_confirm": r(
        PUBLIC,
        unsafe_allow=SIGNED_IN,
        note="staff accounts are refused by booking_create with a message",
        strict=False,
        code="agency_x.code",
        offering_id="offering.pk",
        day="=2030-01-07",
        hhmm="=0900",
    ),
    "counters:my_bookings": r(SIGNED_IN),
    "counters:booking_detail": r(OWNER, code="booking.code"),
    "counters:booking_cancel": r(OWNER, code="booking.code"),
    "counters:reschedule_day": r(OWNER, code="booking.code"),
    "counters:reschedule_slot": r(OWNER, strict=False, code="booking.code", day="=2030-01-07"),
    # counters: queue numbers (the ticket is a bearer link printed on paper), kiosk and hall display
    "counters:ticket": r(PUBLIC, public_id="ticket.public_id"),
    "counters:kiosk": r(PUBLIC, code="agency_x.code"),
    "counters:kiosk_check_in": r(PUBLIC, code="agency_x.code"),
    "counters:display": r(PUBLIC, code="agency_x.code"),
    "counters:counter": r(xy("receptionist")),
    "counters:counter_desk": r(x("receptionist"), counter_id="counter.pk"),
    "counters:counter_action": r(x("receptionist"), counter_id="counter.pk"),
    "counters:bookings_today": r(x("receptionist"), code="agency_x.code"),
    # payments
    "payments:mine": r(SIGNED_IN),
    "payments:pay": r(OWNER, public_id="payment_request.public_id"),
    "payments:transaction": r(OWNER, public_id="transaction.public_id"),
    "payments:receipt": r(OWNER, strict=False, public_id="payment_request.public_id"),
    "payments:return": r(SIGNED_IN, strict=False, gateway="=demo"),
    "payments:ipn": r(PUBLIC, strict=False, gateway="=demo"),
    "payments:demo_bank": r(PUBLIC, strict=False),
    "payments:staff_list": r(xy(*PAYMENT_VIEW)),
    "payments:staff_dossier": r(x(*PAYMENT_VIEW), public_id=SUBMITTED),
    "payments:staff_refunds": r(xy(*PAYMENT_VIEW), note="the refunds themselves: receptionist, agency admin"),
    "payments:staff_receipt": r(x(*PAYMENT_VIEW), strict=False, public_id="payment_request.public_id"),
    "payments:cash_record": r(xy(*CASH)),
    "payments:cash_reconcile": r(xy("agency_admin")),
    # delivery
    "delivery:orders": r(xy("postal")),
    "delivery:order_detail": r(x("postal"), public_id="shipment.public_id"),
    # esign: public verification of electronic results and the agencies' certificates
    "esign:verify": r(PUBLIC),
    "esign:certificates": r(PUBLIC),
    "esign:certificate_pem": r(PUBLIC, strict=False, fingerprint="=" + "0" * 64),
    # ratings: the owner rates a returned dossier; the kiosk is public (a one-time code opens a dossier)
    "ratings:rate": r(OWNER, public_id=DOSSIER),
    "ratings:kiosk": r(PUBLIC),
    "ratings:kiosk_rate": r(PUBLIC),
    "ratings:kiosk_done": r(PUBLIC),
    "ratings:staff_list": r(xy(*RECEPTION)),
    "ratings:code_issue": r(x("receptionist"), strict=False, note="404 unless returned", public_id=DOSSIER),
    # reports: the public statistics page; leaders' downloads for staff with a reporting role (not postal)
    "public_stats:statistics": r(PUBLIC),
    "reports:scorecard": r(xy(*RECEPTION)),
    "reports:drilldown": r(xy(*RECEPTION), strict=False, note="404 without an indicator"),
    "reports:monthly": r(xy(*RECEPTION)),
    "report_exports:scorecard": r(xy(*RECEPTION), fmt="=xlsx"),
    "report_exports:monthly": r(xy(*RECEPTION), fmt="=pdf"),
    "report_exports:drilldown": r(xy(*RECEPTION), strict=False, note="404 without an indicator", fmt="=xlsx"),
    # portal: public news and poll; writing news is for system administrators only (no actor here is one)
    "portal:news_list": r(PUBLIC),
    "portal:news_detail": r(PUBLIC, strict=False, slug="=khong-co-tin-nay"),
    "portal:poll": r(PUBLIC, strict=False, poll_id="=999999"),
    "portal:manage_list": r(NOBODY),
    "portal:manage_create": r(NOBODY),
    "portal:manage_edit": r(NOBODY, strict=False, article_id="=1"),
    # feedback (PAKN): published answers are public; a sender's own page; staff of the holding agency
    "feedback:list": r(PUBLIC),
    "feedback:detail": r(PUBLIC, code="feedback_published.code"),
    "feedback:vote": r(
        CITIZENS,
        methods=("POST",),
        note="anonymous: sent to sign in; staff accounts 403 (votes drive KPI 5.3)",
        code="feedback_published.code",
    ),
    "feedback:submit": r(PUBLIC, note="an empty form creates nothing"),
    "feedback:submit_verify": r(PUBLIC, strict=False, challenge="=expired"),
    "feedback:follow": r(PUBLIC),
    "feedback:follow_verify": r(PUBLIC, strict=False, challenge="=expired"),
    "feedback:mine": r(SIGNED_IN),
    "feedback:sender_detail": r(OWNER, code="feedback_published.code"),
    "feedback:staff_queue": r(xy(*FEEDBACK), note="also system administrators: what awaits routing"),
    "feedback:staff_detail": r(x(*FEEDBACK), public_id="feedback_new.public_id"),
}

# API operations, by operationId (the method is the operation's own).
_API = "dichvucong_{}_api_{}"
API: dict[str, Route] = {
    _API.format(*key.split(".")): route
    for key, route in {
        "catalogue.procedure_search": r(PUBLIC),
        "catalogue.procedure_detail": r(PUBLIC, code="procedure.code"),
        "catalogue.field_list": r(PUBLIC),
        "agencies.agency_list": r(PUBLIC),
        "agencies.agency_detail": r(PUBLIC, code="agency_x.code"),
        "agencies.admin_unit_list": r(PUBLIC),
        "accounts.captcha_new": r(PUBLIC),
        "accounts.register": r(PUBLIC),
        "accounts.register_verify": r(PUBLIC),
        "accounts.token_create": r(PUBLIC, strict=False, note="401: the example credentials are wrong"),
        "accounts.logout_all": r(SIGNED_IN),
        "accounts.me": r(SIGNED_IN),
        "accounts.me_update": r(SIGNED_IN),
        "accounts.preferences": r(SIGNED_IN),
        "accounts.preferences_update": r(SIGNED_IN),
        "dossiers.dossier_create": r(SIGNED_IN),
        "dossiers.dossier_list": r(SIGNED_IN),
        "dossiers.dossier_detail": r(OWNER, public_id=DOSSIER),
        "dossiers.dossier_update": r(OWNER, public_id=DRAFT),
        "dossiers.dossier_attach": r(OWNER, public_id=DRAFT),
        "dossiers.dossier_detach": r(OWNER, public_id=DRAFT, file_id="draft_file.pk"),
        "dossiers.dossier_submit": r(OWNER, public_id=DRAFT),
        "dossiers.dossier_supplement": r(OWNER, public_id=DOSSIER),
        "dossiers.dossier_form_pdf": r(OWNER, public_id=DOSSIER, form_name="=mau-01"),
        "dossiers.submission_create": r(SIGNED_IN),
        "dossiers.reception_queue": r(xy("receptionist")),
        "dossiers.reception_accept": r(x("receptionist"), public_id=SUBMITTED),
        "dossiers.reception_request_supplement": r(x("receptionist"), public_id=SUBMITTED),
        "dossiers.reception_complete_supplement": r(x("receptionist"), public_id=SUBMITTED),
        "dossiers.reception_refuse": r(x("receptionist"), public_id=SUBMITTED),
        "dossiers.tracking": r(PUBLIC, strict=False),
        # Processing actions: any processing role of X reaches the service, which then checks the step's
        # holder and the state (409 here: the world's dossier has not been handed to anyone yet).
        "processing.inbox": r(xy(*PROCESSING)),
        "reports.scorecard_api": r(xy(*RECEPTION)),
        "processing.detail": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.start": r(x("receptionist", "head_of_unit", "leader"), public_id=DOSSIER),
        "processing.forward": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.send_back": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.recall": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.reassign": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.draft_result": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.draft_result_file": r(x(*PROCESSING), public_id=DOSSIER, draft_id="draft_result.pk"),
        "processing.issue_result": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.return_result": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.late_notice": r(x(*DRAFTERS), public_id=DOSSIER),
        "processing.late_notice_decision": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.stop_notice": r(
            x(*DRAFTERS),
            also_refused={422},
            note="other processing roles of X: 422 with the service's message (late notices answer 404)",
            public_id=DOSSIER,
        ),
        "processing.stop_decision": r(x(*PROCESSING), public_id=DOSSIER),
        "processing.withdrawal_decision": r(x(*PROCESSING), public_id=DOSSIER),
        "counters.centre_list": r(PUBLIC),
        "counters.offering_list": r(PUBLIC, code="agency_x.code"),
        "counters.day_list": r(PUBLIC, strict=False, note="422 without ?offering_id", code="agency_x.code"),
        "counters.slot_list": r(PUBLIC, strict=False, note="422 without ?offering_id", code="agency_x.code"),
        "counters.booking_list": r(SIGNED_IN),
        "counters.booking_create": r(
            SIGNED_IN, note="staff accounts: 422 from booking_create (citizens only)"
        ),
        "counters.booking_detail": r(OWNER, code="booking.code"),
        "counters.booking_cancel": r(OWNER, code="booking.code"),
        "counters.booking_reschedule": r(OWNER, code="booking.code"),
        "counters.ticket_take": r(PUBLIC),
        "counters.board": r(PUBLIC, code="agency_x.code"),
        "counters.call_next": r(x("receptionist"), counter_id="counter.pk"),
        "payments.gateways": r(SIGNED_IN),
        "payments.my_requests": r(SIGNED_IN),
        "payments.my_request": r(OWNER, request_id="payment_request.public_id"),
        "payments.start": r(OWNER, request_id="payment_request.public_id"),
        "payments.my_transaction": r(OWNER, transaction_id="transaction.public_id"),
        "payments.my_receipt": r(OWNER, strict=False, request_id="payment_request.public_id"),
        "payments.staff_quote": r(x(*PAYMENT_VIEW), dossier_id="submitted.public_id"),
        "payments.staff_request": r(x("receptionist", "specialist"), dossier_id="submitted.public_id"),
        "payments.staff_cash": r(x(*CASH), request_id="payment_request.public_id"),
        "delivery.dossier_shipments": r(OWNER | x(*STAFF_ROLES), public_id=DOSSIER),
        "delivery.postal_list": r(xy("postal")),
        "delivery.postal_detail": r(x("postal"), public_id="shipment.public_id"),
        "delivery.postal_action": r(x("postal"), public_id="shipment.public_id"),
        "delivery.carrier_webhook": r(PUBLIC, strict=False, carrier="=demo"),
        "documents.document_list": r(SIGNED_IN),
        "documents.document_upload": r(SIGNED_IN),
        "documents.document_download": r(OWNER, public_id="document.public_id"),
        "documents.document_delete": r(OWNER, public_id="document.public_id"),
        "esign.verify": r(PUBLIC),
        "esign.certificate_list": r(PUBLIC),
        "ratings.rating_submit": r(OWNER, public_id=DOSSIER),
        "ratings.rating_list": r(xy(*RECEPTION)),
        "feedback.published": r(PUBLIC),
        "feedback.published_one": r(PUBLIC, code="feedback_published.code"),
        "feedback.submit": r(SIGNED_IN, note="409 for accounts without a verified contact"),
        "feedback.vote": r(CITIZENS, note="staff accounts 403", code="feedback_published.code"),
        "feedback.mine": r(SIGNED_IN),
        "feedback.staff_queue": r(xy(*FEEDBACK)),
        "feedback.staff_detail": r(x(*FEEDBACK), public_id="feedback_new.public_id"),
        "feedback.staff_action": r(x(*FEEDBACK), public_id="feedback_new.public_id", action="=receive"),
        "national.inbound_dossier": r(NOBODY, note="signed requests of the national portal only (HMAC, 401)"),
    }.items()
}

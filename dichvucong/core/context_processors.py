from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

# The pages a signed-in person works from, by role ("" = every citizen-like account). A page whose URL name
# does not exist (an app not installed) is left out.
WORK_LINKS = (
    ("", "dossiers:mine", _("Hồ sơ của tôi")),
    ("", "payments:mine", _("Danh sách giao dịch")),
    ("", "counters:my_bookings", _("Lịch hẹn của tôi")),
    ("", "feedback:mine", _("Phản ánh của tôi")),
    ("receptionist", "dossiers:queue", _("Tiếp nhận hồ sơ")),
    ("receptionist", "counters:counter", _("Gọi số tại quầy")),
    ("specialist head_of_unit leader clerk receptionist", "processing:inbox", _("Hồ sơ cần xử lý")),
    (
        "receptionist specialist head_of_unit leader clerk agency_admin",
        "dossiers:ledger",
        _("Sổ theo dõi hồ sơ"),
    ),
    ("receptionist", "payments:staff_list", _("Phí, lệ phí")),
    (
        "receptionist specialist head_of_unit leader agency_admin system_admin",
        "feedback:staff_queue",
        _("Phản ánh, kiến nghị"),
    ),
    ("receptionist", "accounts:identity_counter", _("Xác minh danh tính")),
    ("postal", "delivery:orders", _("Đơn bưu chính")),
    ("postal receptionist", "payments:cash_record", _("Thu tiền mặt")),
    ("agency_admin", "payments:cash_reconcile", _("Đối soát tiền mặt")),
    (
        "receptionist specialist head_of_unit leader clerk agency_admin",
        "ratings:staff_list",
        _("Đánh giá hài lòng"),
    ),
    (
        "receptionist specialist head_of_unit leader clerk agency_admin system_admin",
        "reports:scorecard",
        _("Chỉ số 766"),
    ),
    ("system_admin", "portal:manage_list", _("Tin tức, thông báo")),
    ("agency_admin system_admin", "accounts:staff_list", _("Quản lý cán bộ")),
    ("agency_admin system_admin", "processing:workflow_list", _("Quy trình giải quyết")),
)


def site(request):
    return {"site_name": settings.DVC_SITE_NAME, "work_links": SimpleLazyObject(lambda: _work_links(request))}


def _work_links(request) -> list[tuple[str, str]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from dichvucong.accounts.models import AgencyMembership

    roles = set(AgencyMembership.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    links = []
    for wanted, name, label in WORK_LINKS:
        allowed = user.is_citizen_like if not wanted else bool(roles & set(wanted.split()))
        if not allowed:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if all(url != existing for existing, _label in links):
            links.append((url, label))
    return links

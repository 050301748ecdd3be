"""Demo counters: every commune service centre takes bookings for its commune's procedures (UBND and
police), with four counters split by field; safe to run again (called by core.demo.load_demo_data)."""

from __future__ import annotations

from django.db import transaction

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import AgencyProcedure, Field
from dichvucong.counters.models import CentreSettings, Counter

COUNTERS = [
    (1, "Hộ tịch, chứng thực", ["Hộ tịch", "Chứng thực"]),
    (
        2,
        "Cư trú, căn cước",
        ["Đăng ký, quản lý cư trú", "Cấp, quản lý căn cước", "Định danh và xác thực điện tử"],
    ),
    (
        3,
        "Đất đai, xây dựng, kinh doanh",
        [
            "Đất đai",
            "Hoạt động xây dựng",
            "Quy hoạch đô thị và nông thôn",
            "Thành lập và hoạt động của hộ kinh doanh",
        ],
    ),
]
OTHER_COUNTER = (4, "Xã hội và lĩnh vực khác")


def _served_agencies(centre: Agency) -> list[Agency]:
    served = [centre.parent] if centre.parent else []
    if centre.admin_unit_id:
        served += list(
            Agency.objects.filter(kind=Agency.Kind.COMMUNE_POLICE, admin_unit_id=centre.admin_unit_id)
        )
    return served


@transaction.atomic
def load_demo() -> dict[str, int]:
    centres = Agency.objects.filter(
        kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, valid_to__isnull=True
    ).select_related("parent")
    counters = 0
    for centre in centres:
        settings, _created = CentreSettings.objects.get_or_create(centre=centre)
        served = _served_agencies(centre)
        settings.served_agencies.set(served)
        named: set[int] = set()
        for number, name, field_names in COUNTERS:
            counter, _ = Counter.objects.update_or_create(
                centre=centre, number=number, defaults={"name": name}
            )
            fields = list(Field.objects.filter(name__in=field_names))
            counter.fields.set(fields)
            named.update(f.pk for f in fields)
            counters += 1
        others = (
            Field.objects.filter(procedures__offerings__agency__in=[centre, *served])
            .exclude(pk__in=named)
            .distinct()
        )
        number, name = OTHER_COUNTER
        counter, _ = Counter.objects.update_or_create(centre=centre, number=number, defaults={"name": name})
        counter.fields.set(list(others))
        counters += 1
    return {
        "booking_centres": centres.count(),
        "counters": counters,
        "bookable_offerings": AgencyProcedure.objects.filter(
            is_active=True, agency__in=[a for c in centres for a in _served_agencies(c)]
        ).count(),
    }

"""The demo centres take bookings for their commune's procedures at four counters; loading twice is safe."""

from dichvucong.counters import demo, selectors
from dichvucong.counters.models import CentreSettings, Counter


def test_demo_centre_hac_thanh_books_civil_status_and_residence(demo_data):
    settings = selectors.centre_settings(code="000.01.31.H56", for_booking=True)
    codes = set(selectors.offerings_for_centre(settings=settings).values_list("procedure__code", flat=True))
    counters_before = Counter.objects.count()

    again = demo.load_demo()

    assert {"1.001193", "1.004222", "2.000815"} <= codes  # UBND phường and Công an phường
    assert "3.000333" not in codes  # a provincial procedure
    assert Counter.objects.filter(centre=settings.centre).count() == 4
    assert Counter.objects.count() == counters_before == again["counters"]
    assert CentreSettings.objects.count() == again["booking_centres"] == demo_data["booking_centres"]
    assert len(selectors.kiosk_fields(centre=settings.centre)) >= 10

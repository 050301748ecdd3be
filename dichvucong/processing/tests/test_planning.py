"""Step deadlines fit inside the legal deadline and before each other, and follow the due date when it moves;
the "Đến hạn hôm nay" tab reads the step deadlines too."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.models import Dossier
from dichvucong.processing import late, selectors, services
from dichvucong.processing.models import ControlSheetEntry, Track
from dichvucong.processing.planning import plan_steps
from dichvucong.processing.tests.test_services import walk_to
from dichvucong.processing.tests.test_views import as_user as staff_client
from dichvucong.worktime import schedule
from dichvucong.worktime.calendars import WorkCalendar

TZ = datetime.timezone(datetime.timedelta(hours=7))
MONDAY_0800 = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=TZ)  # an ordinary working Monday
STEPS = [
    SimpleNamespace(position=1, name="Thẩm định", budget_hours=Decimal(20)),
    SimpleNamespace(position=2, name="Xem xét", budget_hours=Decimal(8)),
    SimpleNamespace(position=3, name="Ký duyệt", budget_hours=Decimal(8)),
    SimpleNamespace(position=4, name="Vào số", budget_hours=Decimal(4)),
]


def dues(plan):
    return [item.due_at for item in plan]


def strictly_ordered(values) -> bool:
    return all(a < b for a, b in zip(values, values[1:], strict=False))


def test_budgets_that_fit_end_one_after_the_other():
    calendar = WorkCalendar(tz=TZ)
    due = calendar.add_working_hours(MONDAY_0800, 80)  # 10 working days, budgets 40 h
    plan = plan_steps(steps=STEPS, start=MONDAY_0800, due_at=due, calendar=calendar)
    expected = [calendar.add_working_hours(MONDAY_0800, h) for h in (20, 28, 36, 40)]
    assert dues(plan) == expected and expected[-1] < due


def test_budgets_that_do_not_fit_share_the_time_left_and_end_at_the_due_date():
    calendar = WorkCalendar(tz=TZ)
    due = calendar.add_working_hours(MONDAY_0800, 8)  # one working day for 40 h of budgets
    plan = plan_steps(steps=STEPS, start=MONDAY_0800, due_at=due, calendar=calendar)
    assert strictly_ordered(dues(plan)) and plan[-1].due_at == due
    # In proportion: 20/40, 28/40, 36/40 of the 8 hours.
    assert dues(plan)[:3] == [calendar.add_working_hours(MONDAY_0800, h) for h in (4, 5.6, 7.2)]


def test_no_due_date_plans_the_budgets_and_a_passed_one_puts_every_step_at_it():
    calendar = WorkCalendar(tz=TZ)
    plan = plan_steps(steps=STEPS, start=MONDAY_0800, due_at=None, calendar=calendar)
    assert dues(plan)[-1] == calendar.add_working_hours(MONDAY_0800, 40)
    passed = MONDAY_0800 - datetime.timedelta(days=1)
    assert set(dues(plan_steps(steps=STEPS, start=MONDAY_0800, due_at=passed, calendar=calendar))) == {passed}


def tighten(dossier, hours) -> datetime.datetime:
    due = schedule.add_working_hours(timezone.now(), hours, agency=dossier.agency_id)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=due)
    return due


def test_a_tight_legal_deadline_leaves_time_for_every_later_step(pdata, accepted):
    data, dossier = pdata, accepted
    due = tighten(dossier, 6)

    services.processing_start(dossier_id=dossier.pk, officer=data["receptionist"])

    track = Track.objects.get(dossier=dossier)
    planned = [datetime.datetime.fromisoformat(item["due_at"]) for item in track.plan]
    assert [item["position"] for item in track.plan] == [1, 2, 3, 4]
    assert strictly_ordered(planned) and planned[-1] == due
    assert track.step_due_at == planned[0] < due  # was: the whole legal deadline for the first step

    services.processing_forward(dossier_id=dossier.pk, officer=track.assignee)
    track.refresh_from_db()
    second = [datetime.datetime.fromisoformat(item["due_at"]) for item in track.plan]
    assert [item["position"] for item in track.plan] == [2, 3, 4]
    assert strictly_ordered(second) and second[-1] == due and track.step_due_at < due
    sheet = list(ControlSheetEntry.objects.filter(dossier=dossier))
    assert sheet[-1].due_at == track.step_due_at


def test_mau_04_plans_the_steps_again_before_the_new_date(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    tight = tighten(dossier, 10)
    services.track_sync_due(dossier=Dossier.objects.get(pk=dossier.pk))
    before = Track.objects.get(dossier=dossier).step_due_at
    assert before < tight
    day = schedule.calendar_for(dossier.agency_id).next_working_day(timezone.localtime(tight).date())
    day = schedule.calendar_for(dossier.agency_id).next_working_day(day)

    notice = late.late_notice_draft(
        dossier_id=dossier.pk, officer=data["chuyenvien.a"], reason="Cần xác minh", new_due_date=day
    )
    late.late_notice_decide(notice_id=notice.pk, leader=data["lanhdao.a"], approve=True)

    dossier.refresh_from_db()
    track = Track.objects.get(dossier=dossier)
    assert dossier.due_at > tight and track.dossier_due_at == dossier.due_at
    assert track.step_due_at > before
    assert datetime.datetime.fromisoformat(track.plan[-1]["due_at"]) <= dossier.due_at
    assert ControlSheetEntry.objects.get(dossier=dossier, finished_at=None).due_at == track.step_due_at


def test_a_supplement_during_processing_plans_the_steps_again(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    old_due = tighten(dossier, 6)
    services.track_sync_due(dossier=Dossier.objects.get(pk=dossier.pk))
    old_step_due = Track.objects.get(dossier=dossier).step_due_at
    dossier_services.dossier_request_supplement(
        dossier_id=dossier.pk,
        officer=data["chuyenvien.a"],
        items=[{"name": "Bản sao giấy chứng sinh"}],
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    two_days_ago = timezone.now() - datetime.timedelta(days=4)  # the citizen took a while
    Dossier.objects.filter(pk=dossier.pk).update(paused_at=two_days_ago)

    dossier_services.dossier_complete_supplement(dossier_id=dossier.pk, officer=data["receptionist"])

    dossier.refresh_from_db()
    track = Track.objects.get(dossier=dossier)
    assert dossier.due_at > old_due
    assert track.dossier_due_at == dossier.due_at and track.step_due_at > old_step_due
    planned = [datetime.datetime.fromisoformat(item["due_at"]) for item in track.plan]
    assert strictly_ordered(planned) and planned[-1] <= dossier.due_at


def test_due_today_lists_a_step_due_today_and_the_count_matches(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    now = timezone.now()
    end = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)
    Track.objects.filter(dossier=dossier).update(
        step_due_at=now + (end - now) / 2, dossier_due_at=now + datetime.timedelta(days=7)
    )
    Dossier.objects.filter(pk=dossier.pk).update(due_at=now + datetime.timedelta(days=7))
    holder = data["chuyenvien.a"]
    scope = selectors.inbox_scope(user=holder)

    listed = list(selectors.inbox_dossiers(user=holder, scope=scope, tab="due_today", now=now))
    counts = selectors.inbox_counts(user=holder, scope=scope, now=now)

    assert [d.pk for d in listed] == [dossier.pk]
    assert (
        counts["due_today"] == 1 == selectors.inbox_count(user=holder, scope=scope, tab="due_today", now=now)
    )
    page = staff_client(holder).get(reverse("processing:inbox") + "?tab=due_today").content.decode()
    assert dossier.code in page and "Đến hạn hôm nay (1)" in page

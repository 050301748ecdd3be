"""24/11/2026, Ngày Văn hóa Việt Nam: the decision as a nationwide override row an operator can edit.

`holidays` 0.108 lists 24/11 as a day off from 2026 and cites only Nghị quyết 80-NQ/TW of the Politburo, a
party resolution that does not change article 112 of the Labour Code. The day off rests on article 2 of
Nghị quyết 28/2026/QH16 of the National Assembly (in force 01/07/2026), as read on 07/12/2026 through
secondary sources (docs/operations.md, "Lịch làm việc / working calendar"). The row keeps the day off
whatever a later `holidays` release says, and names its basis; `manage.py worktime_day` or the admin
changes it without a release.

An operator's row for the same day is left alone; going back removes the row only if nobody edited it.
The migration does not touch the cache (its table may not exist yet): running processes load the row within
DVC_WORKTIME_CACHE_SECONDS (60 s), and on 24/11/2026 the `holidays` package already gave the same answer.
"""

import datetime

from django.db import migrations

DAY = datetime.date(2026, 11, 24)
NOTE = (
    "Ngày Văn hóa Việt Nam: nghỉ hưởng nguyên lương theo Điều 2 Nghị quyết 28/2026/QH16 "
    "(hiệu lực 01/07/2026); NQ 80-NQ/TW của Bộ Chính trị không phải căn cứ. "
    "Đối chiếu ngày 07/12/2026 qua nguồn thứ cấp, chưa mở được bản gốc."
)


def forwards(apps, schema_editor):
    DayOverride = apps.get_model("worktime", "DayOverride")
    if DayOverride.objects.filter(agency__isnull=True, date=DAY).exists():
        return
    DayOverride.objects.create(agency=None, date=DAY, kind="holiday", note=NOTE)


def backwards(apps, schema_editor):
    DayOverride = apps.get_model("worktime", "DayOverride")
    DayOverride.objects.filter(agency__isnull=True, date=DAY, kind="holiday", note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("worktime", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]

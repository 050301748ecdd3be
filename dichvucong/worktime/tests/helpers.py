"""Local times for tests: `at(2023, 10, 27, 9, 32)` is 27/10/2023 09:32 in Hà Nội time."""

import datetime
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)

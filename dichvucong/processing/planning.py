"""Step deadlines inside the processing chain (hạn xử lý từng bước).

When a dossier enters a step, the step and every step after it are planned from that moment to the dossier's
legal due date:

- the budgets fit in the working time left: each step ends its own budget after the previous one
  (start + b1, start + b1 + b2, …); the slack stays at the end, before the due date;
- they do not fit (a tight legal deadline, a late step before): the working time left is shared in
  proportion to the budgets, so the last step ends exactly at the due date and every step keeps a share;
- no due date (a procedure without an appointment date): the budgets alone.

Due times are therefore strictly ordered and none is after the due date (when there is working time left;
a dossier already past its due date has every step due at that date). The plan is recomputed at every
hand-over and whenever the due date moves (Mẫu 04, a supplement or a payment pause), from that moment.
All arithmetic is in working time (``worktime``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from dichvucong.worktime.calendars import WorkCalendar, to_timedelta

ZERO = datetime.timedelta()
MICRO = datetime.timedelta(microseconds=1)


@dataclass(frozen=True)
class PlannedStep:
    position: int
    name: str
    due_at: datetime.datetime

    def as_json(self) -> dict:
        return {"position": self.position, "name": self.name, "due_at": self.due_at.isoformat()}


def plan_steps(
    *,
    steps: Sequence,  # Step rows (position, name, budget_hours), in order, starting with the step entered
    start: datetime.datetime,
    due_at: datetime.datetime | None,
    calendar: WorkCalendar,
) -> list[PlannedStep]:
    """The due time of each of ``steps`` for a dossier entering the first of them at ``start``."""
    if not steps:
        return []
    budgets = [to_timedelta(Decimal(step.budget_hours)) for step in steps]
    total = sum(budgets, ZERO)
    available = None if due_at is None else calendar.working_time_between(start, due_at)
    if available is not None and available <= ZERO:
        return [PlannedStep(step.position, step.name, due_at) for step in steps]
    planned: list[PlannedStep] = []
    elapsed = ZERO
    fits = available is None or total <= available
    for index, (step, budget) in enumerate(zip(steps, budgets, strict=True)):
        elapsed += budget
        if fits:
            due = calendar.add_working_hours(start, elapsed)
        elif index == len(steps) - 1:
            due = due_at
        else:  # the share of the working time left, in proportion to the budgets
            share = datetime.timedelta(
                microseconds=(available // MICRO) * (elapsed // MICRO) // (total // MICRO)
            )
            due = calendar.add_working_hours(start, share)
        if due_at is not None and due > due_at:
            due = due_at
        planned.append(PlannedStep(step.position, step.name, due))
    return planned

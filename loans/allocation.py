"""How a repayment is shared out, as a pure function (documented on the repayment page).

Order: jasa of overdue instalments (oldest first), principal of overdue instalments (oldest
first), jasa of the current instalment, principal of the current instalment; whatever is left
is held as credit for the borrower. An instalment is overdue when its due date is before the
payment date; the current one is the first unsettled instalment due on or after it.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Open:
    """What is still owed on one instalment."""

    key: int
    due_date: datetime.date
    principal: int
    jasa: int


@dataclass(frozen=True)
class Share:
    key: int
    principal: int = 0
    jasa: int = 0


def allocate(owed: list[Open], *, paid_on: datetime.date, amount: int) -> tuple[list[Share], int]:
    """The shares per instalment (in the order above) and the credit left over."""
    unsettled = sorted((o for o in owed if o.principal or o.jasa), key=lambda o: o.due_date)
    overdue = [o for o in unsettled if o.due_date < paid_on]
    current = [o for o in unsettled if o.due_date >= paid_on][:1]
    steps = [(o, "jasa") for o in overdue] + [(o, "principal") for o in overdue]
    steps += [(o, part) for o in current for part in ("jasa", "principal")]
    taken: dict[int, dict[str, int]] = {}
    left = amount
    for item, part in steps:
        portion = min(left, getattr(item, part))
        if portion:
            taken.setdefault(item.key, {"principal": 0, "jasa": 0})[part] += portion
            left -= portion
    return [Share(key, **parts) for key, parts in taken.items()], left

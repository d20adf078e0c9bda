"""Bounds on every date and period a user can ask for.

A period drives loops (one trend point per month, one budget line per year) and
queries, so an unbounded one (01/01/1000 to 31/12/9999) is a denial of service.
Dashboards, charts, reports, list filters and program periods all check their
dates here: from 1 January 2000 to the end of the tenth year ahead, spanning ten
years at most. Anything else is refused with a message, never computed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10
MAX_SPAN_YEARS = 10


def latest(today: datetime.date | None = None) -> datetime.date:
    """The last day a user may ask about: 31 December of the tenth year ahead."""
    today = today or timezone.localdate()
    return datetime.date(today.year + YEARS_AHEAD, 12, 31)


def year_range(today: datetime.date | None = None) -> range:
    return range(EARLIEST.year, latest(today).year + 1)


def year_check(year: int, *, today: datetime.date | None = None) -> None:
    if year not in year_range(today):
        raise ValidationError(
            _("Enter a year from %(earliest)s to %(latest)s.")
            % {"earliest": EARLIEST.year, "latest": latest(today).year},
            code="year_out_of_range",
        )


def date_check(day: datetime.date, *, today: datetime.date | None = None) -> None:
    last = latest(today)
    if not EARLIEST <= day <= last:
        raise ValidationError(
            _("Enter a date from %(earliest)s to %(latest)s.")
            % {"earliest": f"{EARLIEST:%d/%m/%Y}", "latest": f"{last:%d/%m/%Y}"},
            code="date_out_of_range",
        )


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def period_check(start: datetime.date, end: datetime.date, *, today: datetime.date | None = None) -> None:
    """Both ends inside the bounds, the end not before the start, and ten years at most."""
    date_check(start, today=today)
    date_check(end, today=today)
    if end < start:
        raise ValidationError(_("The end date must be on or after the start date."), code="end_before_start")
    if end >= _years_later(start, MAX_SPAN_YEARS):
        raise ValidationError(
            _("A period may span at most %(years)s years.") % {"years": MAX_SPAN_YEARS}, code="period_too_long"
        )


def validate_date(day: datetime.date) -> None:
    """A form field's validator: a date inside the bounds (for list filters and records)."""
    date_check(day)


def validate_year(year) -> None:
    """A form field's validator: a whole year inside the bounds (a filter's number may be 2023.5)."""
    if year != int(year):
        raise ValidationError(_("Enter a whole year, such as 2023."), code="year_not_whole")
    year_check(int(year))

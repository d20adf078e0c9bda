"""Repayment schedules of a PUMK loan: pure functions of whole rupiah, no database.

Efektif: equal principal instalments (whole rupiah, the remainder on the last one); the
jasa of a month is the yearly rate / 12 of the principal outstanding at the start of that
month. Flat: the same principal instalments, and every month the same jasa at the
equivalent flat rate r(n+1)/(2n) of the principal (3% over 12 months: 1,625% a year).
Jasa is rounded half up to the rupiah. Rates are in basis points a year (300 = 3%).
"""

import calendar
import datetime
from dataclasses import dataclass
from fractions import Fraction

EFEKTIF = "efektif"
FLAT = "flat"
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    due_date: datetime.date
    principal: int
    jasa: int
    outstanding_after: int

    @property
    def total(self) -> int:
        return self.principal + self.jasa


def half_up(value: Fraction) -> int:
    """Round a non-negative fraction half up: 114.583,335 -> 114.583; 104.166,67 -> 104.167."""
    return int((value * 2 + 1) // 2)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def principal_parts(amount: int, tenor: int) -> list[int]:
    """Equal whole-rupiah parts; whatever does not divide goes on the last one."""
    base = amount // tenor
    return [base] * (tenor - 1) + [amount - base * (tenor - 1)]


def flat_rate(rate_bp: int, tenor: int) -> Fraction:
    """The flat yearly rate (a fraction, 0,01625 for 3% over 12 months) equivalent to `rate_bp` efektif."""
    return Fraction(rate_bp, BASIS_POINTS) * (tenor + 1) / (2 * tenor)


def monthly_jasa(*, method: str, amount: int, outstanding: int, rate_bp: int, tenor: int) -> int:
    if method == FLAT:
        return half_up(amount * flat_rate(rate_bp, tenor) / 12)
    return half_up(Fraction(outstanding * rate_bp, BASIS_POINTS * 12))


def schedule(*, amount: int, tenor: int, rate_bp: int, method: str, start: datetime.date) -> list[ScheduleRow]:
    """Instalments due monthly from one month after `start` (the disbursement date)."""
    if amount <= 0 or tenor <= 0:
        raise ValueError("amount and tenor must be positive")
    rows, outstanding = [], amount
    for number, principal in enumerate(principal_parts(amount, tenor), start=1):
        jasa = monthly_jasa(method=method, amount=amount, outstanding=outstanding, rate_bp=rate_bp, tenor=tenor)
        outstanding -= principal
        rows.append(ScheduleRow(number, add_months(start, number), principal, jasa, outstanding))
    return rows


def total_jasa(rows: list[ScheduleRow]) -> int:
    return sum(row.jasa for row in rows)

"""Reads of a loan's journal: balances, what is left on each instalment, days late.

Everything is derived from journal entries (as of a date when given), never stored.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Sum

from .allocation import Open
from .models import EntryKind, Instalment, JournalEntry, Loan, LoanRuleSet


@dataclass(frozen=True)
class InstalmentState:
    instalment: Instalment
    principal_paid: int
    jasa_paid: int

    @property
    def principal_left(self) -> int:
        return self.instalment.principal - self.principal_paid

    @property
    def jasa_left(self) -> int:
        return self.instalment.jasa - self.jasa_paid

    @property
    def settled(self) -> bool:
        return self.principal_left == 0 and self.jasa_left == 0

    def open(self) -> Open:
        item = self.instalment
        return Open(key=item.pk, due_date=item.due_date, principal=self.principal_left, jasa=self.jasa_left)


def balances(loan: Loan, as_of: datetime.date | None = None) -> dict[str, int]:
    """Outstanding principal, outstanding jasa (fallen due, unpaid) and credit held."""
    entries = JournalEntry.objects.filter(loan=loan)
    return (entries.as_of(as_of) if as_of else entries).balances()


def instalment_states(loan: Loan, as_of: datetime.date | None = None) -> list[InstalmentState]:
    """Each instalment with what the payments (less their reversals) put on it."""
    entries = JournalEntry.objects.filter(loan=loan, instalment__isnull=False).exclude(kind=EntryKind.INSTALMENT_DUE)
    if as_of:
        entries = entries.as_of(as_of)
    paid = {
        row["instalment_id"]: row
        for row in entries.values("instalment_id").annotate(principal=Sum("principal"), jasa=Sum("jasa"))
    }
    states = []
    for instalment in loan.instalments.order_by("number"):
        row = paid.get(instalment.pk, {"principal": 0, "jasa": 0})
        states.append(InstalmentState(instalment, -(row["principal"] or 0), -(row["jasa"] or 0)))
    return states


def days_late(loan: Loan, as_of: datetime.date) -> int:
    """Days since the due date of the oldest instalment unpaid on `as_of` (0 when none is)."""
    for state in instalment_states(loan, as_of):
        if state.instalment.due_date <= as_of and not state.settled:
            return (as_of - state.instalment.due_date).days
    return 0


def collectibility_on(loan: Loan, as_of: datetime.date, rules: LoanRuleSet | None = None) -> tuple[int, str]:
    """(days late, band) as of a date, by the bands of the rule set the loan was approved under."""
    late = days_late(loan, as_of)
    return late, (rules or loan.rule_set).band(late)

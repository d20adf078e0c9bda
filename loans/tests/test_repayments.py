import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from loans.allocation import Open, allocate
from loans.ledger import balances, collectibility_on, days_late, instalment_states
from loans.models import CollectibilityHistory, Loan, Status
from loans.services import collectibility_run, repayment_record, repayment_reverse
from loans.tests.conftest import make_loan

pytestmark = pytest.mark.usefixtures("rules", "fund_2024")
JAN_15 = datetime.date(2024, 1, 15)


@pytest.fixture
def loan(staf_pln, manajer_pln, mutiara) -> Loan:
    return make_loan(staf_pln, manajer_pln, mutiara, disbursed_on=JAN_15)


class TestAllocation:
    def test_order_is_overdue_jasa_overdue_principal_current_jasa_current_principal_then_credit(self):
        owed = [
            Open(1, datetime.date(2024, 2, 15), principal=1_000, jasa=100),
            Open(2, datetime.date(2024, 3, 15), principal=1_000, jasa=90),
            Open(3, datetime.date(2024, 4, 15), principal=1_000, jasa=80),
        ]
        shares, credit = allocate(owed, paid_on=datetime.date(2024, 3, 20), amount=190)
        assert [(s.key, s.principal, s.jasa) for s in shares] == [(1, 0, 100), (2, 0, 90)]
        shares, credit = allocate(owed, paid_on=datetime.date(2024, 3, 20), amount=3_500)
        assert [(s.key, s.principal, s.jasa) for s in shares] == [(1, 1_000, 100), (2, 1_000, 90), (3, 1_000, 80)]
        assert credit == 230


class TestRepayment:
    def test_paying_the_first_instalment_on_its_due_date(self, loan, staf_pln):
        repayment_record(loan=loan, actor=staf_pln, paid_on=datetime.date(2024, 2, 15), amount=4_291_666)
        assert balances(loan) == {"principal": 45_833_334, "jasa": 0, "credit": 0}
        assert instalment_states(loan)[0].settled

    def test_an_overpayment_is_held_as_credit(self, loan, staf_pln):
        repayment_record(loan=loan, actor=staf_pln, paid_on=datetime.date(2024, 2, 15), amount=4_300_000)
        assert balances(loan)["credit"] == 8_334

    def test_a_reversal_restores_what_was_owed(self, loan, staf_pln):
        repayment = repayment_record(loan=loan, actor=staf_pln, paid_on=datetime.date(2024, 2, 15), amount=4_291_666)
        repayment_reverse(repayment=repayment, actor=staf_pln, reason="Salah input")
        assert balances(loan) == {"principal": 50_000_000, "jasa": 125_000, "credit": 0}
        with pytest.raises(ValidationError):
            repayment_reverse(repayment=repayment, actor=staf_pln, reason="Lagi")

    def test_no_payment_before_the_disbursement(self, loan, staf_pln):
        with pytest.raises(ValidationError) as caught:
            repayment_record(loan=loan, actor=staf_pln, paid_on=datetime.date(2024, 1, 14), amount=1)
        assert "paid_on" in caught.value.message_dict

    def test_paying_every_instalment_makes_the_loan_lunas(self, loan, staf_pln):
        for row in loan.schedule_rows:
            repayment_record(loan=loan, actor=staf_pln, paid_on=row.due_date, amount=row.total)
        loan.refresh_from_db()
        assert loan.status == Status.REPAID
        assert balances(loan) == {"principal": 0, "jasa": 0, "credit": 0}


class TestCollectibility:
    @pytest.mark.parametrize(
        ("as_of", "late", "band"),
        [
            (datetime.date(2024, 2, 15), 0, "lancar"),
            (datetime.date(2024, 3, 16), 30, "lancar"),
            (datetime.date(2024, 3, 17), 31, "kurang_lancar"),
            (datetime.date(2024, 8, 13), 180, "kurang_lancar"),
            (datetime.date(2024, 8, 14), 181, "diragukan"),
            (datetime.date(2024, 11, 11), 270, "diragukan"),
            (datetime.date(2024, 11, 12), 271, "macet"),
        ],
    )
    def test_a_loan_never_paid_walks_across_the_bands(self, loan, as_of, late, band):
        # The first instalment fell due on 15 February 2024.
        assert collectibility_on(loan, as_of) == (late, band)

    def test_days_late_count_from_the_oldest_unpaid_instalment(self, loan, staf_pln):
        first = loan.schedule_rows[0]
        repayment_record(loan=loan, actor=staf_pln, paid_on=first.due_date, amount=first.total)
        assert days_late(loan, datetime.date(2024, 4, 14)) == 30  # since 15 March
        assert days_late(loan, datetime.date(2024, 2, 20)) == 0

    def test_a_payment_counts_only_from_its_date(self, loan, staf_pln):
        first = loan.schedule_rows[0]
        repayment_record(loan=loan, actor=staf_pln, paid_on=datetime.date(2024, 4, 1), amount=first.total)
        assert days_late(loan, datetime.date(2024, 3, 31)) == 45

    def test_the_daily_run_keeps_the_month_end(self, loan):
        assert collectibility_run(as_of=datetime.date(2024, 4, 10)) == 1
        loan.refresh_from_db()
        assert (loan.days_late, loan.collectibility) == (55, "kurang_lancar")
        history = CollectibilityHistory.objects.get(loan=loan)
        assert (history.as_of, history.days_late, history.collectibility) == (
            datetime.date(2024, 3, 31),
            45,
            "kurang_lancar",
        )
        collectibility_run(as_of=datetime.date(2024, 4, 10))
        assert CollectibilityHistory.objects.count() == 1


class LoanJournal(RuleBasedStateMachine):
    """Random repayments and reversals: the journal's sums always match the instalments."""

    examples = 0

    def __init__(self):
        super().__init__()
        type(self).examples += 1
        self.savepoint = transaction.savepoint()  # each example starts from a fresh loan
        staff, manager, partner = self.setup
        self.loan, self.staff = make_loan(staff, manager, partner, disbursed_on=JAN_15), staff
        self.day = JAN_15
        self.live: list = []

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    @rule(days=st.integers(0, 60), amount=st.integers(1, 6_000_000))
    def pay(self, days, amount):
        self.day = min(self.day + datetime.timedelta(days=days), datetime.date(2025, 6, 1))
        self.live.append(repayment_record(loan=self.loan, actor=self.staff, paid_on=self.day, amount=amount))

    @rule(index=st.integers(0, 50))
    def reverse(self, index):
        if self.live:
            repayment = self.live.pop(index % len(self.live))
            repayment_reverse(repayment=repayment, actor=self.staff, reason="Koreksi")

    @invariant()
    def journal_matches_money_received(self):
        owed = balances(self.loan)
        states = instalment_states(self.loan)
        paid_principal = sum(s.principal_paid for s in states)
        paid_jasa = sum(s.jasa_paid for s in states)
        assert owed["principal"] == self.loan.amount - paid_principal >= 0
        assert owed["jasa"] >= 0 and owed["credit"] >= 0
        assert paid_principal + paid_jasa + owed["credit"] == sum(r.amount for r in self.live)
        assert all(0 <= s.principal_paid <= s.instalment.principal and s.jasa_paid >= 0 for s in states)


def test_journal_state_machine(staf_pln, manajer_pln, mutiara):
    LoanJournal.setup = (staf_pln, manajer_pln, mutiara)
    LoanJournal.TestCase.settings = settings(
        max_examples=15, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
    )
    LoanJournal.TestCase("runTest").runTest()
    assert LoanJournal.examples >= 15  # every example passed its invariants

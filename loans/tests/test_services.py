import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.roles import Role
from conftest import make_user
from disbursements.tests.conftest import make_partner
from loans.ledger import balances
from loans.models import EntryKind, JournalEntry, Loan, LoanFund, Status
from loans.services import Application, loan_apply, loan_approve, loan_disburse
from loans.tests.conftest import approved_2024, make_loan
from regions.models import Region

pytestmark = pytest.mark.usefixtures("rules")


def application(partner, **changes) -> Application:
    fields = {"partner": partner, "amount": 50_000_000, "tenor_months": 12, "method": "efektif", "purpose": "Modal"}
    return Application(**{**fields, **changes})


def refusal(staff, partner, **changes) -> dict:
    with pytest.raises(ValidationError) as caught:
        loan_apply(actor=staff, application=application(partner, **changes))
    return caught.value.message_dict


class TestApplication:
    def test_above_the_ceiling_is_refused_on_the_amount(self, staf_pln, mutiara):
        errors = refusal(staf_pln, mutiara, amount=250_000_001)
        assert "Rp250.000.000" in errors["amount"][0]

    def test_the_ceiling_itself_is_accepted(self, staf_pln, mutiara):
        loan = loan_apply(actor=staf_pln, application=application(mutiara, amount=250_000_000, tenor_months=36))
        assert loan.status == Status.APPLIED and loan.rule_set.name == "Ketentuan PUMK 2022"

    def test_a_tenor_over_36_months_is_refused_on_the_tenor(self, staf_pln, mutiara):
        assert "36" in refusal(staf_pln, mutiara, tenor_months=37)["tenor_months"][0]

    def test_a_top_up_is_limited_to_100_million_and_12_months(self, staf_pln, manajer_pln, mutiara, fund_2024):
        make_loan(staf_pln, manajer_pln, mutiara, disbursed_on=datetime.date(2024, 1, 15))
        errors = refusal(staf_pln, mutiara, is_top_up=True, amount=100_000_001, tenor_months=13)
        assert "Rp100.000.000" in errors["amount"][0] and "12" in errors["tenor_months"][0]
        loan = loan_apply(actor=staf_pln, application=application(mutiara, is_top_up=True, amount=100_000_000))
        assert loan.is_top_up

    def test_a_top_up_needs_a_disbursed_loan(self, staf_pln, mutiara):
        assert "is_top_up" in refusal(staf_pln, mutiara, is_top_up=True, amount=10_000_000)

    def test_a_second_loan_to_the_same_nik_is_refused(self, staf_pln, mutiara):
        first = loan_apply(actor=staf_pln, application=application(mutiara))
        assert f"#{first.pk})" in refusal(staf_pln, mutiara)["partner"][0]

    def test_a_business_without_nik_cannot_borrow(self, staf_pln):
        partner = make_partner("Tanpa NIK", Region.objects.get(code="81.71"))
        assert "NIK" in refusal(staf_pln, partner)["partner"][0]

    def test_an_active_loan_from_another_company_is_flagged(self, staf_pln, staf_hk, mutiara):
        first = loan_apply(actor=staf_hk, application=application(mutiara))
        second = loan_apply(actor=staf_pln, application=application(mutiara))
        assert not first.other_company_loan and second.other_company_loan

    def test_a_regional_official_cannot_apply(self, pejabat_maluku, mutiara):
        with pytest.raises(PermissionDenied):
            loan_apply(actor=pejabat_maluku, application=application(mutiara))


class TestApproval:
    def test_approval_numbers_the_loan(self, staf_pln, manajer_pln, mutiara, fund_2024):
        loan = make_loan(staf_pln, manajer_pln, mutiara)
        assert loan.number == "PLN/PUMK/2024/0001" and loan.status == Status.APPROVED

    def test_the_person_who_entered_it_cannot_approve(self, pln, mutiara, fund_2024):
        manager = make_user("manajer.pembuat", Role.MANAJER, company=pln)
        loan = loan_apply(actor=manager, application=application(mutiara))
        with pytest.raises(PermissionDenied):
            loan_approve(loan=loan, actor=manager, approved_at=approved_2024())

    def test_the_database_refuses_an_approver_who_entered_it(self, staf_pln, mutiara):
        loan = loan_apply(actor=staf_pln, application=application(mutiara))
        with pytest.raises(IntegrityError), transaction.atomic():
            Loan.objects.filter(pk=loan.pk).update(approved_by=staf_pln, number="X", status="approved")

    def test_over_the_fund_is_refused(self, staf_pln, manajer_pln, mutiara, pln):
        LoanFund.objects.create(company=pln, year=2024, amount=40_000_000)
        loan = loan_apply(actor=staf_pln, application=application(mutiara))
        with pytest.raises(ValidationError, match=r"Rp40\.000\.000"):
            loan_approve(loan=loan, actor=manajer_pln, approved_at=approved_2024())

    def test_staff_cannot_approve(self, staf_pln, pln, mutiara, fund_2024):
        loan = loan_apply(actor=staf_pln, application=application(mutiara))
        other = make_user("staf2.pln", Role.STAF, company=pln)
        with pytest.raises(PermissionDenied):
            loan_approve(loan=loan, actor=other, approved_at=approved_2024())


class TestDisbursement:
    def test_disbursement_writes_the_schedule_and_the_journal(self, staf_pln, manajer_pln, mutiara, fund_2024):
        loan = make_loan(staf_pln, manajer_pln, mutiara, disbursed_on=datetime.date(2024, 1, 15))
        first = loan.instalments.first()
        assert (first.due_date, first.principal, first.jasa) == (datetime.date(2024, 2, 15), 4_166_666, 125_000)
        assert loan.instalments.count() == 12
        assert balances(loan) == {"principal": 50_000_000, "jasa": 0, "credit": 0}
        assert JournalEntry.objects.get(loan=loan).kind == EntryKind.DISBURSEMENT

    def test_the_journal_cannot_be_edited(self, staf_pln, manajer_pln, mutiara, fund_2024):
        loan = make_loan(staf_pln, manajer_pln, mutiara, disbursed_on=datetime.date(2024, 1, 15))
        entry = JournalEntry.objects.get(loan=loan)
        entry.principal = 1
        with pytest.raises(ValidationError):
            entry.save()
        with pytest.raises(ValidationError):
            JournalEntry.objects.filter(loan=loan).delete()

    def test_not_before_the_approval(self, staf_pln, manajer_pln, mutiara, fund_2024):
        loan = make_loan(staf_pln, manajer_pln, mutiara)
        with pytest.raises(ValidationError) as caught:
            loan_disburse(loan=loan, actor=staf_pln, disbursed_on=datetime.date(2024, 1, 9), channel="bank")
        assert "disbursed_on" in caught.value.message_dict


class TestScope:
    def test_company_staff_see_their_company_and_officials_their_region(
        self, staf_pln, staf_hk, mutiara, pejabat_maluku, pejabat_sumsel
    ):
        loan = loan_apply(actor=staf_pln, application=application(mutiara))
        assert list(Loan.objects.visible_to(staf_pln)) == [loan]
        assert not Loan.objects.visible_to(staf_hk).exists()
        assert list(Loan.objects.visible_to(pejabat_maluku)) == [loan]
        assert not Loan.objects.visible_to(pejabat_sumsel).exists()


@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    """Against PostgreSQL with real threads and connections."""

    def test_twenty_approvals_against_a_fund_for_ten(self, live_db, rules, pln):
        staff = make_user("staf.pln", Role.STAF, company=pln)
        managers = [make_user(f"manajer{i}.pln", Role.MANAJER, company=pln) for i in range(20)]
        LoanFund.objects.create(company=pln, year=2024, amount=100_000_000)
        region = Region.objects.get(code="81.71")
        loans = [
            loan_apply(
                actor=staff,
                application=application(make_partner(f"Usaha {i}", region, owner_nik=f"81710155068500{i:02d}")),
            )
            for i in range(20)
        ]
        for loan in loans:
            Loan.objects.filter(pk=loan.pk).update(amount=10_000_000)
        results: list[str] = []
        barrier = threading.Barrier(20)

        def approve(loan, manager):
            connection.ensure_connection()  # every thread connected before any starts
            barrier.wait()
            try:
                loan_approve(loan=loan, actor=manager, approved_at=approved_2024())
                results.append("ok")
            except ValidationError as error:
                results.append(str(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=pair) for pair in zip(loans, managers, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results.count("ok") == 10, results
        assert all("Rp0" in r for r in results if r != "ok")
        numbers = sorted(Loan.objects.exclude(number="").values_list("number", flat=True))
        assert numbers == [f"PLN/PUMK/2024/{i:04d}" for i in range(1, 11)]

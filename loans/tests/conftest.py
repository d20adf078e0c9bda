import datetime

import pytest

from accounts.roles import Role
from conftest import make_user
from disbursements.tests.conftest import make_partner
from loans.models import LoanFund, LoanRuleSet
from loans.rules import default_rule_set_ensure
from loans.services import Application, loan_apply, loan_approve, loan_disburse
from regions.models import Region

NIK_AMBON = "8171015506850001"


@pytest.fixture
def rules(db) -> LoanRuleSet:
    default_rule_set_ensure(LoanRuleSet)
    return LoanRuleSet.objects.get(effective_from=datetime.date(2022, 1, 1))


@pytest.fixture
def manajer_pln(pln):
    return make_user("manajer.pln", Role.MANAJER, company=pln)


@pytest.fixture
def mutiara(db):
    return make_partner("Kerajinan Mutiara Lestari", Region.objects.get(code="81.71"), owner_nik=NIK_AMBON)


@pytest.fixture
def fund_2024(pln) -> LoanFund:
    return LoanFund.objects.create(company=pln, year=2024, amount=1_000_000_000)


def approved_2024():
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(2024, 1, 10, 10, 0))


def make_loan(staff, manager, partner, *, amount=50_000_000, tenor=12, method="efektif", disbursed_on=None):
    """Applied, approved in January 2024 and (when a date is given) disbursed."""
    application = Application(partner=partner, amount=amount, tenor_months=tenor, method=method, purpose="Modal kerja")
    loan = loan_apply(actor=staff, application=application)
    loan = loan_approve(loan=loan, actor=manager, approved_at=approved_2024())
    if disbursed_on:
        loan = loan_disburse(loan=loan, actor=staff, disbursed_on=disbursed_on, channel="direct")
    return loan

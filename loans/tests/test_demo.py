import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from loans.ledger import balances, collectibility_on
from loans.models import Loan, Status

pytestmark = pytest.mark.django_db


def load_demo():
    with override_settings(DEBUG=True):
        call_command("load_demo_data", stdout=io.StringIO())


def test_the_ambon_pearl_craft_loan_is_in_the_demo():
    load_demo()
    load_demo()  # a second run changes nothing
    loan = Loan.objects.get(partner__business_name="Kerajinan Mutiara Lestari")
    assert (loan.company.code, loan.number, loan.amount, loan.tenor_months) == (
        "PLN",
        "PLN/PUMK/2024/0001",
        50_000_000,
        12,
    )
    assert loan.partner.regency.code == "81.71" and loan.status == Status.DISBURSED
    assert loan.disbursed_on == datetime.date(2024, 1, 15)
    assert loan.instalments.first().due_date == datetime.date(2024, 2, 15)
    assert loan.repayments.count() == 6
    # Six principal instalments of Rp4.166.666 paid: 50.000.000 - 24.999.996 outstanding.
    assert balances(loan, datetime.date(2024, 7, 15))["principal"] == 25_000_004
    # Nothing paid after 15 July 2024: the seventh instalment (15 August 2024) is the oldest unpaid.
    assert collectibility_on(loan, datetime.date(2024, 9, 14)) == (30, "lancar")
    assert collectibility_on(loan, datetime.date(2024, 9, 15)) == (31, "kurang_lancar")

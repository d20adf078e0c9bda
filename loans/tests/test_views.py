import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from loans.models import Loan
from loans.tests.conftest import make_loan

pytestmark = pytest.mark.usefixtures("rules", "fund_2024")


def test_staff_apply_through_the_form_and_see_field_errors(client, staf_pln, mutiara):
    client.force_login(staf_pln)
    url = reverse("loans:loan-apply")
    data = {"partner": mutiara.pk, "amount": "300.000.000", "tenor_months": 12, "method": "efektif", "purpose": "Modal"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Jumlahnya melebihi plafon Rp250.000.000" in response.content.decode()
    response = client.post(url, {**data, "amount": "50.000.000"}, follow=True)
    assert "Permohonan pinjaman #" in response.content.decode()
    assert Loan.objects.get().amount == 50_000_000


def test_detail_shows_the_schedule_journal_and_outstanding(client, staf_pln, manajer_pln, mutiara):
    loan = make_loan(staf_pln, manajer_pln, mutiara, disbursed_on=datetime.date(2024, 1, 15))
    client.force_login(staf_pln)
    page = client.get(reverse("loans:loan-detail", args=[loan.pk])).content.decode()
    assert "PLN/PUMK/2024/0001" in page and "15 Februari 2024" in page
    assert "Rp4.166.674" in page and "Rp125.000" in page and "Penyaluran" in page


def test_repayment_form_records_and_shows_it(client, staf_pln, manajer_pln, mutiara):
    loan = make_loan(staf_pln, manajer_pln, mutiara, disbursed_on=datetime.date(2024, 1, 15))
    client.force_login(staf_pln)
    response = client.post(
        reverse("loans:repayment-create", args=[loan.pk]), {"paid_on": "15/02/2024", "amount": "4.291.666"}, follow=True
    )
    assert "Rp45.833.334" in response.content.decode()


def test_official_sees_the_loan_in_region_with_the_nik_masked(client, staf_pln, manajer_pln, mutiara, pejabat_maluku):
    loan = make_loan(staf_pln, manajer_pln, mutiara)
    client.force_login(pejabat_maluku)
    page = client.get(reverse("loans:loan-detail", args=[loan.pk])).content.decode()
    assert "8171••••••••0001" in page and "8171015506850001" not in page


def test_another_company_gets_404(client, staf_pln, manajer_pln, mutiara, staf_hk):
    loan = make_loan(staf_pln, manajer_pln, mutiara)
    client.force_login(staf_hk)
    assert client.get(reverse("loans:loan-detail", args=[loan.pk])).status_code == 404
    assert "PLN/PUMK" not in client.get(reverse("loans:loan-list")).content.decode()


def test_manager_approves_from_the_page(client, staf_pln, manajer_pln, mutiara):
    from loans.services import Application, loan_apply

    loan = loan_apply(
        actor=staf_pln,
        application=Application(partner=mutiara, amount=10_000_000, tenor_months=6, method="flat", purpose="Alat"),
    )
    from loans.models import LoanFund

    LoanFund.objects.create(company=loan.company, year=timezone.localdate().year, amount=100_000_000)
    client.force_login(manajer_pln)
    response = client.post(reverse("loans:loan-approve", args=[loan.pk]), follow=True)
    assert "/PUMK/" in response.content.decode()


def test_partner_page_lists_the_partners_loans(client, staf_pln, manajer_pln, mutiara, staf_hk):
    make_loan(staf_pln, manajer_pln, mutiara)
    url = reverse("partners:partner-detail", args=[mutiara.pk])
    client.force_login(staf_pln)
    assert "PLN/PUMK/2024/0001" in client.get(url).content.decode()
    client.force_login(staf_hk)
    assert "PLN/PUMK/2024/0001" not in client.get(url).content.decode()

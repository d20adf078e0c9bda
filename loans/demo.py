"""Demo PUMK loan: PLN's loan to Kerajinan Mutiara Lestari (Kota Ambon, Maluku).

Rp50.000.000 over 12 months, efektif 3%, disbursed 15 January 2024 (first instalment due
15 February 2024); the first six instalments paid on their due dates, nothing after.
Built with the services; running it again changes nothing.
"""

import datetime

from django.utils import timezone

from accounts.demo import demo_company, demo_user, skipped
from partners.demo import _partner
from regions.models import Region

from .models import LoanFund, LoanRuleSet
from .rules import default_rule_set_ensure
from .services import Application, loan_apply, loan_approve, loan_disburse, repayment_record

WHAT = "loan to Kerajinan Mutiara Lestari"
NIK = "8171014405880003"
DISBURSED_ON = datetime.date(2024, 1, 15)


def _borrower(pln, staff, stdout):
    ambon = Region.objects.filter(code="81.71").first()
    defaults = {
        "business_name": "Kerajinan Mutiara Lestari",
        "owner_name": "Maria Lestari Pattikawa",
        "regency": ambon,
        "sector": "kerajinan",
        "products": "Kerajinan dan perhiasan mutiara",
        "joined_on": datetime.date(2023, 6, 1),
        "registered_by_company": pln,
    }
    return _partner(NIK, defaults, stdout)[0] if ambon else None


def load(*, stdout) -> None:
    pln, staff, manager = demo_company("PLN"), demo_user("staf.pln"), demo_user("manajer.pln")
    if pln is None or staff is None or manager is None:
        skipped(stdout, WHAT, "no demo company PLN or its staff and manager")
        return
    default_rule_set_ensure(LoanRuleSet)
    borrower = _borrower(pln, staff, stdout)
    if borrower is None or borrower.loans.filter(company=pln).exists():
        return
    LoanFund.objects.get_or_create(company=pln, year=2024, defaults={"amount": 5_000_000_000})
    application = Application(
        partner=borrower,
        amount=50_000_000,
        tenor_months=12,
        method="efektif",
        purpose="Modal kerja: bahan baku mutiara dan alat pengeboran",
        survey_note="Survei lapangan di bengkel kerajinan, Kota Ambon.",
    )
    loan = loan_apply(actor=staff, application=application)
    approved_at = timezone.make_aware(datetime.datetime(2024, 1, 10, 10, 0))
    loan = loan_approve(loan=loan, actor=manager, approved_at=approved_at)
    loan = loan_disburse(loan=loan, actor=staff, disbursed_on=DISBURSED_ON, channel="direct")
    for row in loan.schedule_rows[:6]:
        repayment_record(loan=loan, actor=staff, paid_on=row.due_date, amount=row.total)

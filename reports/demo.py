"""Demo data of the reports app: the Q4 2023 impact report of Hutama Karya, produced on the spot."""

import datetime

from accounts.demo import demo_company

from .aggregates import facts_rebuild
from .impact import services
from .models import ImpactReport

Q4_2023 = datetime.date(2023, 10, 1)


def load(*, stdout) -> None:
    """Idempotent: produces the report only when no version of it is done or on its way.

    Reports someone else requested, failed ones included, are never touched: a new version is added.
    """
    company = demo_company("HK")
    if company is None:
        stdout.write("reports: no demo company HK, no demo report")
        return
    existing = ImpactReport.objects.of_scope(
        kind="quarter", period_start=Q4_2023, company_id=company.pk, region_code="", language="id"
    )
    if existing.exclude(status=ImpactReport.Status.FAILED).exists():
        stdout.write("reports: demo impact report already there")
        return
    # The demo loads in one transaction, so the per-handover refresh of the roll-ups
    # (sent on commit) has not run yet: build them now, as the nightly task would.
    facts_rebuild()
    report = services.impact_report_create(
        kind="quarter",
        start=Q4_2023,
        company=company,
        region=None,
        language="id",
        trigger=ImpactReport.Trigger.SCHEDULE,
        requested_by=None,
    )
    services.impact_report_produce(report_id=report.pk)
    stdout.write(f"reports: impact report {report} produced")

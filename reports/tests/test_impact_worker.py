"""Impact reports through a real Celery worker on Redis, and with the broker down."""

import datetime
import subprocess
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import close_old_connections
from django.urls import reverse
from django.utils import translation

from conftest import requires_redis, wait_until
from disbursements.models import COMMITTED_STATUSES, Disbursement
from disbursements.services import disbursement_approve, disbursement_verify
from regions.models import Region
from reports.impact import services
from reports.models import ImpactReport
from reports.tests.conftest import hand_over, partner_in, submitted_for
from tjsl.celery import app as celery_app

Q4 = datetime.date(2023, 10, 1)


def pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        data = handle.read()
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def q4_world(live_db, settings, tmp_path, staf_hk, manajer_hk, staf_pln, manajer_pln, program, pln_program, group):
    """The Ogan Ilir group of 30 gets Rp200.000.000 from HK Peduli Kreatif on 9 November 2023;
    PLN hands Rp40.000.000 to a partner in Ambon on 1 December 2023."""
    settings.MEDIA_ROOT = tmp_path / "media"
    approved = disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=group), actor=manajer_hk)
    hand_over(approved, staf_hk)
    ambon = partner_in("Tenun Ambon", Region.objects.get(code="81.71"), "kerajinan")
    pln = disbursement_approve(
        disbursement=submitted_for(
            staf_pln, pln_program, recipient=ambon, total=40_000_000, day=datetime.date(2023, 12, 1)
        ),
        actor=manajer_pln,
    )
    disbursement_verify(disbursement=hand_over(pln, staf_pln), actor=manajer_pln)


def q4_report(**scope) -> ImpactReport:
    return ImpactReport.objects.get(kind="quarter", period_start=Q4, **scope)


@requires_redis
def test_quarterly_job_produces_the_reports_through_a_worker(q4_world, hk, pln):
    from reports.tasks import impact_reports_schedule

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        impact_reports_schedule.delay("quarter", "2024-01-01")
        assert wait_until(
            lambda: (
                ImpactReport.objects.count() == 4
                and not ImpactReport.objects.exclude(status=ImpactReport.Status.DONE).exists()
            ),
            timeout=180,
        ), list(ImpactReport.objects.values_list("scope_key", "status", "error"))
    hk_report = q4_report(company=hk, region=None)
    text = pdf_text(hk_report)
    for expected in ("HK Peduli Kreatif", "Kabupaten Ogan Ilir", "Rp200.000.000"):
        assert expected in text
    assert hk_report.figures["summary"]["beneficiaries"] == 30
    assert "30" in text.split()
    counted = Disbursement.objects.filter(company=hk, status__in=COMMITTED_STATUSES, handed_on__gte=Q4)
    assert hk_report.figures["summary"]["net"] == sum(counted.values_list("total", flat=True)) == 200_000_000
    sumsel, maluku = q4_report(region__code="16"), q4_report(region__code="81")
    assert "Kabupaten Ogan Ilir" in pdf_text(sumsel) and "Rp200.000.000" in pdf_text(sumsel)
    assert "Ogan Ilir" not in pdf_text(maluku) and "Rp200.000.000" not in pdf_text(maluku)
    assert maluku.figures["summary"]["net"] == 40_000_000


@requires_redis
def test_a_requested_report_runs_in_the_background_and_a_second_run_is_a_no_op(client, q4_world, manajer_hk, hk):
    client.force_login(manajer_hk)
    data = {"kind": "quarter", "year": 2023, "number": 4, "region": "", "company": "", "language": "en"}
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        response = client.post(reverse("reports:report-request"), data)
        report = ImpactReport.objects.get()
        assert response.status_code == 302
        assert wait_until(lambda: ImpactReport.objects.get(pk=report.pk).status == "done", timeout=120)
        from reports.tasks import impact_report_produce

        finished_at = ImpactReport.objects.get(pk=report.pk).finished_at
        impact_report_produce.delay(report.pk)  # delivered twice: nothing new
        time.sleep(2)
    report.refresh_from_db()
    assert (report.attempts, report.finished_at) == (1, finished_at)
    assert (report.company, report.language, report.version) == (hk, "en", 1)
    assert "TJSL Impact Report" in pdf_text(report)
    assert ImpactReport.objects.count() == 1


def test_two_workers_in_parallel_produce_one_report(q4_world, manajer_hk, hk, monkeypatch):
    monkeypatch.setattr(services, "impact_report_enqueue", lambda *, report: True)
    report = services.impact_report_request(actor=manajer_hk, kind="quarter", start=Q4, company=hk, region=None)
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(services.impact_report_produce(report_id=report.pk))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sum(result is not None for result in results) == 1
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("done", 1)
    assert ImpactReport.objects.count() == 1


@pytest.mark.django_db
def test_broker_down_gives_a_clear_message_and_keeps_the_failed_report(client, manajer_hk, hk, broker_down):
    client.force_login(manajer_hk)
    client.cookies["django_language"] = "en"
    data = {"kind": "quarter", "year": 2023, "number": 4, "region": "", "company": "", "language": "id"}
    response = client.post(reverse("reports:report-request"), data, follow=True)
    assert response.status_code == 200
    report = ImpactReport.objects.get()
    assert report.status == "failed" and "queue" in report.error
    with translation.override("en"):
        assert any("job queue is unavailable" in str(m) for m in response.context["messages"])
    assert client.get(reverse("reports:report-list")).status_code == 200

"""Asking for an impact report through the API and following it to its PDF, as another
system does: POST, poll the report until it is done, download the file."""

import subprocess

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from accounts.services import api_token_create
from conftest import problem_fields, requires_redis, wait_until
from reports.models import ImpactReport
from reports.tests.test_impact_worker import q4_world  # noqa: F401  (a fixture)
from tjsl.celery import app as celery_app

URL = "/api/v1/reports/"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='erp')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def ask(client, user, body, **extra):
    return client.post(URL, body, content_type="application/json", **bearer(user), **extra)


@requires_redis
@pytest.mark.usefixtures("q4_world")
def test_a_manager_asks_for_a_quarter_and_downloads_its_pdf_when_done(client, manajer_hk, hk):
    headers = bearer(manajer_hk)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        response = client.post(URL, {"period": "2023-Q4", "language": "en"}, content_type="application/json", **headers)
        assert response.status_code == 201, response.content
        report = response.json()
        assert (report["period_key"], report["company"], report["status"]) == ("2023-Q4", hk.pk, "queued")
        location = response["Location"]
        assert location.endswith(f"{URL}{report['id']}/")
        assert wait_until(lambda: client.get(location, **headers).json()["status"] == "done", timeout=120)
    done = client.get(location, **headers).json()
    assert done["has_pdf"] is True and done["trigger"] == "user"
    pdf = client.get(f"{location}pdf/", **headers)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=b"".join(pdf.streaming_content), capture_output=True, check=True
    ).stdout.decode()
    assert "HK Peduli Kreatif" in text and "Rp200.000.000" in text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": "2023-Q5"}, "period"),
        ({"period": "23"}, "period"),
        ({"period": "1999"}, "period"),
        ({"period": "2023", "region": "16.10.01"}, "region"),
        ({"period": "2023", "language": "jv"}, "language"),
    ],
)
def test_a_request_it_cannot_read_names_the_field(client, manajer_hk, body, field):
    response = ask(client, manajer_hk, body)
    assert response.status_code == 400
    assert list(problem_fields(response)) == [field]
    assert not ImpactReport.objects.exists()


def test_a_period_that_has_not_started_is_a_rule_error(client, manajer_hk):
    response = ask(client, manajer_hk, {"period": "2030"})
    assert response.status_code == 422
    assert problem_fields(response) == {None: ["This period has not started yet."]}
    assert not ImpactReport.objects.exists()


def test_an_official_asks_only_for_their_region(client, pejabat_maluku, pln):
    outside = ask(client, pejabat_maluku, {"period": "2023", "region": "16"})
    assert outside.status_code == 400 and list(problem_fields(outside)) == ["region"]
    assert outside.json()["errors"][0]["code"] == "out_of_scope"
    other_company = ask(client, pejabat_maluku, {"period": "2023", "region": "81", "company": pln.pk})
    assert other_company.status_code == 201 and other_company.json()["company"] == pln.pk
    inside = ask(client, pejabat_maluku, {"period": "2023", "region": "81"})
    assert inside.status_code == 201 and inside.json()["region_code"] == "81"


def test_a_manager_cannot_ask_for_another_company(client, manajer_hk, pln):
    response = ask(client, manajer_hk, {"period": "2023", "company": pln.pk})
    assert response.status_code == 400 and list(problem_fields(response)) == ["company"]
    assert not ImpactReport.objects.exists()


@pytest.mark.parametrize("role", ["staf_hk", "auditor"])
def test_roles_that_do_not_request_reports_are_refused(request, client, role):
    response = ask(client, request.getfixturevalue(role), {"period": "2023"})
    assert response.status_code == 403
    assert not ImpactReport.objects.exists()


def test_a_retry_with_the_same_key_makes_one_report(client, manajer_hk):
    headers = {**bearer(manajer_hk), "HTTP_IDEMPOTENCY_KEY": "rpt-2023-q4-1"}
    first = client.post(URL, {"period": "2023-Q4"}, content_type="application/json", **headers)
    again = client.post(URL, {"period": "2023-Q4"}, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert ImpactReport.objects.count() == 1

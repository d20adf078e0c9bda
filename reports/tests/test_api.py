"""Dashboard figures and impact reports through the API, with the scope of the caller."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from accounts.services import api_token_create
from disbursements.services import disbursement_approve
from reports.models import ImpactReport

from .conftest import hand_over, submitted_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/"


@pytest.fixture(autouse=True)
def _fresh_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def ogan_ilir_handover(django_capture_on_commit_callbacks, staf_hk, manajer_hk, program, group):
    """Hutama Karya's Rp200.000.000 to the 30 craftsmen of Ogan Ilir, handed over on 9 November 2023."""
    with django_capture_on_commit_callbacks(execute=True):
        handover = disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=group), actor=manajer_hk)
        return hand_over(handover, staf_hk)


class TestDashboard:
    def test_sumatera_selatan_official_sees_the_ogan_ilir_handover(self, client, ogan_ilir_handover, pejabat_sumsel):
        response = client.get(f"{URL}?period=2023-Q4&region=16.10", **bearer(pejabat_sumsel))
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["headline"]["net"] == 200_000_000 and body["headline"]["beneficiaries"] == 30
        assert body["headline"]["groups"] == 1 and body["headline"]["handovers"] == 1
        assert body["region"] == {"code": "16.10", "name": body["region"]["name"], "level": 2}
        assert body["period"] == {"key": "2023-Q4", "start": "2023-10-01", "end": "2023-12-31"}
        assert {row["id"] for row in body["by_kind"]} == {"peralatan", "bahan_baku"}

    def test_maluku_official_gets_nothing_of_it(self, client, ogan_ilir_handover, pejabat_maluku):
        body = client.get(f"{URL}?period=2023-Q4", **bearer(pejabat_maluku)).json()
        assert body["headline"]["net"] == 0 and body["headline"]["beneficiaries"] == 0
        assert body["by_program"] == [] and body["region"]["code"] == "81"
        assert client.get(f"{URL}?period=2023-Q4&region=16.10", **bearer(pejabat_maluku)).status_code == 404

    def test_company_outside_the_scope_is_404(self, client, ogan_ilir_handover, staf_pln, hk):
        assert client.get(f"{URL}?period=2023&company={hk.pk}", **bearer(staf_pln)).status_code == 404
        assert client.get(f"{URL}?period=2023", **bearer(staf_pln)).json()["headline"]["net"] == 0

    def test_manager_sees_budget_and_realisation(self, client, ogan_ilir_handover, manajer_hk):
        headline = client.get(f"{URL}?period=2023", **bearer(manajer_hk)).json()["headline"]
        assert (headline["budget"], headline["realised"]) == (750_000_000, 200_000_000)
        assert headline["realisation_pct"] == pytest.approx(26.7)

    @pytest.mark.parametrize("query", ["period=2023-13", "region=16.10.x", "company=abc", "pillar=nope"])
    def test_malformed_parameters_are_refused(self, client, auditor, query):
        assert client.get(f"{URL}?{query}", **bearer(auditor)).status_code in (400, 404)

    def test_without_a_role_it_is_forbidden(self, client, db):
        from conftest import make_user

        assert client.get(URL, **bearer(make_user("tamu", None))).status_code == 403


@pytest.fixture
def reports(hk, pln):
    def make(company, region_code="", status=ImpactReport.Status.DONE, version=1):
        report = ImpactReport(
            kind="quarter",
            period_start=datetime.date(2023, 10, 1),
            period_end=datetime.date(2023, 12, 31),
            period_key="2023-Q4",
            company=company,
            region_code=region_code,
            scope_key=f"{company.pk if company else '*'}:{region_code or '*'}",
            status=status,
            version=version,
        )
        report.pdf.save("r.pdf", ContentFile(b"%PDF-1.4 laporan"), save=False)
        report.xlsx.save("r.xlsx", ContentFile(b"PK workbook"), save=False)
        report.save()
        return report

    return {"hk": make(hk), "pln": make(pln), "queued": make(hk, status=ImpactReport.Status.QUEUED, version=2)}


class TestImpactReports:
    def test_list_shows_only_reports_of_the_scope(self, client, staf_hk, reports):
        rows = client.get("/api/v1/reports/", **bearer(staf_hk)).json()["results"]
        assert {row["id"] for row in rows} == {reports["hk"].pk, reports["queued"].pk}
        assert set(rows[0]) >= {"kind", "period_key", "status", "has_pdf", "has_xlsx", "version"}

    def test_download_pdf_and_xlsx_when_done(self, client, staf_hk, reports):
        response = client.get(f"/api/v1/reports/{reports['hk'].pk}/pdf/", **bearer(staf_hk))
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
        assert client.get(f"/api/v1/reports/{reports['hk'].pk}/xlsx/", **bearer(staf_hk)).status_code == 200
        assert client.get(f"/api/v1/reports/{reports['queued'].pk}/pdf/", **bearer(staf_hk)).status_code == 404

    def test_other_company_report_is_404(self, client, staf_hk, reports):
        assert client.get(f"/api/v1/reports/{reports['pln'].pk}/", **bearer(staf_hk)).status_code == 404
        assert client.get(f"/api/v1/reports/{reports['pln'].pk}/pdf/", **bearer(staf_hk)).status_code == 404

    def test_a_report_once_made_is_never_changed_or_deleted(self, client, manajer_hk, reports):
        url = f"/api/v1/reports/{reports['hk'].pk}/"
        headers = bearer(manajer_hk)
        before = ImpactReport.objects.values().get(pk=reports["hk"].pk)
        for method in (client.patch, client.put, client.delete):
            response = method(url, {"status": "failed"}, content_type="application/json", **headers)
            assert response.status_code in (403, 405)  # the role check answers before the method's
        assert ImpactReport.objects.values().get(pk=reports["hk"].pk) == before

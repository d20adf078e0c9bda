"""Impact reports: figures, PDF, .xlsx, versions, scope of pages and downloads."""

import datetime
import io
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from disbursements.models import COMMITTED_STATUSES, REALISED_STATUSES, Disbursement
from disbursements.services import disbursement_approve
from programs.models import Program
from regions.models import Region
from reports.impact import services
from reports.impact.figures import period_closed_before, period_for
from reports.models import ImpactReport
from reports.tests.conftest import submitted_for

Q4 = datetime.date(2023, 10, 1)


def pdf_text(report: ImpactReport) -> str:
    with report.pdf.open("rb") as handle:
        data = handle.read()
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


def request_and_produce(actor, *, company=None, region_code=None, start=Q4, kind="quarter", language="id"):
    region = Region.objects.get(code=region_code) if region_code else None
    report = services.impact_report_request(
        actor=actor, kind=kind, start=start, company=company, region=region, language=language
    )
    return services.impact_report_produce(report_id=report.pk)


def orm_sums(**filters) -> dict:
    """Independent sums straight from the handovers."""
    base = Disbursement.objects.filter(
        status__in=COMMITTED_STATUSES,
        handed_on__gte=datetime.date(2023, 10, 1),
        handed_on__lte=datetime.date(2023, 12, 31),
        **filters,
    )

    def net(qs):
        plus = sum(qs.filter(kind="handover").values_list("total", flat=True))
        minus = sum(qs.filter(kind="reversal").values_list("total", flat=True))
        return plus - minus

    return {"net": net(base), "realised": net(base.filter(status__in=REALISED_STATUSES))}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class TestPeriods:
    def test_the_period_just_closed_is_the_previous_month_quarter_and_year(self):
        day = datetime.date(2024, 1, 1)
        assert period_closed_before("month", day) == datetime.date(2023, 12, 1)
        assert period_closed_before("quarter", day) == datetime.date(2023, 10, 1)
        assert period_closed_before("year", day) == datetime.date(2023, 1, 1)
        assert period_closed_before("quarter", datetime.date(2024, 7, 1)) == datetime.date(2024, 4, 1)
        assert period_for("quarter", Q4).end == datetime.date(2023, 12, 31)


@pytest.mark.django_db
class TestFigures:
    def test_company_report_equals_the_database_sums_to_the_rupiah(self, world, media, manajer_hk, hk):
        report = request_and_produce(manajer_hk, company=hk)
        summary = report.figures["summary"]
        sums = orm_sums(company=hk)
        assert (summary["net"], summary["realised"]) == (sums["net"], sums["realised"])
        assert summary["net"] == 250_000_000  # 200 M group + 50 M partner; the reversal cancels the 30 M
        assert summary["beneficiaries"] == 31  # 30 group members counted once + Songket Indralaya
        program = report.figures["programs"][0]
        assert (program["label"], program["budget"], program["net"]) == ("HK Peduli Kreatif", 750_000_000, sums["net"])
        assert sum(row["net"] for row in report.figures["by_kind"]) == sums["net"]
        assert sum(row["net"] for row in report.figures["by_region"]) == sums["net"]

    def test_province_report_lists_its_handovers_in_the_annex(self, world, media, pejabat_sumsel):
        report = request_and_produce(pejabat_sumsel, region_code="16")
        annex = report.figures["annex"]
        counted = Disbursement.objects.filter(
            province_code="16", status__in=COMMITTED_STATUSES, handed_on__year=2023, handed_on__month__gte=10
        )
        assert annex["total"] == counted.count() == len(annex["rows"])
        assert report.figures["summary"]["net"] == orm_sums(province_code="16")["net"]
        assert {row["region"] for row in annex["rows"]} >= {"Kabupaten Ogan Ilir"}

    def test_national_report_keeps_the_list_out_of_the_pdf(self, world, media, auditor, admin_user):
        report = request_and_produce(admin_user)
        assert report.figures["annex"] is None
        assert report.figures["scope"]["company"] is None
        assert report.figures["summary"]["net"] == orm_sums()["net"]


@pytest.mark.django_db
class TestPdf:
    def test_pdf_has_cover_figures_and_indonesian_formats(self, world, media, manajer_hk, hk):
        report = request_and_produce(manajer_hk, company=hk, region_code="16")
        text = pdf_text(report)
        assert "HK Peduli Kreatif" in text
        assert "Kabupaten Ogan Ilir" in text
        assert "Rp200.000.000" in text
        assert "9 November 2023" in text  # the annex, as every page writes dates
        assert "PT Hutama Karya (Persero)" in text

    def test_english_report_on_request(self, world, media, manajer_hk, hk):
        report = request_and_produce(manajer_hk, company=hk, language="en")
        text = pdf_text(report)
        assert "TJSL Impact Report" in text
        assert "Budget and realisation per program" in text
        assert report.language == "en"

    def test_typed_text_cannot_make_the_renderer_fetch_anything(self, world, media, manajer_hk, hk, caplog):
        Program.objects.filter(code="HK-PK").update(name='HK <img src="http://127.0.0.1:9/x"> Kreatif')
        report = request_and_produce(manajer_hk, company=hk)
        assert report.status == ImpactReport.Status.DONE
        assert "127.0.0.1:9" in pdf_text(report)  # printed as text, never fetched
        assert "refused to fetch" not in caplog.text


@pytest.mark.django_db
class TestWorkbook:
    def test_xlsx_has_the_full_list_with_neutralised_formula_cells(self, world, media, manajer_hk, hk):
        Program.objects.filter(code="HK-PK").update(name='=HYPERLINK("http://x")')
        report = request_and_produce(manajer_hk, company=hk)
        with report.xlsx.open("rb") as handle:
            workbook = load_workbook(io.BytesIO(handle.read()))
        sheet = workbook.worksheets[-1]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        counted = Disbursement.objects.filter(company=hk, status__in=COMMITTED_STATUSES)
        assert len(rows) == counted.count() == 4  # two handovers, a reversed one and its reversal
        assert sum(row[-1] for row in rows) == orm_sums(company=hk)["net"]
        program_cells = [row[5] for row in rows]
        assert all(value.startswith("'=") for value in program_cells)
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
class TestVersions:
    def test_producing_again_makes_version_2_with_what_differs(
        self, world, media, manajer_hk, hk, staf_hk, program, django_capture_on_commit_callbacks
    ):
        first = request_and_produce(manajer_hk, company=hk)
        recipient = world["ogan_ilir_partner"].partner
        with django_capture_on_commit_callbacks(execute=True):
            more = submitted_for(staf_hk, program, recipient=recipient, total=5_000_000)
            disbursement_approve(disbursement=more, actor=manajer_hk)
        second = request_and_produce(manajer_hk, company=hk)
        assert (first.version, second.version) == (1, 2)
        assert first.diff is None
        changed = {change["key"]: change for change in second.diff["changes"]}
        assert changed["summary.net"]["before"] == 250_000_000
        assert changed["summary.net"]["after"] == 255_000_000
        assert second.figures_hash != first.figures_hash
        response = self._detail(manajer_hk, second)
        assert b'data-diff="changes"' in response.content

    def _detail(self, user, report):
        from django.test import Client

        client = Client()
        client.force_login(user)
        return client.get(reverse("reports:report-detail", args=[report.pk]))

    def test_a_produced_report_never_changes(self, world, media, manajer_hk, hk):
        report = request_and_produce(manajer_hk, company=hk)
        report.progress_note = "edited"
        with translation.override("en"), pytest.raises(Exception, match="never changes"):
            report.save()

    def test_producing_the_same_job_twice_does_nothing_the_second_time(self, world, media, manajer_hk, hk):
        report = request_and_produce(manajer_hk, company=hk)
        assert services.impact_report_produce(report_id=report.pk) is None
        assert ImpactReport.objects.count() == 1


@pytest.mark.django_db
class TestScope:
    def test_company_user_sees_only_their_company_reports(
        self, world, media, manajer_hk, manajer_pln, pln, hk, admin_user
    ):
        mine = request_and_produce(manajer_hk, company=hk)
        theirs = request_and_produce(manajer_pln, company=pln)
        assert list(ImpactReport.objects.visible_to(manajer_hk)) == [mine]
        assert list(ImpactReport.objects.visible_to(manajer_pln)) == [theirs]

    def test_official_sees_reports_within_their_region_only(
        self, world, media, pejabat_sumsel, pejabat_maluku, admin_user, hk
    ):
        province = request_and_produce(pejabat_sumsel, region_code="16")
        regency = request_and_produce(pejabat_sumsel, region_code="16.10")
        national = request_and_produce(admin_user, company=hk)
        assert set(ImpactReport.objects.visible_to(pejabat_sumsel)) == {province, regency}
        assert not ImpactReport.objects.visible_to(pejabat_maluku).exists()
        assert national in ImpactReport.objects.visible_to(admin_user)

    def test_download_outside_scope_is_not_found(self, client, world, media, pejabat_sumsel, pejabat_maluku):
        report = request_and_produce(pejabat_sumsel, region_code="16")
        client.force_login(pejabat_maluku)
        assert client.get(reverse("reports:report-download", args=[report.pk, "pdf"])).status_code == 404
        assert client.get(reverse("reports:report-detail", args=[report.pk])).status_code == 404
        client.force_login(pejabat_sumsel)
        response = client.get(reverse("reports:report-download", args=[report.pk, "pdf"]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_request_outside_scope_is_refused(self, client, world, media, pejabat_maluku, manajer_hk, pln, staf_hk):
        client.force_login(pejabat_maluku)
        data = {"kind": "quarter", "year": 2023, "number": 4, "region": "16", "company": "", "language": "id"}
        assert client.post(reverse("reports:report-request"), data).status_code == 404
        assert client.post(reverse("reports:report-request"), {**data, "region": ""}).status_code == 404
        client.force_login(manajer_hk)
        assert (
            client.post(reverse("reports:report-request"), {**data, "region": "", "company": pln.pk}).status_code == 404
        )
        client.force_login(staf_hk)
        assert client.post(reverse("reports:report-request"), {**data, "region": ""}).status_code == 403
        assert not ImpactReport.objects.exists()

    def test_report_list_shows_visible_reports_in_few_queries(
        self, client, world, media, pejabat_sumsel, django_assert_max_num_queries
    ):
        for code in ("16", "16.10", "16.71"):
            request_and_produce(pejabat_sumsel, region_code=code)
        client.force_login(pejabat_sumsel)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("reports:report-list"))
        assert response.status_code == 200
        assert len(response.context["reports"]) == 3
        assert response.content.count(b'data-download="pdf"') == 3


@pytest.mark.django_db
class TestSchedule:
    def test_quarter_fan_out_is_idempotent_and_covers_companies_and_active_provinces(
        self, world, media, hk, pln, django_capture_on_commit_callbacks, monkeypatch
    ):
        queued = []
        monkeypatch.setattr(services, "impact_report_enqueue", lambda *, report: queued.append(report.pk) or True)
        with django_capture_on_commit_callbacks(execute=True):
            created = services.impact_reports_schedule_period(kind="quarter", day=datetime.date(2024, 1, 1))
        scopes = {(r.company_id, r.region_code) for r in created}
        assert scopes == {(hk.pk, ""), (pln.pk, ""), (None, "16")}  # Ambon's handover was in August
        assert sorted(queued) == sorted(r.pk for r in created)
        assert services.impact_reports_schedule_period(kind="quarter", day=datetime.date(2024, 1, 1)) == []

    def test_managers_are_notified_with_a_link(
        self, world, media, hk, manajer_hk, django_capture_on_commit_callbacks, settings
    ):
        manajer_hk.email = "manajer@hk.example"
        manajer_hk.save()
        settings.TJSL_SITE_URL = "https://tjsl.example"
        with django_capture_on_commit_callbacks(execute=True):
            report = services.impact_report_create(
                kind="quarter", start=Q4, company=hk, region=None, language="id", trigger="schedule", requested_by=None
            )
            services.impact_report_produce(report_id=report.pk)
        assert [m.to for m in mail.outbox] == [["manajer@hk.example"]]
        assert f"https://tjsl.example/reports/{report.pk}/" in mail.outbox[0].body

    def test_stuck_running_report_is_requeued_once_then_failed(self, world, media, hk, monkeypatch):
        monkeypatch.setattr(services, "impact_report_enqueue", lambda *, report: True)
        report = services.impact_report_create(
            kind="quarter", start=Q4, company=hk, region=None, language="id", trigger="schedule", requested_by=None
        )
        long_ago = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
        ImpactReport.objects.filter(pk=report.pk).update(status="running", started_at=long_ago, attempts=1)
        assert services.impact_reports_sweep(older_than=datetime.timedelta(minutes=12)) == {"requeued": 1, "failed": 0}
        ImpactReport.objects.filter(pk=report.pk).update(status="running", started_at=long_ago, attempts=2)
        assert services.impact_reports_sweep(older_than=datetime.timedelta(minutes=12)) == {"requeued": 0, "failed": 1}
        report.refresh_from_db()
        assert report.status == "failed" and report.error


@pytest.mark.django_db
class TestRequestPage:
    def test_request_page_offers_only_the_users_scope(self, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        response = client.get(reverse("reports:report-request"))
        codes = {value for value, _label in response.context["form"].fields["region"].choices}
        assert "16" in codes and "16.10" in codes
        assert "" not in codes and "81" not in codes

    def test_progress_partial_polls_until_done(self, client, world, media, manajer_hk, hk, monkeypatch):
        monkeypatch.setattr(services, "impact_report_enqueue", lambda *, report: True)
        report = services.impact_report_request(actor=manajer_hk, kind="quarter", start=Q4, company=hk, region=None)
        client.force_login(manajer_hk)
        status_url = reverse("reports:report-status", args=[report.pk])
        queued = client.get(status_url)
        assert b"<progress" in queued.content and b'hx-trigger="every 2s"' in queued.content
        services.impact_report_produce(report_id=report.pk)
        done = client.get(status_url)
        assert b"hx-trigger" not in done.content
        assert reverse("reports:report-download", args=[report.pk, "xlsx"]).encode() in done.content

"""Export-milestone evidence is typed by its content; every protected download is private and named safely."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.services import api_token_create
from conftest import problem_fields
from disbursements.models import Evidence
from partners import services as partner_services
from partners.imports import COLUMN_NAMES
from partners.models import ExportMilestone
from partners.tests import conftest as partner_fixtures
from reports.tests import conftest as report_fixtures
from reports.tests import test_impact

pytestmark = pytest.mark.django_db

world, program, pln_program = report_fixtures.world, report_fixtures.program, report_fixtures.pln_program
group, ogan_ilir, manajer_pln = report_fixtures.group, report_fixtures.ogan_ilir, report_fixtures.manajer_pln
media = test_impact.media
make_partner = partner_fixtures.make_partner

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = report_fixtures.PNG
NOT_ACCEPTED = {
    "html named .pdf": ("invoice.pdf", b"<html><script>alert(1)</script></html>"),
    "svg": ("foto.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "windows program": ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64),
    "zip": ("bukti.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40),
    "plain text": ("bukti.txt", b"just words"),
}


@pytest.fixture(autouse=True)
def _fresh_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}"}


def milestone_url(partner) -> str:
    return f"/api/v1/partners/{partner.pk}/export-milestones/"


def assert_private(response, *, filename_start: str) -> None:
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'filename="{filename_start}' in disposition


class TestExportEvidence:
    @pytest.mark.parametrize(("name", "content"), NOT_ACCEPTED.values(), ids=NOT_ACCEPTED.keys())
    @pytest.mark.parametrize("staff", ["staf_hk", "staf_pln"])
    def test_the_api_refuses_a_file_that_is_no_pdf_or_photo(self, request, client, make_partner, staff, name, content):
        user = request.getfixturevalue(staff)
        partner = make_partner(user)
        body = {
            "destination_country": "Malaysia",
            "exported_on": "2023-10-01",
            "value": "1000000",
            "evidence": SimpleUploadedFile(name, content, content_type="application/pdf"),
        }
        response = client.post(milestone_url(partner), body, **bearer(user))
        assert response.status_code == 422 and "evidence" in problem_fields(response)
        assert not ExportMilestone.objects.exists()

    @pytest.mark.parametrize(("name", "content"), NOT_ACCEPTED.values(), ids=NOT_ACCEPTED.keys())
    def test_the_form_refuses_it_on_the_field(self, client, staf_hk, make_partner, name, content):
        partner = make_partner(staf_hk)
        client.force_login(staf_hk)
        response = client.post(
            reverse("partners:exportmilestone-create", args=[partner.pk]),
            {
                "destination_country": "Malaysia",
                "exported_on": "01/10/2023",
                "value": "1000000",
                "evidence": SimpleUploadedFile(name, content),
            },
        )
        assert response.status_code == 200
        assert "evidence" in response.context["form"].errors
        assert not ExportMilestone.objects.exists()

    @pytest.mark.parametrize(
        ("upload_name", "content", "mime", "extension"),
        [("scan.PDF", PDF, "application/pdf", "pdf"), ("foto-kapal.exe", PNG, "image/png", "png")],
    )
    def test_an_accepted_file_is_stored_and_served_by_its_real_type(
        self, client, staf_hk, pejabat_sumsel, make_partner, upload_name, content, mime, extension
    ):
        partner = make_partner(staf_hk)
        body = {
            "destination_country": "Malaysia",
            "exported_on": "2023-10-01",
            "value": "1000000",
            "evidence": SimpleUploadedFile(upload_name, content),
        }
        created = client.post(milestone_url(partner), body, **bearer(staf_hk))
        assert created.status_code == 201, created.json()
        milestone = ExportMilestone.objects.get()
        assert milestone.evidence.name.endswith(f".{extension}")
        for viewer in (staf_hk, pejabat_sumsel):
            client.force_login(viewer)
            page = client.get(reverse("partners:exportmilestone-evidence", args=[milestone.pk]))
            assert_private(page, filename_start=f"export-evidence-{milestone.pk}.{extension}")
            assert page["Content-Type"] == mime
            api = client.get(f"{milestone_url(partner)}{milestone.pk}/evidence/", **bearer(viewer))
            assert_private(api, filename_start=f"export-evidence-{milestone.pk}.{extension}")

    def test_a_file_stored_before_the_check_leaves_as_opaque_bytes(self, client, staf_hk, make_partner):
        partner = make_partner(staf_hk)
        milestone = partner_services.export_milestone_record(
            partner=partner,
            actor=staf_hk,
            destination_country="Malaysia",
            exported_on=datetime.date(2023, 10, 1),
            value=1,
            evidence_note="Invoice",
        )
        milestone.evidence.save("lama.html", ContentFile(b"<script>alert(1)</script>"))
        client.force_login(staf_hk)
        response = client.get(reverse("partners:exportmilestone-evidence", args=[milestone.pk]))
        assert_private(response, filename_start=f"export-evidence-{milestone.pk}.bin")
        assert response["Content-Type"] == "application/octet-stream"


def handed_over_evidence(world) -> Evidence:
    return Evidence.objects.filter(disbursement=world["ogan_ilir_group"]).first()


class TestEveryProtectedDownload:
    """Each file that leaves the app as an attachment is `private, no-store` and `nosniff`."""

    @pytest.mark.parametrize("fmt", ["xlsx", "csv"])
    @pytest.mark.parametrize("viewer", ["staf_hk", "manajer_hk", "pejabat_sumsel", "auditor"])
    def test_partner_export(self, request, client, staf_hk, make_partner, viewer, fmt):
        make_partner(staf_hk)
        client.force_login(request.getfixturevalue(viewer))
        response = client.get(reverse("partners:partner-export", args=[fmt]))
        assert_private(response, filename_start="")

    def test_rejected_import_rows_and_the_template(self, client, staf_hk):
        header = ",".join(COLUMN_NAMES)
        row = "Perak,Budi,123,,,,,16.10,,kerajinan,,,09/11/2023,aktif,"  # a NIK of three digits
        upload = SimpleUploadedFile("mitra.csv", f"{header}\n{row}\n".encode())
        job = partner_services.partner_import_start(actor=staf_hk, uploaded_file=upload)
        client.force_login(staf_hk)
        assert_private(client.get(reverse("partners:import-rejected", args=[job.pk])), filename_start="rejected-rows")
        assert_private(client.get(reverse("partners:import-template")), filename_start="template")

    def test_handover_documents(self, client, world, staf_hk):
        handover = world["ogan_ilir_group"]
        client.force_login(staf_hk)
        for url in (
            reverse("disbursements:handover-bast", args=[handover.pk]),
            reverse("disbursements:handover-scan", args=[handover.pk]),
            reverse("disbursements:evidence-download", args=[handed_over_evidence(world).pk]),
        ):
            assert_private(client.get(url), filename_start="")
        for path in ("bast/", "signed-bast/", f"evidence/{handed_over_evidence(world).pk}/"):
            assert_private(client.get(f"/api/v1/handovers/{handover.pk}/{path}", **bearer(staf_hk)), filename_start="")

    def test_impact_report_files(self, client, world, media, manajer_hk, hk):
        report = test_impact.request_and_produce(manajer_hk, company=hk)
        client.force_login(manajer_hk)
        for fmt in ("pdf", "xlsx"):
            assert_private(
                client.get(reverse("reports:report-download", args=[report.pk, fmt])), filename_start="laporan"
            )
            api = client.get(f"/api/v1/reports/{report.pk}/{fmt}/", **bearer(manajer_hk))
            assert_private(api, filename_start="laporan")

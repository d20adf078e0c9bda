import datetime
import re
import socket
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disbursements import documents
from disbursements.models import Disbursement
from disbursements.services import (
    WitnessData,
    disbursement_approve,
    disbursement_cancel,
    disbursement_hand_over,
    disbursement_submit,
    disbursement_verify,
)
from disbursements.tests.conftest import draft_for
from tjsl.pdf import StaticOnlyURLFetcher, base_url, render_pdf

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
RECEIVER_NIK = "1610014911800003"
WITNESS = WitnessData(name="Ahmad Sulaiman Fikri", position="Wakil Bupati Ogan Ilir")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it, with whitespace collapsed."""
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection is recorded and fails."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture
def ogan_ilir_handover(staf_hk, manajer_hk, program, group) -> Disbursement:
    """The Ogan Ilir case: Rp200.000.000 to a group of 30 on Thursday 9 November 2023, handed over."""
    draft = draft_for(staf_hk, program, recipient=group, witnesses=[WITNESS], receiver_nik=RECEIVER_NIK)
    handover = disbursement_submit(disbursement=draft, actor=staf_hk)
    handover = disbursement_approve(disbursement=handover, actor=manajer_hk)
    return disbursement_hand_over(
        disbursement=handover,
        actor=staf_hk,
        bast_scan=SimpleUploadedFile("bast-ttd.pdf", PDF, content_type="application/pdf"),
        photos=[SimpleUploadedFile("foto.png", PNG, content_type="image/png")],
    )


def verify_url(handover: Disbursement) -> str:
    return "http://testserver" + reverse("disbursements:verify", args=[handover.verification_token])


class TestSafePdfRenderer:
    HOSTILE = """<html><head><link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="/static/../../../etc/passwd"></head>
      <body><p>Sebelum gambar</p><img src="http://127.0.0.1:9/x.png">
      <p>Ditulis pengguna: {{ user_text }}</p><p>Sesudah gambar</p></body></html>"""

    @pytest.fixture
    def hostile_template(self, settings):
        settings.TEMPLATES = [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"hostile.html": self.HOSTILE})]},
            }
        ]

    def test_remote_and_local_urls_are_refused_and_nothing_connects(
        self, hostile_template, no_network, monkeypatch, tmp_path
    ):
        refused = []
        original = StaticOnlyURLFetcher._refuse

        def spy(fetcher, url):
            refused.append(url)
            return original(fetcher, url)

        monkeypatch.setattr(StaticOnlyURLFetcher, "_refuse", spy)
        pdf = render_pdf("hostile.html", {"user_text": '<img src=x> <link href="http://evil.example/">'})
        assert "http://127.0.0.1:9/x.png" in refused
        assert "file:///etc/passwd" in refused
        # What the user typed stayed text: neither their image nor their link was requested.
        assert not [url for url in refused if url.endswith("/x") or "evil.example" in url]
        assert no_network == []
        text = pdf_text(pdf, tmp_path)
        assert "Sebelum gambar" in text and "Sesudah gambar" in text
        assert "<img src=x>" in text

    def test_project_static_files_are_served_and_paths_outside_are_not(self):
        fetcher = StaticOnlyURLFetcher()
        response = fetcher.fetch(base_url() + "disbursements/bast.css")
        assert b"@page" in response.read()
        for url in (base_url() + "../../etc/passwd", "https://tjsl.invalid/etc/passwd", "ftp://example.org/x"):
            with pytest.raises(ValueError):
                fetcher.fetch(url)
        assert len(fetcher.refused) == 3

    def test_data_uris_are_served_in_memory(self, no_network):
        response = StaticOnlyURLFetcher().fetch("data:text/plain;base64,aGFsbw==")
        assert response.read() == b"halo"
        assert no_network == []


class TestIndonesianWording:
    def test_date_is_written_out_in_indonesian(self):
        words = documents.date_in_words_id(datetime.date(2023, 11, 9))
        assert words == "Kamis, tanggal sembilan bulan November tahun dua ribu dua puluh tiga"

    def test_quantities_use_a_decimal_comma_without_trailing_zeros(self):
        from decimal import Decimal

        assert documents.quantity_id(Decimal("30.00")) == "30"
        assert documents.quantity_id(Decimal("2.50")) == "2,5"

    def test_download_name_is_made_from_the_number(self, ogan_ilir_handover):
        assert documents.document_filename(ogan_ilir_handover) == "BAST-HK-TJSL-2023-0001.pdf"


class TestBastPdf:
    def test_ogan_ilir_bast_holds_the_whole_record(self, client, staf_hk, ogan_ilir_handover, tmp_path):
        client.force_login(staf_hk)
        response = client.get(reverse("disbursements:handover-bast", args=[ogan_ilir_handover.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="BAST-HK-TJSL-2023-0001.pdf"'
        text = pdf_text(response.content, tmp_path)
        for expected in (
            "BERITA ACARA SERAH TERIMA BANTUAN",
            "HK/TJSL/2023/0001",
            "Kamis, tanggal sembilan bulan November tahun dua ribu dua puluh tiga",
            "Kantor Bupati Ogan Ilir, Tanjung Senai",
            "Rp200.000.000",
            "dua ratus juta rupiah",
            "Kelompok Usaha Karya Usang Sungging",
            "Kepala Unit TJSL",
            "Kepala Dinas Perindustrian, Perdagangan, Koperasi dan UKM",
            "Mengetahui",
            "Ahmad Sulaiman Fikri",
            "Wakil Bupati Ogan Ilir",
            "Perajin 01",
            "Perajin 30",
            "Rp6.666.667",
            "dalam keadaan baik",
            "HK Peduli Kreatif",
        ):
            assert expected in text, expected
        assert re.search(r"Halaman 1 dari [23]", text)
        assert "DRAF" not in text

    def test_staff_see_the_receivers_nik_and_officials_see_it_masked(
        self, client, staf_hk, pejabat_sumsel, ogan_ilir_handover, tmp_path
    ):
        url = reverse("disbursements:handover-bast", args=[ogan_ilir_handover.pk])
        client.force_login(staf_hk)
        assert RECEIVER_NIK in pdf_text(client.get(url).content, tmp_path)
        client.force_login(pejabat_sumsel)
        text = pdf_text(client.get(url).content, tmp_path)
        assert RECEIVER_NIK not in text and "1610" in text and "0003" in text

    def test_member_attachment_names_members_without_their_nik(self, client, staf_hk, program, group, tmp_path):
        member = group.memberships.first().partner
        member.owner_nik = "1610015005900007"
        member.save()
        draft = draft_for(staf_hk, program, recipient=group)
        handover = disbursement_submit(disbursement=draft, actor=staf_hk)
        client.force_login(staf_hk)
        text = pdf_text(client.get(reverse("disbursements:handover-bast", args=[handover.pk])).content, tmp_path)
        assert member.business_name in text
        assert "1610015005900007" not in text

    def test_draft_is_marked_draf_and_carries_no_number(self, client, staf_hk, program, partner, tmp_path):
        draft = draft_for(staf_hk, program, recipient=partner)
        client.force_login(staf_hk)
        response = client.get(reverse("disbursements:handover-bast", args=[draft.pk]))
        assert response["Content-Disposition"] == f'attachment; filename="BAST-DRAF-{draft.pk}.pdf"'
        text = pdf_text(response.content, tmp_path)
        assert "DRAF" in text and "/TJSL/" not in text

    def test_cancelled_draft_is_marked_cancelled(self, client, staf_hk, program, partner, tmp_path):
        draft = disbursement_cancel(disbursement=draft_for(staf_hk, program, recipient=partner), actor=staf_hk)
        client.force_login(staf_hk)
        text = pdf_text(client.get(reverse("disbursements:handover-bast", args=[draft.pk])).content, tmp_path)
        assert "DIBATALKAN" in text and "/TJSL/" not in text

    def test_qr_code_is_built_from_the_public_verification_url(self, ogan_ilir_handover, rf, staf_hk):
        request = rf.get("/")
        url = documents.verification_url(ogan_ilir_handover, request)
        assert url == verify_url(ogan_ilir_handover)
        context = documents.bast_context(disbursement=ogan_ilir_handover, user=staf_hk, verify_url=url)
        assert context["qr"] == documents.qr_data_uri(url)
        assert context["qr"].startswith("data:image/svg+xml;base64,")

    def test_qr_code_in_the_pdf_decodes_to_the_verification_page(self, client, staf_hk, ogan_ilir_handover, tmp_path):
        zxingcpp = pytest.importorskip("zxingcpp")
        from PIL import Image

        client.force_login(staf_hk)
        (tmp_path / "bast.pdf").write_bytes(
            client.get(reverse("disbursements:handover-bast", args=[ogan_ilir_handover.pk])).content
        )
        subprocess.run(
            ["pdftoppm", "-png", "-r", "150", str(tmp_path / "bast.pdf"), str(tmp_path / "page")], check=True
        )
        decoded = {
            barcode.text
            for page in sorted(tmp_path.glob("page*.png"))
            for barcode in zxingcpp.read_barcodes(Image.open(page).convert("L"))
        }
        assert decoded == {verify_url(ogan_ilir_handover)}
        public = client.__class__().get(verify_url(ogan_ilir_handover).removeprefix("http://testserver"))
        assert public.status_code == 200 and b"HK/TJSL/2023/0001" in public.content

    def test_reading_another_regions_handover_is_not_found(self, client, pejabat_maluku, ogan_ilir_handover):
        client.force_login(pejabat_maluku)
        response = client.get(reverse("disbursements:handover-bast", args=[ogan_ilir_handover.pk]))
        assert response.status_code == 404

    def test_anonymous_visitor_is_sent_to_login(self, client, ogan_ilir_handover):
        response = client.get(reverse("disbursements:handover-bast", args=[ogan_ilir_handover.pk]))
        assert response.status_code == 302 and "login" in response["Location"]


class TestPrivateDownloads:
    def urls(self, handover):
        return [
            reverse("disbursements:handover-scan", args=[handover.pk]),
            reverse("disbursements:evidence-download", args=[handover.evidence.get().pk]),
        ]

    def test_official_of_the_region_downloads_scan_and_photo_as_attachments(
        self, client, pejabat_sumsel, ogan_ilir_handover
    ):
        client.force_login(pejabat_sumsel)
        scan, photo = (client.get(url) for url in self.urls(ogan_ilir_handover))
        assert scan.status_code == 200 and photo.status_code == 200
        assert scan["Content-Type"] == "application/pdf" and b"".join(scan.streaming_content) == PDF
        assert photo["Content-Type"] == "image/png" and b"".join(photo.streaming_content) == PNG
        assert scan["Content-Disposition"] == 'attachment; filename="BAST-HK-TJSL-2023-0001-ditandatangani.pdf"'
        photo_pk = ogan_ilir_handover.evidence.get().pk
        assert photo["Content-Disposition"] == f'attachment; filename="BAST-HK-TJSL-2023-0001-foto-{photo_pk}.png"'
        for response in (scan, photo):
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "private" not in response["Content-Disposition"]  # the storage path never shows

    def test_official_of_another_region_gets_not_found(self, client, pejabat_maluku, ogan_ilir_handover):
        client.force_login(pejabat_maluku)
        assert [client.get(url).status_code for url in self.urls(ogan_ilir_handover)] == [404, 404]

    def test_other_company_staff_get_not_found(self, client, staf_pln, ogan_ilir_handover):
        client.force_login(staf_pln)
        assert [client.get(url).status_code for url in self.urls(ogan_ilir_handover)] == [404, 404]

    def test_anonymous_visitor_is_sent_to_login(self, client, ogan_ilir_handover):
        for url in self.urls(ogan_ilir_handover):
            response = client.get(url)
            assert response.status_code == 302 and "login" in response["Location"]

    def test_handover_without_a_signed_scan_has_nothing_to_download(self, client, staf_hk, program, partner):
        draft = draft_for(staf_hk, program, recipient=partner)
        client.force_login(staf_hk)
        assert client.get(reverse("disbursements:handover-scan", args=[draft.pk])).status_code == 404


class TestVerificationPage:
    def test_anyone_sees_number_total_and_status_but_nothing_personal(
        self, client, manajer_hk, ogan_ilir_handover, group, django_assert_max_num_queries
    ):
        handover = disbursement_verify(disbursement=ogan_ilir_handover, actor=manajer_hk)
        client.cookies["django_language"] = "en"
        with django_assert_max_num_queries(3):
            response = client.get(reverse("disbursements:verify", args=[handover.verification_token]))
        assert response.status_code == 200
        page = response.content.decode()
        for shown in ("HK/TJSL/2023/0001", "Rp200.000.000", "HK Peduli Kreatif", group.name, "Verified"):
            assert shown in page, shown
        for hidden in (RECEIVER_NIK, "Perajin 01", "Pemilik Perajin", "Kepala Dinas", "Ahmad Sulaiman"):
            assert hidden not in page, hidden
        assert response["X-Robots-Tag"].startswith("noindex")

    def test_unknown_token_is_a_plain_not_found(self, client):
        assert client.get(reverse("disbursements:verify", args=["no-such-token"])).status_code == 404

    def test_a_draft_is_not_a_valid_handover(self, client, staf_hk, program, partner):
        draft = draft_for(staf_hk, program, recipient=partner)
        client.cookies["django_language"] = "en"
        response = client.get(reverse("disbursements:verify", args=[draft.verification_token]))
        assert response.status_code == 404
        assert b"Not a valid handover record" in response.content
        assert partner.business_name.encode() not in response.content

    def test_only_get_is_allowed(self, client, ogan_ilir_handover):
        response = client.post(reverse("disbursements:verify", args=[ogan_ilir_handover.verification_token]))
        assert response.status_code == 405

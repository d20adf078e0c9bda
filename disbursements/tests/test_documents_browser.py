"""In a real browser: the BAST downloads for staff, and its QR link verifies without an account."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import browser_login, requires_chromium
from disbursements.services import disbursement_approve, disbursement_hand_over, disbursement_submit
from disbursements.tests.conftest import draft_for
from disbursements.tests.test_documents import PDF, PNG

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def handed_over(live_db, settings, tmp_path, staf_hk, manajer_hk, program, group):
    settings.MEDIA_ROOT = tmp_path / "media"
    handover = disbursement_submit(disbursement=draft_for(staf_hk, program, recipient=group), actor=staf_hk)
    handover = disbursement_approve(disbursement=handover, actor=manajer_hk)
    return disbursement_hand_over(
        disbursement=handover,
        actor=staf_hk,
        bast_scan=SimpleUploadedFile("bast.pdf", PDF, content_type="application/pdf"),
        photos=[SimpleUploadedFile("foto.png", PNG, content_type="image/png")],
    )


def test_staff_download_the_bast_and_its_qr_link_verifies_anonymously(page, live_server, handed_over, tmp_path):
    browser_login(page, "staf.hk")
    response = page.request.get(reverse("disbursements:handover-bast", args=[handed_over.pk]))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    (tmp_path / "bast.pdf").write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(tmp_path / "bast.pdf"), "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())
    assert "HK/TJSL/2023/0001" in text and "Rp200.000.000" in text and "dua ratus juta rupiah" in text

    page.context.clear_cookies()
    verify_path = reverse("disbursements:verify", args=[handed_over.verification_token])
    assert f"{live_server.url}{verify_path}" in text
    page.goto(verify_path)
    assert "HK/TJSL/2023/0001" in page.inner_text("main")
    assert "Rp200.000.000" in page.inner_text("main")
    assert "/accounts/login/" not in page.url

"""The whole handover journey in headless Chromium: entry, approval, hand-over, BAST, QR page."""

import subprocess

import pytest

from conftest import browser_login, requires_chromium
from disbursements.models import Disbursement, Status
from disbursements.tests.test_services import PDF, PNG

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def fill_item(page, index: int, kind: str, description: str, quantity: str, unit: str, value: str) -> None:
    page.select_option(f"select[name=items-{index}-kind]", kind)
    page.fill(f"input[name=items-{index}-description]", description)
    page.fill(f"input[name=items-{index}-quantity]", quantity)
    page.fill(f"input[name=items-{index}-unit]", unit)
    page.fill(f"input[name=items-{index}-unit_value]", value)


def test_group_handover_from_entry_to_verified_bast(
    page, live_server, live_db, settings, tmp_path, staf_hk, manajer_hk, program, group
):
    settings.MEDIA_ROOT = tmp_path / "media"

    # Staff enter the handover for the group, with two items, and submit it.
    browser_login(page, "staf.hk")
    page.goto("/handovers/new/")
    # The date first: the program select then offers the programs running on that day.
    page.fill("input[name=handed_on]", "09/11/2023")
    page.press("input[name=handed_on]", "Tab")
    page.wait_for_selector(f"select[name=program] option[value='{program.pk}']", state="attached")
    page.select_option("select[name=program]", str(program.pk))
    page.fill("#recipient-search", "Sungging")
    page.click(f"[data-recipient='g:{group.pk}']")
    assert "Kelompok Usaha Karya Usang Sungging" in page.inner_text("#recipient-chosen")
    page.select_option("select[name=place_province]", label="Sumatera Selatan")
    page.wait_for_selector("select[name=place_regency] option:has-text('Kabupaten Ogan Ilir')", state="attached")
    page.select_option("select[name=place_regency]", label="Kabupaten Ogan Ilir")
    page.fill("input[name=place]", "Kantor Bupati Ogan Ilir, Tanjung Senai")
    page.fill("input[name=giver_name]", "Kepala Unit TJSL")
    page.fill("input[name=receiver_name]", "Kepala Dinas Perindustrian, Perdagangan, Koperasi dan UKM")
    fill_item(page, 0, "peralatan", "Peralatan produksi perak dan tembaga", "30", "paket", "4000000")
    page.click("#item-add")
    fill_item(page, 1, "bahan_baku", "Bahan baku perak dan tembaga", "1", "lot", "80000000")
    assert page.inner_text("#items-grand-total") == "Rp200.000.000"  # updated as they type
    page.click("button[name=submit]")
    page.wait_for_url("**/handovers/*/")
    handover = Disbursement.objects.get()
    assert handover.status == Status.SUBMITTED and handover.total == 200_000_000
    assert handover.allocations.count() == 30

    # A manager approves it from the queue.
    page.context.clear_cookies()
    browser_login(page, "manajer.hk")
    page.goto("/handovers/queue/")
    page.click(f"a[href='/handovers/{handover.pk}/']")
    page.click("form[action$='/approve/'] button[type=submit]")
    page.wait_for_selector("text=HK/TJSL/2023/0001")

    # Staff mark it handed over with the signed scan and a photo.
    page.context.clear_cookies()
    browser_login(page, "staf.hk")
    page.goto(f"/handovers/{handover.pk}/")
    (tmp_path / "bast-ttd.pdf").write_bytes(PDF)
    (tmp_path / "foto.png").write_bytes(PNG)
    page.set_input_files("input[name=bast_scan]", str(tmp_path / "bast-ttd.pdf"))
    page.set_input_files("input[name=photos]", str(tmp_path / "foto.png"))
    page.click("form[action$='/hand-over/'] button[type=submit]")
    page.wait_for_selector(".badge.status-handed_over")

    # The generated BAST, read back as text, holds the number, the amount and the words.
    with page.expect_download() as download_info:
        page.click("a[href$='/bast.pdf']")
    pdf_path = tmp_path / "bast.pdf"
    download_info.value.save_as(pdf_path)
    text = " ".join(subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True).stdout.split())
    assert "HK/TJSL/2023/0001" in text
    assert "Rp200.000.000" in text
    assert "dua ratus juta rupiah" in text

    # The QR code's page verifies it without an account.
    page.context.clear_cookies()
    handover.refresh_from_db()
    page.goto(f"/handovers/verify/{handover.verification_token}/")
    record = page.inner_text("main")
    assert "HK/TJSL/2023/0001" in record and "Rp200.000.000" in record
    assert "/accounts/login/" not in page.url

"""A member of staff opens an approved handover of three items on a phone-sized screen and on a
desktop, then marks it handed over with the signed scan and two photos chosen in the file chooser."""

import pytest
from playwright.sync_api import expect

from conftest import requires_chromium
from disbursements.services import disbursement_approve
from disbursements.tests.conftest import submitted_for, three_items
from disbursements.tests.test_services import PDF, PNG
from tjsl.tests.person import screen_for
from tjsl.tests.test_journey_handover_items import log_in

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def approved(live_db, settings, tmp_path, staf_hk, manajer_hk, program, partner):
    settings.MEDIA_ROOT = tmp_path / "media"
    handover = submitted_for(staf_hk, program, recipient=partner, items=three_items())
    return disbursement_approve(disbursement=handover, actor=manajer_hk)


def test_staff_read_the_items_and_hand_over_with_two_photos(page, approved, request, tmp_path):
    screen = screen_for(page, request)
    log_in(page, "staf.hk")
    page.goto(f"/handovers/{approved.pk}/")
    items = page.locator("#handover-items")
    expect(items).to_contain_text("Perak murni")
    expect(items).to_contain_text("2,5 kg")
    expect(items).to_contain_text("Rp4.750.000")
    expect(items).not_to_contain_text("2.50")
    screen.check("detail-three-items")

    page.set_viewport_size({"width": 360, "height": 740})
    silver = items.get_by_role("row").filter(has_text="Perak murni")
    # On a phone each value sits beside its own label.
    expect(silver.get_by_role("cell", name="Jumlah 2,5 kg")).to_be_visible()
    expect(silver.get_by_role("cell", name="Total Rp4.750.000")).to_be_visible()

    (tmp_path / "bast-ttd.pdf").write_bytes(PDF)
    for name in ("depan.png", "samping.png"):
        (tmp_path / name).write_bytes(PNG)
    page.get_by_label("Pindaian BAST bertanda tangan (PDF, maks. 20 MB)").set_input_files(tmp_path / "bast-ttd.pdf")
    with page.expect_file_chooser() as chooser_info:
        page.get_by_label("Foto (JPEG, PNG, atau WebP, maks. 10 MB per foto)").click()
    chooser = chooser_info.value
    assert chooser.is_multiple()
    chooser.set_files([tmp_path / "depan.png", tmp_path / "samping.png"])
    page.get_by_role("button", name="Tandai sudah diserahterimakan").click()

    expect(page.get_by_text("Ditandai sudah diserahterimakan.")).to_be_visible()
    expect(page.get_by_role("link", name="Foto 1")).to_be_visible()
    expect(page.get_by_role("link", name="Foto 2")).to_be_visible()
    screen.check("handed-over-two-photos")
    assert approved.evidence.count() == 2

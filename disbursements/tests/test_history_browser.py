"""In Chromium: a manager opens a handover's full change history from the handover page, reads
it on a wide screen and on a phone, and prints it without the menu."""

import pytest
from playwright.sync_api import expect

from conftest import requires_chromium
from disbursements.services import disbursement_approve
from disbursements.tests.conftest import submitted_for
from tjsl.tests.person import screen_for
from tjsl.tests.test_journey_handover_items import log_in

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def approved(live_db, staf_hk, manajer_hk, program, partner):
    handover = submitted_for(staf_hk, program, recipient=partner, total=20_000_000)
    return disbursement_approve(disbursement=handover, actor=manajer_hk)


def test_a_manager_reads_the_change_history_of_a_handover(page, approved, request):
    screen = screen_for(page, request)
    log_in(page, "manajer.hk")
    page.goto(f"/handovers/{approved.pk}/")
    page.get_by_role("link", name="Riwayat perubahan lengkap").click()
    expect(page.get_by_role("heading", name="Riwayat perubahan HK/TJSL/2023/0001")).to_be_visible()
    history = page.locator("#history")
    expect(history).to_contain_text("Nomor: – → HK/TJSL/2023/0001")
    expect(history).to_contain_text("Status: Diajukan → Disetujui")
    expect(history).to_contain_text("Harga satuan (Rp): – → Rp12.000.000")
    screen.check("history")

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Navigasi utama")).to_be_hidden()
    expect(history).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("navigation", name="Jejak halaman").get_by_role("link", name="HK/TJSL/2023/0001").click()
    expect(page.get_by_role("link", name="Riwayat perubahan lengkap")).to_be_visible()

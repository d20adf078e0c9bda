"""In Chromium: a person types into the menu's search box, opens a result, follows the
breadcrumbs back, prints the page; on a phone the box sits in the folded menu."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from conftest import requires_chromium
from tjsl.tests.person import screen_for
from tjsl.tests.test_journey_handover_items import log_in

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_world(live_db, world, pejabat_sumsel):
    return world


def search_from_menu(page, term: str) -> None:
    box = page.get_by_label("Cari mitra binaan, kelompok, dan penyaluran")
    if not box.is_visible():  # a phone: the menu is folded
        page.get_by_role("button", name="Buka/tutup navigasi").click()
    box.press_sequentially(term)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("button", name="Cari").click()
    page.wait_for_url("**/search/?q=*")


def test_staff_search_open_a_partner_and_go_back_by_the_breadcrumb(page, live_world, request):
    screen = screen_for(page, request)
    log_in(page, "staf.hk")
    search_from_menu(page, "Perak")
    expect(page.locator("#search-total")).to_have_text("2 hasil untuk “Perak”")
    expect(page.locator("#results-partners")).to_contain_text("Perak Tanjung Senai")
    expect(page.locator("#results-handovers")).to_contain_text("Tidak ada hasil.")
    screen.check("results")

    page.get_by_role("link", name="Perak Tanjung Senai").click()
    crumbs = page.get_by_role("navigation", name="Jejak halaman")
    expect(crumbs).to_contain_text("Perak Tanjung Senai")
    screen.check("partner-detail")

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Navigasi utama")).to_be_hidden()
    expect(crumbs).to_be_hidden()
    expect(page.get_by_role("link", name="Penyaluran baru untuk mitra binaan ini")).to_be_hidden()
    expect(page.get_by_role("heading", name="Perak Tanjung Senai")).to_be_visible()
    page.emulate_media(media="screen")

    crumbs.get_by_role("link", name="Mitra binaan").click()
    expect(page).to_have_url(re.compile(r"/partners/$"))


def test_on_a_phone_search_a_handover_number_and_print_it(page, live_world, request, tmp_path):
    screen = screen_for(page, request)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "staf.hk")
    search_from_menu(page, "HK/TJSL/2023")
    expect(page.locator("#results-handovers")).to_contain_text("HK/TJSL/2023/0001")
    expect(page.locator("#results-handovers")).not_to_contain_text("PLN/TJSL")
    screen.check("handover-results")

    page.get_by_role("link", name="HK/TJSL/2023/0001").click()
    expect(page.get_by_role("navigation", name="Jejak halaman").get_by_role("link", name="Penyaluran")).to_be_visible()
    screen.check("handover-detail")

    pdf = tmp_path / "handover.pdf"
    page.pdf(path=str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "HK/TJSL/2023/0001" in text and "Alat cetak perak" in text and "Rp20.000.000" in text
    for absent in ("Keluar", "Unduh BAST (PDF)", "Jejak halaman", "Cari"):
        assert absent not in text, absent


def test_an_official_finds_nothing_of_another_region(page, live_world, request):
    screen = screen_for(page, request)
    log_in(page, "pejabat.sumsel")
    search_from_menu(page, "Mutiara")
    expect(page.locator("#search-total")).to_have_text("0 hasil untuk “Mutiara”")
    expect(page.get_by_text("Tidak ada hasil.")).to_have_count(3)
    screen.check("nothing-found")

"""In a real browser: the Sumatera Selatan official finds the Ogan Ilir handover; Maluku's does not."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import browser_login, requires_chromium
from tjsl.tests.person import screen_for

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_sumsel_official_finds_ogan_ilir_and_maluku_official_does_not(
    page, live_server, world, pejabat_sumsel, pejabat_maluku
):
    url = f"{live_server.url}{reverse('reports:dashboard')}?period=2023-11&region=16.10"
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    browser_login(page, "pejabat.sumsel")
    page.goto(url)
    assert page.locator("#figure-net").inner_text().strip() == "Rp250.000.000"
    assert page.locator("#figure-beneficiaries").inner_text().strip() == "31"
    # The group handover of Rp200.000.000 is the one handed over (realised) in November 2023.
    assert page.locator("#figure-realised").inner_text().strip() == "Rp200.000.000"
    assert "Rp250.000.000" in page.locator("#table-regions").inner_text()
    page.goto(f"{live_server.url}{reverse('reports:dashboard')}?period=2023-11&region=16.10&sector=kerajinan")
    assert page.locator("#figure-beneficiaries").inner_text().strip() == "30"  # the group's 30 craftsmen
    charts = page.locator("img.dashboard-chart")
    assert charts.count() >= 5
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert not [e for e in errors if "Content Security Policy" in e]

    page.context.clear_cookies()
    browser_login(page, "pejabat.maluku")
    response = page.goto(url)
    assert response.status == 404
    page.goto(f"{live_server.url}{reverse('reports:dashboard')}?period=2023-11")
    body = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    assert "Ogan Ilir" not in body and "200.000.000" not in body


def test_official_picks_a_period_preset_and_the_figures_follow(page, live_server, world, pejabat_sumsel, request):
    screen = screen_for(page, request)
    this_year = timezone.localdate().year
    browser_login(page, "pejabat.sumsel")
    page.goto(f"{live_server.url}{reverse('reports:dashboard')}")
    # Nothing was handed over since 2023: the page opens on 2023, its latest year with handovers.
    expect(page.locator("#figure-net")).to_have_text("Rp250.000.000")
    expect(page.get_by_text("Periode: 1 Januari 2023 – 31 Desember 2023")).to_be_visible()
    screen.check("opens-on-the-latest-year")

    page.get_by_text("Filter", exact=True).click()
    expect(page.get_by_label("Dari")).to_be_hidden()  # shown for a custom range only
    page.get_by_label("Periode").select_option(label=f"Tahun lalu ({this_year - 1})")
    screen.check("last-year-chosen")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("#figure-net")).to_have_text("Rp0")
    expect(page.locator("#period-empty")).to_contain_text("Tidak ada penyaluran pada periode ini.")
    screen.check("last-year-empty")

    page.get_by_role("link", name="Tampilkan 2023, tahun terakhir yang memiliki penyaluran").click()
    expect(page.locator("#figure-net")).to_have_text("Rp250.000.000")

    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Periode").select_option(label="Rentang tanggal pilihan")
    page.get_by_label("Dari").press_sequentially("01/12/2023")
    page.get_by_label("Sampai").press_sequentially("31/12/2023")
    screen.check("custom-range-typed")
    page.get_by_role("button", name="Terapkan").click()
    # December 2023 holds only the Palembang handover and its reversal: nothing net.
    expect(page.get_by_text("Periode: 1 Desember 2023 – 31 Desember 2023")).to_be_visible()
    expect(page.locator("#figure-net")).to_have_text("Rp0")
    expect(page.locator("#figure-handovers")).to_have_text("0")
    screen.check("custom-range-applied")

"""In a real browser: the Sumatera Selatan official finds the Ogan Ilir handover; Maluku's does not."""

import pytest
from django.urls import reverse

from conftest import browser_login, requires_chromium

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

"""The foundation seen through a real browser (headless Chromium)."""

import pytest

from accounts.roles import Role
from conftest import browser_login, make_user, requires_chromium

pytestmark = requires_chromium


@pytest.fixture
def rina(live_db):
    from accounts.models import Company

    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    return make_user("staf.hk", Role.STAF, company=hk, first_name="Rina")


def test_staff_logs_in_sees_greeting_and_switches_language(page, rina):
    browser_login(page, "staf.hk")
    assert "Selamat datang, Rina" in page.inner_text("main")
    assert "Hutama Karya · Nasional" in page.inner_text("main")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Welcome, Rina" in page.inner_text("main")


def test_page_loads_no_blocked_asset_and_no_script_error(page, rina):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_login(page, "staf.hk")
    page.reload()
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("typeof tjslRupiahValue") == "function"
    assert errors == []


def test_usable_at_phone_width(page, rina):
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, "staf.hk")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click(".navbar-toggler")
    page.wait_for_selector("#nav-main.show")
    assert page.is_visible("text=Beranda")

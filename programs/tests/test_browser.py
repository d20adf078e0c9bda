"""Program pages in a real browser: htmx swaps without a page reload and no CSP violation."""

import pytest
from playwright.sync_api import expect

from accounts.models import Company
from accounts.roles import Role
from conftest import browser_login, make_user, requires_chromium
from partners.models import Partner
from programs.models import Program, Sdg
from programs.tests.conftest import make_partner, make_program

pytestmark = requires_chromium


@pytest.fixture
def manajer(live_db):
    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    return make_user("manajer.hk", Role.MANAJER, company=hk)


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_sdg_choices_follow_the_pillar_without_reload(page, manajer):
    errors = console_errors(page)
    browser_login(page, "manajer.hk")
    page.goto("/programs/new/")
    page.evaluate("window.notReloaded = true")
    page.select_option("select[name=pillar]", "lingkungan")
    page.wait_for_selector("#div_id_sdgs input[name=sdgs]")
    numbers = {
        Sdg.objects.get(pk=int(value)).number
        for value in page.eval_on_selector_all("#div_id_sdgs input[name=sdgs]", "els => els.map(e => e.value)")
    }
    assert numbers == {6, 11, 12, 13, 14, 15}
    page.select_option("select[name=pillar]", "hukum")
    expect(page.locator("#div_id_sdgs input[name=sdgs]")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True
    assert errors == []


def test_partner_search_and_enrolment(page, manajer):
    program = make_program(manajer.company, manajer)
    make_partner("Perak Sungging Jaya")
    errors = console_errors(page)
    browser_login(page, "manajer.hk")
    page.goto(f"/programs/{program.pk}/partners/add/")
    page.fill("#partner-search", "sungging")
    page.wait_for_selector("#candidates >> text=Perak Sungging Jaya")
    page.click("#candidates button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert Program.objects.get().enrollments.get().partner == Partner.objects.get()
    assert errors == []

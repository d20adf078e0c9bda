"""Every main page at a phone's width (360 px): no sideways scrolling, a collapsed menu, and no
"serious" or "critical" finding of axe-core (the copy shipped by axe-playwright-python)."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from conftest import TEST_PASSWORD, make_user, requires_chromium
from disbursements.tests.conftest import draft_for
from partners import services as partner_services
from partners.tests.conftest import nik, partner_data
from tjsl.tests.test_hostile_input import make_program

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def records(live_db):
    from accounts.models import Company

    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    staf = make_user("staf.hk", Role.STAF, company=hk, first_name="Rina")
    make_user("pejabat.sumsel", Role.PEJABAT, region_code="16")
    program = make_program(hk)
    partner = partner_services.partner_create(actor=staf, **partner_data(owner_nik=nik()))
    handover = draft_for(staf, program, recipient=partner, day=datetime.date(2023, 11, 9))
    return program, partner, handover


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized tab; CSP stays on (axe is injected through the DevTools protocol)."""
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page, username: str) -> None:
    page.goto(reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def blocking_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def check(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, url
    problems = [f"{url}: {v}" for v in blocking_violations(page)]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{url}: page body scrolls sideways ({width} px)")
    return problems


def test_login_page(phone, live_db):
    problems = check(phone, reverse("login"))
    assert problems == [], "\n".join(problems)


def test_staff_pages(phone, records):
    program, partner, handover = records
    log_in(phone, "staf.hk")
    urls = [
        reverse("home"),
        reverse("partners:partner-list"),
        reverse("partners:partner-detail", args=[partner.pk]),
        reverse("partners:partner-create"),
        reverse("programs:program-list"),
        reverse("programs:program-detail", args=[program.pk]),
        reverse("disbursements:handover-list"),
        reverse("disbursements:handover-create"),
        reverse("disbursements:handover-detail", args=[handover.pk]),
    ]
    problems = [problem for url in urls for problem in check(phone, url)]
    assert problems == [], "\n".join(problems)


def test_official_dashboard(phone, records):
    log_in(phone, "pejabat.sumsel")
    problems = check(phone, reverse("reports:dashboard"))
    assert problems == [], "\n".join(problems)


def test_menu_collapses_behind_a_button_at_phone_width(phone, records):
    log_in(phone, "staf.hk")
    menu = phone.get_by_role("button", name="Buka/tutup navigasi")
    partners = phone.get_by_role("link", name="Mitra binaan", exact=True)
    expect(partners).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(partners).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    menu.click()
    expect(partners).to_be_hidden()

"""Shared fixtures: companies and one user per role, built like the demo data."""

import datetime
import os
import shutil

import pytest
from django.contrib.auth.models import Group

from accounts.models import Company, User
from accounts.roles import Role
from programs.models import Program, ProgramBudget
from regions.models import Region

TEST_PASSWORD = "correct-horse-battery"

requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)",
)
requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs a Redis server: set REDIS_URL=redis://... (CI does)"
)


def reference_data_ensure() -> None:
    """Regions and role groups come from data migrations; a transactional test's
    flush removes them, so put them back when they are missing."""
    from accounts.roles import roles_create, roles_sync_permissions
    from regions.services import regions_load

    if not Region.objects.exists():
        regions_load()
    roles_create(Group)
    roles_sync_permissions()
    _seed_data_ensure()


def _seed_data_ensure() -> None:
    """Rows that data migrations seed (SDGs, size-class thresholds), back after a flush."""
    from partners.models import SizeClassThreshold
    from partners.sizing import DEFAULT_THRESHOLDS
    from programs.sdgs import sdgs_ensure

    sdgs_ensure()
    for size_class, (max_capital, max_sales) in DEFAULT_THRESHOLDS.items():
        SizeClassThreshold.objects.get_or_create(
            size_class=size_class, defaults={"max_capital": max_capital, "max_sales": max_sales}
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reference_data_ensure()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Indonesian): a request with
    `Accept-Language: en` leaves English active in its thread, and the next test in the
    same process would otherwise inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def _flushes(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test transactionally, emptying every table afterwards."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return any(name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Run alone, pytest-django puts the transactional tests last; pytest-xdist hands files
    to its workers in its own order, so a test in a rolled-back transaction may follow a
    flush. Put the reference data back, outside any transaction, before it does."""
    yield
    if nextitem is not None and _flushes(item) and not _flushes(nextitem):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            reference_data_ensure()


def forget_broker_connections() -> None:
    """Close every pooled broker connection and forget the pools, so that the next message
    goes to the `broker_url` set now. kombu keeps its pools in a registry by URL: closing
    Celery's pool without clearing that registry leaves a closed pool for the next test to
    take ("Acquire on closed pool"), so the registry is cleared with it."""
    from kombu import pools

    from tjsl.celery import app

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Celery pointed at a port where nothing listens; the real broker again afterwards."""
    from tjsl.celery import app

    original = app.conf.broker_url
    forget_broker_connections()
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    app.conf.broker_url = original
    forget_broker_connections()


@pytest.fixture
def live_db(transactional_db):
    """A committed database (for worker threads and live servers) with reference data."""
    reference_data_ensure()


def make_user(username: str, role: Role | None, *, company=None, region_code=None, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=TEST_PASSWORD,
        company=company,
        region=Region.objects.get(code=region_code) if region_code else None,
        **extra,
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def hk(db) -> Company:
    return Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")


@pytest.fixture
def pln(db) -> Company:
    return Company.objects.create(code="PLN", name="PT PLN (Persero)", short_name="PLN")


@pytest.fixture
def staf_hk(hk) -> User:
    return make_user("staf.hk", Role.STAF, company=hk, first_name="Rina")


@pytest.fixture
def manajer_hk(hk) -> User:
    return make_user("manajer.hk", Role.MANAJER, company=hk)


@pytest.fixture
def staf_pln(pln) -> User:
    return make_user("staf.pln", Role.STAF, company=pln)


@pytest.fixture
def pejabat_sumsel(db) -> User:
    return make_user("pejabat.sumsel", Role.PEJABAT, region_code="16")


@pytest.fixture
def pejabat_maluku(db) -> User:
    return make_user("pejabat.maluku", Role.PEJABAT, region_code="81")


@pytest.fixture
def auditor(db) -> User:
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def admin_user(db) -> User:
    return make_user("admin", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def wait_until(predicate, *, timeout: float = 30.0, interval: float = 0.1) -> bool:
    """Poll until `predicate()` is true; for work done by another process or thread."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# --- Browser journeys ------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
requires_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium chromium-driver; CI does)"
)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls that
    # tests make around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, live_db):
    """A fresh browser tab on the live server, in Indonesian, with downloads allowed."""
    context = browser.new_context(base_url=live_server.url, locale="id-ID", accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def browser_login(page, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def make_program(company, *, code="HK-PK", status="aktif") -> Program:
    """HK Peduli Kreatif: 2023-2025, Rp750.000.000 for 2023, as in the demo."""
    program = Program.objects.create(
        company=company,
        code=code,
        name="HK Peduli Kreatif",
        pillar="ekonomi",
        support_form="bantuan",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        status=status,
    )
    ProgramBudget.objects.create(program=program, year=2023, amount=750_000_000)
    return program


def problem_fields(response) -> dict:
    """The errors of an API problem response (application/problem+json) as {field: [messages]};
    the key None holds the errors of the request as a whole."""
    assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
    fields: dict = {}
    for error in response.json().get("errors", []):
        fields.setdefault(error["field"], []).append(error["message"])
    return fields

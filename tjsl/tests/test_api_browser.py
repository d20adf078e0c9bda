"""The interactive API documentation in a real browser: it loads under the Content-Security-Policy."""

import pytest

from accounts.roles import Role
from conftest import browser_login, make_user, requires_chromium

pytestmark = requires_chromium


@pytest.fixture
def auditor_account(live_db):
    return make_user("auditor", Role.AUDITOR)


def test_docs_render_the_operations_without_console_errors(page, auditor_account):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_login(page, "auditor")
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/regions/" in text for text in paths)
    assert errors == []

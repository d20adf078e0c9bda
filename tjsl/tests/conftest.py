"""Fixtures for the tests that call the API from outside, over HTTP."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture
def demo_api_server(live_server, live_db, settings) -> str:
    """A live server holding the demo data, with rates generous enough that throttling does
    not interfere with a client calling every operation; its base URL."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "10000/hour", "user": "100000/hour", "tokens": "100000/hour"},
    }
    call_command("load_demo_data", force=True, stdout=io.StringIO())
    cache.clear()
    return live_server.url

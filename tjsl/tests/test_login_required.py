"""Every page needs a login except an explicit allow-list."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Route names that anyone may open without an account.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "set_language",
    "verify",
    # The API's schema and its documentation page (the data behind them needs a token).
    "schema",
    "docs",
}


def walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def example_url(route: str) -> str:
    """Turn a route such as 'partners/<int:pk>/' into '/partners/1/'."""
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    # Router routes are regular expressions nested in paths: drop every anchor.
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\/", "/")
    route = re.sub(r"<(?:int:)?(\w+)>", "1", route)
    route = re.sub(r"<(?:str|slug|uuid|path):\w+>", "abc", route)
    return "/" + route


def all_routes():
    return list(walk(get_resolver().url_patterns))


def private_routes():
    return [(route, pattern) for route, pattern in all_routes() if pattern.name not in PUBLIC]


def test_the_walk_sees_the_project_routes():
    names = {pattern.name for _route, pattern in all_routes()}
    assert {"home", "healthz", "login", "accounts:profile"} & names >= {"home", "healthz", "login"}
    assert {"schema", "docs", "api-root", "me", "region-list"} <= names


@pytest.mark.parametrize(("route", "pattern"), private_routes(), ids=lambda value: str(value)[:60])
def test_anonymous_visitor_is_sent_to_a_login_page(client, route, pattern):
    response = client.get(example_url(route))
    if route.startswith("api/"):
        # The API answers for itself: 401 (or 403) as problem details, never a redirect or content.
        assert response.status_code in (401, 403), f"{route} answered {response.status_code} to an anonymous user"
        assert response["Content-Type"] == "application/problem+json", f"{route} answered {response['Content-Type']}"
        assert set(response.json()) == {"type", "title", "status", "code", "detail"}
        return
    if response.status_code in (301, 302):
        assert "login" in response["Location"], f"{route} redirects to {response['Location']}"
    else:
        # Only 'not found' (a made-up id) or 'method not allowed' may answer without a redirect;
        # never a page with content.
        assert response.status_code in (404, 405), f"{route} answered {response.status_code} to an anonymous user"


def test_public_pages_open_without_login(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/password_reset/").status_code == 200
    assert client.get("/healthz/").status_code in (200, 503)

"""Every URL of the project, walked from the resolver, answers hostile ids and query parameters
without a 5xx, for every role and for an anonymous visitor.

Ids and slugs in the path get values no record has: 0, numbers beyond 64 bits, NUL bytes,
unicode, very long strings. Query parameters are found by asking each view: a first, ordinary
request records every parameter the view reads (forms, filters, pagination, its own code), and
each of them then gets every hostile value on its own, so that one refused parameter does not
hide what another one does. Routes added later are covered without changes here.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.urls import get_resolver
from django.utils.functional import cached_property

from accounts.roles import Role
from conftest import make_user
from disbursements.tests.conftest import draft_for
from partners import services as partner_services
from partners.models import BusinessGroup, Membership
from partners.tests.conftest import partner_data
from programs.models import Program, ProgramBudget
from tjsl.tests.test_login_required import walk  # the same walk of the resolver

pytestmark = pytest.mark.django_db

HUGE = str(2**64)  # beyond any integer column
HOSTILE_IDS = ["0", HUGE, "9" * 40]
HOSTILE_SLUGS = ["0", HUGE, "abc%00", "-1", "%F0%9D%94%98%F0%9D%94%AB", "A" * 300, "%C2%B2"]
# Every parameter gets the first value from every role; the others are spread over the roles
# (each sent by one or two of them), so that the walk stays within a few minutes.
HOSTILE_VALUES = [HUGE]
MORE_HOSTILE_VALUES = [
    "0",
    "abc",
    "\u00b2",  # a digit to str.isdigit(), not to int()
    "-1",
    "9" * 40,
    "\U0001d518\U0001d52b\u202e",
    "A" * 2000,
    "1.5",
    "9999-12",
    "0000",
    "01/01/1000",
    "31/12/9999",
    "",
]
# Routes that the walk leaves out: Django's admin catch-all (a 404 for anything) and logout,
# which would end the session of the role being played.
SKIPPED = {"logout"}
# The schema and its page read only ?format=/?lang= and take a second to build: they are left out
# of the query walk (Schemathesis and the schema tests cover them).
NOT_QUERIED = {"schema", "docs"}


ROUTES = {
    route: pattern.name or ""
    for route, pattern in walk(get_resolver().url_patterns)
    if pattern.name not in SKIPPED and not route.endswith("(?P<url>.*)$")
}
PARAMETER = re.compile(r"\(\?P<(\w+)>([^)]*)\)|<(?:(\w+):)?(\w+)>")


def _clean(route: str) -> str:
    # Router routes are regular expressions nested in paths: drop every anchor.
    return route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\/", "/")


def url_for(route: str, values: dict[str, str] | None = None, *, hostile: tuple[str, str] | None = None) -> str:
    """The route with each parameter replaced: by `values` (real ids), or the one named in
    `hostile` by a hostile value; "1" for the rest."""
    values = values or {}

    def replace(match):
        name = match[1] or match[4]
        if hostile and hostile[0] == name:
            return hostile[1]
        return values.get(name, "1")

    route = PARAMETER.sub(replace, route)
    route = re.sub(r"\(([^)]*)\)", "1", route)  # unnamed groups (admin history)
    return "/" + _clean(route)


def parameters(route: str) -> list[tuple[str, bool]]:
    """(name, numeric only) of each parameter of a route."""
    found = []
    for match in PARAMETER.finditer(route):
        if match[1]:
            found.append((match[1], match[2] in ("[0-9]+", r"\d+")))
        else:
            found.append((match[4], match[3] == "int"))
    return found


# --- The world: one record of each kind, and one user per role ------------------------------


@pytest.fixture
def world(hk, pln, staf_hk, manajer_hk):
    program = Program.objects.create(
        company=hk,
        code="HK-PK",
        name="HK Peduli Kreatif",
        pillar="ekonomi",
        support_form="bantuan",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        status="aktif",
    )
    ProgramBudget.objects.create(program=program, year=2023, amount=750_000_000)
    partner = partner_services.partner_create(actor=staf_hk, **partner_data())
    group = BusinessGroup.objects.create(name="Kelompok Uji", regency=partner.regency)
    membership = Membership.objects.create(group=group, partner=partner, joined_on=datetime.date(2023, 1, 1))
    handover = draft_for(staf_hk, program, recipient=partner)
    return {"program": program, "partner": partner, "group": group, "membership": membership, "handover": handover}


# The record whose id a route's first parameter takes, by the route's beginning.
ROUTE_RECORDS = [
    ("programs/activities/", None),
    ("programs/", "program"),
    ("partners/groups/", "group"),
    ("partners/memberships/", "membership"),
    ("partners/", "partner"),
    ("handovers/", "handover"),
    ("api/v1/^programs/", "program"),
    ("api/v1/^partners/", "partner"),
    ("api/v1/^groups/", "group"),
    ("api/v1/^handovers/", "handover"),
]


def real_values(route: str, world: dict) -> dict[str, str]:
    values = {"fmt": "csv", "name": "trend", "code": "16", "token": world["handover"].verification_token}
    for prefix, record in ROUTE_RECORDS:
        if route.startswith(prefix):
            if record is not None:
                values["pk"] = str(world[record].pk)
            break
    return values


ROLES = {
    "anonymous": None,
    "staf.hk": lambda hk, pln: make_user("staf.hk", Role.STAF, company=hk),
    "manajer.hk": lambda hk, pln: make_user("manajer.hk", Role.MANAJER, company=hk),
    "staf.pln": lambda hk, pln: make_user("staf.pln", Role.STAF, company=pln),
    "pejabat.sumsel": lambda hk, pln: make_user("pejabat.sumsel", Role.PEJABAT, region_code="16"),
    "pejabat.maluku": lambda hk, pln: make_user("pejabat.maluku", Role.PEJABAT, region_code="81"),
    "auditor": lambda hk, pln: make_user("auditor", Role.AUDITOR),
    "admin.hk": lambda hk, pln: make_user("admin.hk", Role.ADMINISTRATOR, company=hk),
    "superuser": lambda hk, pln: make_user("root", Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
}


@pytest.fixture(params=list(ROLES))
def visitor(request, client, world, hk, pln, settings):
    """A client logged in as the role (staff and manager of HK come with the world)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/hour", "user": "100000/hour", "tokens": "100000/hour"},
    }
    cache.clear()
    client.raise_request_exception = False  # a crash must show as the 500 a user would get
    client.role = request.param
    make = ROLES[request.param]
    if make is not None:
        from accounts.models import User

        user = User.objects.filter(username=request.param).first() or make(hk, pln)
        client.force_login(user)
        client.user = user
    return client


def assert_no_server_error(client, url: str, failures: list) -> None:
    response = client.get(url)
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {url[:160]!r}")


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key a view asks for, present or not."""

    asked: set[str] = set()

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.asked.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)


def parameters_read(client, url: str, monkeypatch) -> set[str]:
    """The query parameters the view at `url` reads (none when it does not answer GET). A query
    string is sent (an unknown parameter), since some views build their filters only when there is one."""
    RecordingQueryDict.asked = set()
    url = f"{url}?walk=1"
    recording = cached_property(lambda request: RecordingQueryDict(request.META.get("QUERY_STRING", "")))
    recording.__set_name__(WSGIRequest, "GET")
    with monkeypatch.context() as patch:
        patch.setattr(WSGIRequest, "GET", recording)
        if client.get(url).status_code == 405:
            return set()
    if not url.startswith("/api/v1/?"):
        RecordingQueryDict.asked.discard("format")  # DRF's renderer choice: walked on the API root only
    if url.startswith("/api/") and not url.endswith("s/?walk=1"):
        # DRF's search, ordering and paging: the same backends as the viewset's list, walked there.
        RecordingQueryDict.asked -= {"search", "ordering", "cursor", "page_size"}
    return {key for key in RecordingQueryDict.asked if key != "walk" and (key.isidentifier() or "-" in key)}


def test_the_walk_covers_pages_api_and_admin():
    assert {"handovers/verify/<str:token>/", "api/v1/^programs/$", "reports/dashboard/"} <= set(ROUTES)
    assert "admin/accounts/user/<path:object_id>/change/" in ROUTES
    assert sum(route.startswith("api/") for route in ROUTES) >= 30
    assert url_for("reports/<int:pk>/download/<str:fmt>/", hostile=("fmt", "x")) == "/reports/1/download/x/"
    assert url_for("api/v1/^groups/(?P<pk>[^/]+)/members/(?P<membership_id>[0-9]+)/end/$") == (
        "/api/v1/groups/1/members/1/end/"
    )


def routes_for(client) -> list[str]:
    """Every route; the admin's only for those who may open it (for the others, the admin sends
    every address to its login page before any of its code runs: its index stands for all)."""
    user = getattr(client, "user", None)
    if user is not None and user.is_staff:
        return list(ROUTES)
    return [route for route in ROUTES if not route.startswith("admin/") or route == "admin/"]


def test_hostile_ids_and_slugs_in_the_path_never_answer_5xx(visitor, world):
    failures: list[str] = []
    for route in routes_for(visitor):
        values = real_values(route, world)
        for name, numeric in parameters(route):
            for value in HOSTILE_IDS if numeric else HOSTILE_SLUGS:
                assert_no_server_error(visitor, url_for(route, values, hostile=(name, value)), failures)
    assert not failures, "\n".join(failures)


def values_for(role: str) -> list[str]:
    index = list(ROLES).index(role)
    spread = [MORE_HOSTILE_VALUES[(index + shift) % len(MORE_HOSTILE_VALUES)] for shift in (0, 7)]
    return HOSTILE_VALUES + spread


def test_every_hostile_value_is_sent_by_some_role():
    sent = {value for role in ROLES for value in values_for(role)}
    assert sent == set(HOSTILE_VALUES) | set(MORE_HOSTILE_VALUES)


def test_hostile_query_parameters_never_answer_5xx(visitor, world, monkeypatch):
    failures: list[str] = []
    for route in routes_for(visitor):
        if ROUTES[route] in NOT_QUERIED:
            continue
        if route.startswith("admin/") and not ROUTES[route].endswith(("changelist", "index")):
            continue  # admin forms read their own fields; the change lists read the filters
        url = url_for(route, real_values(route, world))
        for parameter in sorted(parameters_read(visitor, url, monkeypatch)):
            for value in values_for(visitor.role):
                query = QueryDict(mutable=True)
                query[parameter] = value
                assert_no_server_error(visitor, f"{url}?{query.urlencode()}", failures)
    assert not failures, "\n".join(failures)

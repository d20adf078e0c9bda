"""Cursor paging as an integrator meets it: every record exactly once, in any allowed order,
forwards and backwards, whatever ties or empty values; bad orderings and cursors are a 400."""

import base64
import datetime
import itertools
import json

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create
from conftest import problem_fields
from partners.models import Partner
from regions.models import Region

PARTNERS = 114
ORDERINGS = ["joined_on", "-joined_on", "business_name", "-business_name", "joined_on,-business_name", "id", "-id"]


def tampered(data) -> str:
    """A cursor as a curious integrator makes one after decoding ours (base64 of JSON)."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='sync')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def partners(db, admin_user):
    regency = Region.objects.get(code="16.10")
    # Three join dates and four names for 114 partners: most records tie on the ordering field.
    dates = [datetime.date(2023, 11, 9), datetime.date(2024, 1, 15), datetime.date(2024, 3, 1)]
    names = ["Kerajinan Songket", "Warung Pindang", "Kopi Semendo", "Batik Jumputan"]
    return Partner.objects.bulk_create(
        Partner(
            business_name=names[index % len(names)],
            owner_name=f"Pemilik {index}",
            regency=regency,
            region_code=regency.code,
            sector="kerajinan",
            joined_on=dates[index % len(dates)],
        )
        for index in range(PARTNERS)
    )


def walk(client, url: str, headers: dict, *, backwards_from_end: bool = False) -> list[dict]:
    """Follow `next` links from the first page, collecting every record; then, when asked,
    follow `previous` links back from the last page."""
    pages, rows = 0, []
    body = client.get(url, **headers).json()
    rows.extend(body["results"])
    while body["next"]:
        pages += 1
        assert pages <= PARTNERS + 1, "the next links never end"
        body = client.get(body["next"], **headers).json()
        rows.extend(body["results"])
    if not backwards_from_end:
        return rows
    back = list(body["results"])
    while body["previous"]:
        body = client.get(body["previous"], **headers).json()
        back[:0] = body["results"]
    assert back == rows, "walking back gives another sequence than walking forwards"
    return rows


def expected_order(ordering: str) -> list[int]:
    terms = [term.replace("id", "pk") if term.lstrip("-") == "id" else term for term in ordering.split(",")]
    tie = "-pk" if terms[0].startswith("-") else "pk"
    if not any(term.lstrip("-") == "pk" for term in terms):
        terms.append(tie)
    return list(Partner.objects.order_by(*terms).values_list("pk", flat=True))


@pytest.mark.parametrize("page_size", [1, 7, 50])
@pytest.mark.parametrize("ordering", ORDERINGS)
def test_every_partner_comes_exactly_once_in_the_order_asked(client, partners, admin_user, ordering, page_size):
    headers = bearer(admin_user)
    rows = walk(
        client,
        f"/api/v1/partners/?ordering={ordering}&page_size={page_size}",
        headers,
        backwards_from_end=page_size != 1,
    )
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == PARTNERS
    assert ids == expected_order(ordering)


def test_records_added_while_paging_do_not_shift_the_pages(client, partners, admin_user):
    headers = bearer(admin_user)
    first = client.get("/api/v1/partners/?ordering=joined_on&page_size=10", **headers).json()
    seen = [row["id"] for row in first["results"]]
    # A record that sorts before the cursor arrives: the following pages neither repeat nor skip.
    Partner.objects.filter(pk=partners[0].pk).update(joined_on=datetime.date(2020, 1, 1))
    second = client.get(first["next"], **headers).json()
    following = [row["id"] for row in second["results"]]
    assert not set(seen) & set(following)
    assert following == expected_order("joined_on")[10:20]


def test_empty_values_sort_last_both_ways_and_page_without_loss(client, admin_user):
    now = timezone.now()
    tokens = [api_token_create(user=admin_user, name=f"sistem {n}")[0] for n in range(9)]
    for token, used in zip(tokens, itertools.cycle([now, None, now - datetime.timedelta(days=1)]), strict=False):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=used)
    headers = bearer(admin_user)  # a tenth token: the one that reads, used now
    for ordering in ("last_used_at", "-last_used_at"):
        rows = walk(client, f"/api/v1/tokens/?ordering={ordering}&page_size=2", headers, backwards_from_end=True)
        assert len({row["id"] for row in rows}) == len(rows) == 10
        used = [row["last_used_at"] for row in rows]
        assert used[-3:] == [None, None, None], used
        assert None not in used[:-3]


def test_an_unknown_ordering_is_refused_with_its_name_and_the_choices(client, partners, admin_user):
    response = client.get("/api/v1/partners/?ordering=owner_nik,-joined_on", **bearer(admin_user))
    assert response.status_code == 400
    [message] = problem_fields(response)["ordering"]
    assert "owner_nik" in message and "business_name" in message and "joined_on" in message


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        tampered({"o": ["pk"], "v": [1], "r": False}),  # made for another ordering
        tampered({"o": ["-pk"], "v": ["x"], "r": False}),  # an id that is no number
        tampered({"o": ["-pk"], "v": [1, 2], "r": False}),  # two values for one field
        tampered({"o": ["-pk"], "v": [None], "r": False}),  # an empty id
        tampered(["-pk"]),
    ],
)
def test_a_cursor_that_is_not_ours_is_a_400(client, partners, admin_user, cursor):
    response = client.get(f"/api/v1/partners/?ordering=-id&cursor={cursor}", **bearer(admin_user))
    assert response.status_code == 400
    assert list(problem_fields(response)) == ["cursor"]


def test_the_count_is_given_when_asked_and_follows_the_filters(client, partners, admin_user):
    headers = bearer(admin_user)
    plain = client.get("/api/v1/partners/?page_size=5", **headers).json()
    assert "count" not in plain
    counted = client.get("/api/v1/partners/?page_size=5&count=true", **headers).json()
    assert counted["count"] == PARTNERS and counted["count_capped"] is False and len(counted["results"]) == 5
    filtered = client.get("/api/v1/partners/?search=Songket&count=true", **headers).json()
    assert filtered["count"] == Partner.objects.filter(business_name__icontains="Songket").count() == 29
    assert client.get("/api/v1/partners/?count=maybe", **headers).status_code == 400

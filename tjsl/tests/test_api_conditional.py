"""Two systems on one record, as integrators meet them: ETag and If-None-Match spare a
download when nothing changed, If-Match keeps one system from overwriting another's change
unseen, a 201 says where the new record lives, and RateLimit headers warn before a 429."""

import datetime

import pytest
from django.core.cache import cache

from accounts.services import api_token_create
from conftest import make_program, problem_fields
from disbursements.tests.conftest import draft_for, make_partner
from partners import services as partner_services
from partners.models import BusinessGroup, Membership
from partners.tests.conftest import partner_data
from regions.models import Region

PARTNERS = "/api/v1/partners/"


def bearer(user, name="erp") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name=name)[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


@pytest.fixture
def partner(staf_hk):
    return partner_services.partner_create(actor=staf_hk, **partner_data())


def patch(client, url, body, headers, **extra):
    return client.patch(url, body, content_type="application/json", **headers, **extra)


class TestReading:
    def test_a_record_read_again_unchanged_is_a_304_without_a_body(self, client, staf_hk, partner):
        headers = bearer(staf_hk)
        url = f"{PARTNERS}{partner.pk}/"
        first = client.get(url, **headers)
        etag = first["ETag"]
        assert first.status_code == 200 and etag.startswith('"')
        again = client.get(url, HTTP_IF_NONE_MATCH=etag, **headers)
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
        assert client.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}", **headers).status_code == 304

        assert patch(client, url, {"notes": "Pindah ke pasar Tanjung Batu"}, headers).status_code == 200
        changed = client.get(url, HTTP_IF_NONE_MATCH=etag, **headers)
        assert changed.status_code == 200 and changed["ETag"] != etag
        assert changed.json()["notes"] == "Pindah ke pasar Tanjung Batu"

    def test_a_list_is_tagged_too_and_changes_tag_with_any_record(self, client, staf_hk, partner):
        headers = bearer(staf_hk)
        first = client.get(PARTNERS, **headers)
        assert client.get(PARTNERS, HTTP_IF_NONE_MATCH=first["ETag"], **headers).status_code == 304
        partner_services.partner_create(actor=staf_hk, **partner_data(business_name="Warung Pindang Bu Sari"))
        assert client.get(PARTNERS, HTTP_IF_NONE_MATCH=first["ETag"], **headers).status_code == 200

    def test_the_tag_of_one_reader_tells_nothing_to_another(self, client, staf_hk, pejabat_maluku, partner):
        """A Maluku official cannot confirm that a record in Sumatera Selatan exists by its tag."""
        etag = client.get(f"{PARTNERS}{partner.pk}/", **bearer(staf_hk))["ETag"]
        response = client.get(f"{PARTNERS}{partner.pk}/", HTTP_IF_NONE_MATCH=etag, **bearer(pejabat_maluku))
        assert response.status_code == 404


class TestWriting:
    def test_the_second_of_two_systems_gets_a_412_and_the_first_change_stays(self, client, staf_hk, partner):
        erp, portal = bearer(staf_hk, "erp"), bearer(staf_hk, "portal")
        url = f"{PARTNERS}{partner.pk}/"
        etag = client.get(url, **erp)["ETag"]
        assert client.get(url, **portal)["ETag"] == etag

        first = patch(client, url, {"phone": "+6281111111111"}, erp, HTTP_IF_MATCH=etag)
        assert first.status_code == 200
        second = patch(client, url, {"phone": "+6282222222222"}, portal, HTTP_IF_MATCH=etag)
        assert second.status_code == 412
        assert second["Content-Type"] == "application/problem+json"
        assert second.json()["code"] == "precondition_failed"
        partner.refresh_from_db()
        assert partner.phone == "+6281111111111"

        fresh = client.get(url, **portal)["ETag"]
        assert patch(client, url, {"phone": "+6282222222222"}, portal, HTTP_IF_MATCH=fresh).status_code == 200
        partner.refresh_from_db()
        assert partner.phone == "+6282222222222"

    def test_if_match_star_or_no_header_writes_as_before(self, client, staf_hk, partner):
        headers = bearer(staf_hk)
        url = f"{PARTNERS}{partner.pk}/"
        assert patch(client, url, {"notes": "a"}, headers, HTTP_IF_MATCH="*").status_code == 200
        assert patch(client, url, {"notes": "b"}, headers).status_code == 200

    def test_a_stale_if_match_on_a_handover_allocation_is_refused(self, client, staf_hk, hk):
        ogan_ilir = Region.objects.get(code="16.10")
        group = BusinessGroup.objects.create(name="Kelompok Perajin Sungging", regency=ogan_ilir)
        for name in ("Perajin Satu", "Perajin Dua", "Perajin Tiga"):
            Membership.objects.create(
                group=group, partner=make_partner(name, ogan_ilir), joined_on=datetime.date(2022, 6, 1)
            )
        handover = draft_for(staf_hk, make_program(hk), recipient=group, total=30)
        headers = bearer(staf_hk)
        url = f"/api/v1/handovers/{handover.pk}/"
        etag = client.get(url, **headers)["ETag"]
        members = list(group.memberships.values_list("partner_id", flat=True))
        body = {"allocations": [{"partner": pk, "amount": 30 if i == 0 else 0} for i, pk in enumerate(members)]}
        put = client.put(f"{url}allocations/", body, content_type="application/json", HTTP_IF_MATCH=etag, **headers)
        assert put.status_code == 200
        again = dict(body, allocations=[{"partner": pk, "amount": 1} for pk in members])
        stale = client.put(f"{url}allocations/", again, content_type="application/json", HTTP_IF_MATCH=etag, **headers)
        assert stale.status_code == 412
        assert sorted(handover.allocations.values_list("amount", flat=True))[-1] == 30


class TestCreating:
    def test_a_201_gives_the_location_of_the_new_record(self, client, staf_hk):
        headers = bearer(staf_hk)
        body = partner_data(regency="16.10", district=None)
        response = client.post(PARTNERS, body, content_type="application/json", **headers)
        assert response.status_code == 201, problem_fields(response)
        location = response["Location"]
        assert location.endswith(f"{PARTNERS}{response.json()['id']}/")
        assert client.get(location, **headers).json()["business_name"] == body["business_name"]


class TestRateLimits:
    def test_headers_count_down_and_the_429_says_when_to_come_back(self, client, settings, staf_hk):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/minute"},
        }
        headers = bearer(staf_hk)
        answers = [client.get("/api/v1/programs/", **headers) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a["RateLimit-Limit"] for a in answers] == ["3"] * 4
        assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert all(0 < int(a["RateLimit-Reset"]) <= 60 for a in answers)
        assert 0 < int(answers[-1]["Retry-After"]) <= 60

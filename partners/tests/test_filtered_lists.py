"""The htmx-filtered lists (partners, groups) push the URL of what they show, and the group list
searches by name or region, in pages and API alike."""

import pytest
from django.urls import reverse

from accounts.services import api_token_create
from partners import services

from .conftest import nik

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def rows(response) -> list[str]:
    return [getattr(o, "business_name", None) or o.name for o in response.context["object_list"]]


@pytest.fixture
def partners(staf_hk, make_partner, ambon):
    make_partner(staf_hk, business_name="Perak Sungging", owner_nik=nik())
    make_partner(staf_hk, business_name="Tembaga Jaya", owner_nik=nik(), sector="kuliner")
    make_partner(staf_hk, business_name="Mutiara Ambon", regency=ambon, owner_nik=nik("817101"))


class TestPartnerListPushesItsUrl:
    def test_the_htmx_answer_pushes_the_filtered_url_and_a_get_of_it_shows_the_same_rows(
        self, client, staf_hk, partners
    ):
        client.force_login(staf_hk)
        url = reverse("partners:partner-list")
        htmx = client.get(url, {"q": "", "sector": "kuliner", "status": ""}, HTTP_HX_TARGET="partner-results", **HTMX)
        pushed = htmx["HX-Push-Url"]
        assert pushed == url + "?sector=kuliner"
        assert "HX-Request" in htmx["Vary"]  # the partial is never served from cache for the page
        assert rows(client.get(pushed)) == rows(htmx) == ["Tembaga Jaya"]

    def test_the_export_links_follow_the_filter_shown(self, client, staf_hk, partners):
        client.force_login(staf_hk)
        htmx = client.get(
            reverse("partners:partner-list"), {"sector": "kuliner"}, HTTP_HX_TARGET="partner-results", **HTMX
        )
        body = htmx.content.decode()
        assert 'id="partner-export-links" class="d-inline-flex flex-wrap gap-2" hx-swap-oob="true"' in body
        assert reverse("partners:partner-export", args=["xlsx"]) + "?sector=kuliner" in body
        assert reverse("partners:partner-export", args=["csv"]) + "?sector=kuliner" in body


@pytest.fixture
def groups(staf_hk, ogan_ilir, ambon):
    services.business_group_create(actor=staf_hk, name="Perajin Songket", regency=ogan_ilir)
    services.business_group_create(actor=staf_hk, name="Nelayan Mutiara", regency=ambon)


class TestGroupSearch:
    @pytest.mark.parametrize(
        "term,expected",
        [
            ("songket", ["Perajin Songket"]),
            ("ogan ilir", ["Perajin Songket"]),
            ("sumatera selatan", ["Perajin Songket"]),
            ("ambon", ["Nelayan Mutiara"]),
            ("81.71", ["Nelayan Mutiara"]),
            ("maluku", ["Nelayan Mutiara"]),
        ],
    )
    def test_by_name_or_region_on_the_page_and_in_the_api(self, client, staf_hk, groups, term, expected):
        client.force_login(staf_hk)
        assert rows(client.get(reverse("partners:businessgroup-list"), {"q": term})) == expected
        token = api_token_create(user=staf_hk, name="t")[1]
        api = client.get("/api/v1/groups/", {"q": term}, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api.status_code == 200, api.content
        assert [g["name"] for g in api.json()["results"]] == expected

    def test_the_search_stays_in_the_readers_region(self, client, pejabat_maluku, groups):
        client.force_login(pejabat_maluku)
        assert rows(client.get(reverse("partners:businessgroup-list"), {"q": "songket"})) == []

    def test_the_htmx_answer_pushes_its_url_and_a_get_of_it_shows_the_same_rows(self, client, staf_hk, groups):
        client.force_login(staf_hk)
        url = reverse("partners:businessgroup-list")
        htmx = client.get(url, {"q": "maluku"}, HTTP_HX_TARGET="group-results", **HTMX)
        assert htmx["HX-Push-Url"] == url + "?q=maluku"
        assert "<html" not in htmx.content.decode()
        assert rows(client.get(htmx["HX-Push-Url"])) == rows(htmx) == ["Nelayan Mutiara"]

    @pytest.mark.parametrize(
        "language,placeholder,count",
        [
            ("id", "Nama kelompok, kabupaten/kota, atau provinsi", "1 kelompok"),
            ("en", "Group name, regency/city or province", "1 group"),
        ],
    )
    def test_the_page_says_what_it_searches_in_both_languages(
        self, client, staf_hk, groups, language, placeholder, count
    ):
        client.force_login(staf_hk)
        client.cookies["django_language"] = language
        body = client.get(reverse("partners:businessgroup-list"), {"q": "ambon"}).content.decode()
        assert placeholder in body and count in body

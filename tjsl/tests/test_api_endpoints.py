"""Contract tests of the API endpoints that exist for every app: regions, companies, me."""

import pytest
from django.core.cache import cache

from accounts.services import api_token_create
from conftest import problem_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}"}


class TestRegions:
    def test_list_is_paginated_by_cursor_in_code_order(self, client, staf_hk):
        body = client.get("/api/v1/regions/?page_size=3", **bearer(staf_hk)).json()
        assert set(body) == {"next", "previous", "results"}
        assert [region["code"] for region in body["results"]] == ["11", "11.01", "11.01.01"]
        assert set(body["results"][0]) == {"code", "name", "level", "kind", "parent"}
        following = client.get(body["next"], **bearer(staf_hk)).json()
        assert following["results"][0]["code"] > "11.01.01"

    def test_filters_by_level_and_parent(self, client, pejabat_maluku):
        body = client.get("/api/v1/regions/?level=2&parent=81&page_size=200", **bearer(pejabat_maluku)).json()
        codes = [region["code"] for region in body["results"]]
        assert "81.71" in codes and all(code.startswith("81.") and code.count(".") == 1 for code in codes)

    def test_within_gives_a_region_and_everything_below(self, client, staf_hk):
        body = client.get("/api/v1/regions/?within=16.10&page_size=200", **bearer(staf_hk)).json()
        codes = {region["code"] for region in body["results"]}
        assert "16.10" in codes and "16.10.01" in codes and all(code.startswith("16.10") for code in codes)

    def test_search_finds_by_name(self, client, staf_hk):
        body = client.get("/api/v1/regions/?search=Ogan Ilir", **bearer(staf_hk)).json()
        assert "16.10" in [region["code"] for region in body["results"]]

    def test_detail_is_looked_up_by_code(self, client, staf_hk):
        body = client.get("/api/v1/regions/16.10/", **bearer(staf_hk)).json()
        assert body == {"code": "16.10", "name": body["name"], "level": 2, "kind": "kabupaten", "parent": "16"}
        assert "Ogan Ilir" in body["name"]

    def test_unknown_code_is_404_json(self, client, staf_hk):
        response = client.get("/api/v1/regions/99.99/", **bearer(staf_hk))
        assert response.status_code == 404 and "detail" in response.json()

    def test_invalid_filter_value_is_400(self, client, staf_hk):
        response = client.get("/api/v1/regions/?level=7", **bearer(staf_hk))
        assert response.status_code == 400 and "level" in problem_fields(response)

    def test_ordering_by_name_descending(self, client, staf_hk):
        body = client.get("/api/v1/regions/?level=1&ordering=-name&page_size=200", **bearer(staf_hk)).json()
        names = [region["name"] for region in body["results"]]
        assert names == sorted(names, reverse=True) and len(names) == 38

    def test_page_size_is_capped_at_200(self, client, staf_hk):
        body = client.get("/api/v1/regions/?page_size=5000", **bearer(staf_hk)).json()
        assert len(body["results"]) == 200

    def test_user_without_role_is_forbidden(self, client, make_user_without_role):
        assert client.get("/api/v1/regions/", **bearer(make_user_without_role)).status_code == 403


@pytest.fixture
def make_user_without_role(db):
    from conftest import make_user

    return make_user("tamu", None)


class TestCompanies:
    def test_staff_sees_only_their_own_company(self, client, staf_hk, pln):
        body = client.get("/api/v1/companies/", **bearer(staf_hk)).json()
        assert [company["code"] for company in body["results"]] == ["HK"]
        assert set(body["results"][0]) == {"id", "code", "name", "short_name", "tjsl_unit", "address", "is_active"}

    def test_other_company_is_404_for_staff(self, client, staf_hk, pln):
        assert client.get(f"/api/v1/companies/{pln.pk}/", **bearer(staf_hk)).status_code == 404
        assert client.get(f"/api/v1/companies/{staf_hk.company_id}/", **bearer(staf_hk)).status_code == 200

    def test_regional_official_sees_every_company(self, client, pejabat_maluku, hk, pln):
        body = client.get("/api/v1/companies/?ordering=code", **bearer(pejabat_maluku)).json()
        assert [company["code"] for company in body["results"]] == ["HK", "PLN"]

    def test_filters_and_search(self, client, auditor, hk, pln):
        assert [c["code"] for c in client.get("/api/v1/companies/?code=PLN", **bearer(auditor)).json()["results"]] == [
            "PLN"
        ]
        found = client.get("/api/v1/companies/?search=hutama", **bearer(auditor)).json()["results"]
        assert [company["code"] for company in found] == ["HK"]

    def test_companies_are_read_only(self, client, admin_user, hk):
        response = client.post(
            "/api/v1/companies/", {"code": "XX"}, content_type="application/json", **bearer(admin_user)
        )
        assert response.status_code == 405
        assert client.delete(f"/api/v1/companies/{hk.pk}/", **bearer(admin_user)).status_code == 405

    def test_list_takes_a_fixed_number_of_queries(self, client, auditor, hk, pln, django_assert_max_num_queries):
        headers = bearer(auditor)
        with django_assert_max_num_queries(8):
            assert client.get("/api/v1/companies/", **headers).status_code == 200


class TestMe:
    def test_staff_sees_role_company_and_scope(self, client, staf_hk):
        body = client.get("/api/v1/me/", **bearer(staf_hk)).json()
        assert body["username"] == "staf.hk" and body["role"] == "Staf TJSL"
        assert body["company"] == {"id": staf_hk.company_id, "code": "HK", "short_name": "Hutama Karya"}
        assert body["region"] is None
        assert body["scope"]["company_id"] == staf_hk.company_id and body["scope"]["region_code"] is None
        assert body["sees_personal_data"] is True

    def test_regional_official_has_a_region_scope(self, client, pejabat_maluku):
        body = client.get("/api/v1/me/", **bearer(pejabat_maluku)).json()
        assert body["company"] is None and body["region"]["code"] == "81"
        assert body["scope"] == {**body["scope"], "company_id": None, "region_code": "81", "nothing": False}
        assert body["sees_personal_data"] is False

    def test_role_label_follows_accept_language(self, client, manajer_hk):
        assert client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en", **bearer(manajer_hk)).json()["role_label"] == (
            "Manager"
        )

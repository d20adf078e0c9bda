"""A business name like one registered in the same regency needs a confirmation: form, API and import alike."""

import csv
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.services import api_token_create
from conftest import problem_fields
from partners import services
from partners.imports import COLUMN_NAMES
from partners.models import Partner, PartnerImport

from .conftest import nik

pytestmark = pytest.mark.django_db

STAFF = ["staf_hk", "staf_pln"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


@pytest.fixture
def existing(staf_hk, make_partner):
    return make_partner(staf_hk, business_name="Kerajinan Perak Sungging")


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


def body(**overrides) -> dict:
    return {
        "business_name": "kerajinan perak sungging",
        "owner_name": "Siti Aminah",
        "owner_nik": nik(),
        "regency": "16.10",
        "sector": "kerajinan",
        "joined_on": "2023-11-09",
        **overrides,
    }


class TestApi:
    @pytest.mark.parametrize("staff", STAFF)
    def test_a_similar_name_in_the_same_regency_is_refused_on_confirm_similar(self, request, client, existing, staff):
        user = request.getfixturevalue(staff)
        response = client.post("/api/v1/partners/", body(), content_type="application/json", **bearer(user))
        assert response.status_code == 422
        errors = problem_fields(response)
        assert list(errors) == ["confirm_similar"]
        assert (
            "Kerajinan Perak Sungging" in errors["confirm_similar"][0]
            and f"id {existing.pk}" in errors["confirm_similar"][0]
        )
        assert Partner.objects.count() == 1

    @pytest.mark.parametrize("staff", STAFF)
    def test_confirm_similar_true_registers_it(self, request, client, existing, staff):
        user = request.getfixturevalue(staff)
        response = client.post(
            "/api/v1/partners/", body(confirm_similar=True), content_type="application/json", **bearer(user)
        )
        assert response.status_code == 201, response.json()
        assert "confirm_similar" not in response.json()
        assert Partner.objects.count() == 2

    def test_the_same_name_in_another_regency_needs_no_confirmation(self, client, staf_hk, existing):
        response = client.post(
            "/api/v1/partners/", body(regency="81.71"), content_type="application/json", **bearer(staf_hk)
        )
        assert response.status_code == 201

    def test_renaming_into_a_look_alike_is_refused_too(self, client, staf_hk, existing, make_partner):
        other = make_partner(staf_hk, business_name="Warung Kopi Tanjung")
        url = f"/api/v1/partners/{other.pk}/"
        response = client.patch(
            url, {"business_name": "Kerajinan Perak Sungging"}, content_type="application/json", **bearer(staf_hk)
        )
        assert response.status_code == 422 and "confirm_similar" in problem_fields(response)
        other.refresh_from_db()
        assert other.business_name == "Warung Kopi Tanjung"
        response = client.patch(
            url,
            {"business_name": "Kerajinan Perak Sungging", "confirm_similar": True},
            content_type="application/json",
            **bearer(staf_hk),
        )
        assert response.status_code == 200

    def test_other_changes_of_a_look_alike_need_no_confirmation(self, client, staf_hk, existing, make_partner):
        twin = services.partner_create(
            actor=staf_hk,
            confirm_similar=True,
            **{**_data(existing), "owner_nik": nik(), "business_name": "Perak Sungging"},
        )
        response = client.patch(
            f"/api/v1/partners/{twin.pk}/", {"products": "Gelang"}, content_type="application/json", **bearer(staf_hk)
        )
        assert response.status_code == 200


def _data(partner) -> dict:
    return {f: getattr(partner, f) for f in services.PARTNER_FIELDS if f not in {"owner_nik", "nib"}}


class TestService:
    def test_the_service_refuses_an_unconfirmed_entry(self, staf_hk, existing):
        with pytest.raises(services.SimilarBusinessError) as caught:
            services.partner_create(actor=staf_hk, confirm_similar=False, **{**_data(existing), "owner_nik": nik()})
        assert caught.value.similar == [existing]
        assert caught.value.error_dict["confirm_similar"][0].code == "similar_business"


class TestForm:
    def test_the_form_lists_them_with_links_and_accepts_the_confirmation(self, client, staf_hk, existing):
        from .test_views import form_data

        client.force_login(staf_hk)
        data = form_data(business_name="KERAJINAN PERAK SUNGGING", owner_nik=nik())
        response = client.post(reverse("partners:partner-create"), data)
        assert f'href="/partners/{existing.pk}/"' in str(response.context["form"].errors["confirm_similar"])
        data["confirm_similar"] = "on"
        assert client.post(reverse("partners:partner-create"), data).status_code == 302
        assert Partner.objects.count() == 2


def import_file(name: str) -> SimpleUploadedFile:
    values = {
        "business_name": name,
        "owner_name": "Budi",
        "owner_nik": nik(),
        "regency_code": "16.10",
        "sector": "kerajinan",
        "joined_on": "09/11/2023",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMN_NAMES)
    writer.writerow([values.get(c, "") for c in COLUMN_NAMES])
    return SimpleUploadedFile("mitra.csv", buffer.getvalue().encode())


class TestImport:
    @pytest.mark.parametrize("staff", STAFF)
    def test_a_row_with_a_look_alike_name_is_rejected(self, request, existing, staff):
        job = services.partner_import_start(
            actor=request.getfixturevalue(staff), uploaded_file=import_file("Kerajinan Perak  Sungging")
        )
        job.refresh_from_db()
        assert job.status == PartnerImport.Status.INVALID and job.error_rows == 1
        assert Partner.objects.count() == 1

    def test_a_different_name_imports(self, staf_hk, existing):
        job = services.partner_import_start(actor=staf_hk, uploaded_file=import_file("Warung Kopi Tanjung"))
        job.refresh_from_db()
        assert job.status == PartnerImport.Status.VALID

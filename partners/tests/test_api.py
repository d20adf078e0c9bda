"""Partners, business groups and assessments through the API: contract, personal data, roles and scope."""

import datetime

import pytest
from django.core.cache import cache

from accounts.services import api_token_create
from conftest import problem_fields
from partners.models import Assessment, BusinessGroup, Membership, NikViewLog, Partner

from .conftest import nik

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, url, body, user, **extra):
    return client.post(url, body, content_type="application/json", **bearer(user), **extra)


def patch(client, url, body, user):
    return client.patch(url, body, content_type="application/json", **bearer(user))


NIK = "1610015508850003"


def new_partner(**overrides) -> dict:
    return {
        "business_name": "Kerajinan Perak Sungging",
        "owner_name": "Ahmad Fauzi",
        "owner_nik": NIK,
        "phone": "0812-3456-7890",
        "address": "Desa Sungging, Tanjung Batu",
        "regency": "16.10",
        "sector": "kerajinan",
        "joined_on": "2023-11-09",
        **overrides,
    }


@pytest.fixture
def partner(staf_hk, make_partner):
    return make_partner(staf_hk, owner_nik=NIK)


class TestPartnerCreate:
    def test_staff_registers_a_partner_once_per_idempotency_key(self, client, staf_hk):
        headers = {"HTTP_IDEMPOTENCY_KEY": "partner-1"}
        response = post(client, "/api/v1/partners/", new_partner(), staf_hk, **headers)
        assert response.status_code == 201, response.json()
        assert post(client, "/api/v1/partners/", new_partner(), staf_hk, **headers).status_code == 201
        partner = Partner.objects.get()
        assert (partner.region_code, partner.phone, partner.created_by) == ("16.10", "+6281234567890", staf_hk)
        assert partner.registered_by_company == staf_hk.company
        body = response.json()
        assert body["owner_nik"] == NIK and body["regency"] == "16.10" and body["pii_visible"] is True

    def test_sent_derived_fields_change_nothing(self, client, staf_hk, pln):
        body = new_partner(
            region_code="81.71", registered_by_company=pln.pk, current_class=3, has_export=True, created_by=1
        )
        assert post(client, "/api/v1/partners/", body, staf_hk).status_code == 201
        partner = Partner.objects.get()
        assert (partner.region_code, partner.registered_by_company_id) == ("16.10", staf_hk.company_id)
        assert (partner.current_class, partner.has_export) == (None, False)

    def test_invalid_identifiers_are_field_errors_in_the_callers_language(self, client, staf_hk):
        response = post(client, "/api/v1/partners/", new_partner(owner_nik="123", regency="99.99"), staf_hk)
        assert response.status_code == 400
        assert problem_fields(response)["owner_nik"] == ["A NIK has exactly 16 digits."]
        assert "regency" in problem_fields(response)

    def test_duplicate_nik_is_refused_by_the_service(self, client, staf_hk, partner):
        response = post(client, "/api/v1/partners/", new_partner(business_name="Lain"), staf_hk)
        assert response.status_code == 422 and "owner_nik" in problem_fields(response)
        assert Partner.objects.count() == 1

    @pytest.mark.parametrize("username", ["manajer_hk", "pejabat_sumsel", "auditor"])
    def test_read_only_roles_cannot_register(self, request, client, username):
        response = post(client, "/api/v1/partners/", new_partner(), request.getfixturevalue(username))
        assert response.status_code == 403 and not Partner.objects.exists()


class TestPartnerRead:
    def test_detail_shows_personal_data_to_staff_and_logs_the_nik_view(self, client, staf_hk, partner):
        body = client.get(f"/api/v1/partners/{partner.pk}/", **bearer(staf_hk)).json()
        assert (body["owner_nik"], body["phone"], body["address"]) == (
            NIK,
            "+6281234567890",
            "Desa Sungging, Tanjung Batu",
        )
        assert NikViewLog.objects.filter(user=staf_hk, partner=partner, purpose="detail").count() == 1

    def test_official_sees_masked_personal_data_and_nothing_is_logged(self, client, pejabat_sumsel, partner):
        body = client.get(f"/api/v1/partners/{partner.pk}/", **bearer(pejabat_sumsel)).json()
        assert body["owner_nik"] == "1610••••••••0003" and body["pii_visible"] is False
        assert "Sungging" not in body["address"] and "4567" not in body["phone"]
        assert not NikViewLog.objects.exists()

    def test_staff_of_another_company_sees_masked_data(self, client, staf_pln, partner):
        body = client.get(f"/api/v1/partners/{partner.pk}/", **bearer(staf_pln)).json()
        assert body["owner_nik"] == "1610••••••••0003"

    def test_list_masks_the_nik_like_the_list_page(self, client, staf_hk, partner):
        row = client.get("/api/v1/partners/", **bearer(staf_hk)).json()["results"][0]
        assert row["owner_nik"] == "1610••••••••0003" and row["phone"] == "+6281234567890"

    @pytest.mark.parametrize(
        ("username", "status"),
        [("staf_pln", 200), ("pejabat_sumsel", 200), ("pejabat_maluku", 404), ("auditor", 200)],
    )
    def test_registry_is_shared_but_regions_apply(self, request, client, partner, username, status):
        user = request.getfixturevalue(username)
        assert client.get(f"/api/v1/partners/{partner.pk}/", **bearer(user)).status_code == status

    def test_filters_and_search(self, client, staf_hk, partner, make_partner, ambon):
        other = make_partner(staf_hk, business_name="Tenun Ambon", owner_nik=nik("817101"), regency=ambon)
        headers = bearer(staf_hk)

        def ids(query):
            response = client.get(f"/api/v1/partners/?{query}", **headers)
            assert response.status_code == 200, response.json()
            return [p["id"] for p in response.json()["results"]]

        assert ids("province=81") == [other.pk]
        assert ids("regency=16.10") == [partner.pk]
        assert ids("search=tenun") == [other.pk]
        assert ids("search=0003") == [partner.pk]
        assert ids("naik_kelas=false&sector=kerajinan") == [partner.pk, other.pk]
        assert client.get("/api/v1/partners/?export=maybe", **headers).status_code == 400

    def test_list_takes_a_fixed_number_of_queries(self, client, staf_hk, make_partner, django_assert_max_num_queries):
        for i in range(8):
            make_partner(staf_hk, business_name=f"Usaha {i}", owner_nik=nik())
        headers = bearer(staf_hk)
        with django_assert_max_num_queries(8):
            assert len(client.get("/api/v1/partners/", **headers).json()["results"]) == 8


class TestPartnerUpdate:
    def test_staff_of_the_registering_company_changes_a_partner(self, client, staf_hk, partner):
        response = patch(client, f"/api/v1/partners/{partner.pk}/", {"products": "Gelang perak"}, staf_hk)
        assert response.status_code == 200 and response.json()["products"] == "Gelang perak"
        assert partner.history.first().history_user == staf_hk

    def test_staff_of_another_company_may_not(self, client, staf_pln, partner):
        assert patch(client, f"/api/v1/partners/{partner.pk}/", {"products": "x"}, staf_pln).status_code == 403

    def test_out_of_scope_is_404_for_a_writer_and_403_for_a_reader(self, client, hk, pejabat_maluku, partner):
        from accounts.roles import Role
        from conftest import make_user

        staff_in_maluku = make_user("staf.ambon", Role.STAF, company=hk, region_code="81")
        assert patch(client, f"/api/v1/partners/{partner.pk}/", {"products": "x"}, staff_in_maluku).status_code == 404
        assert patch(client, f"/api/v1/partners/{partner.pk}/", {"products": "x"}, pejabat_maluku).status_code == 403


class TestBusinessGroups:
    def test_staff_creates_a_group_adds_and_ends_a_membership(self, client, staf_hk, partner):
        created = post(
            client,
            "/api/v1/groups/",
            {"name": "Karya Usang Sungging", "regency": "16.10"},
            staf_hk,
            HTTP_IDEMPOTENCY_KEY="group-1",
        )
        assert created.status_code == 201, created.json()
        group = BusinessGroup.objects.get()
        assert (group.region_code, group.registered_by_company_id) == ("16.10", staf_hk.company_id)
        url = f"/api/v1/groups/{group.pk}/members/"
        added = post(
            client, url, {"partner": partner.pk, "joined_on": "2023-01-01"}, staf_hk, HTTP_IDEMPOTENCY_KEY="m1"
        )
        assert added.status_code == 201, added.json()
        again = post(
            client, url, {"partner": partner.pk, "joined_on": "2023-01-01"}, staf_hk, HTTP_IDEMPOTENCY_KEY="m1"
        )
        assert again["Idempotent-Replayed"] == "true" and Membership.objects.count() == 1
        overlapping = post(client, url, {"partner": partner.pk, "joined_on": "2023-02-01"}, staf_hk)
        assert overlapping.status_code == 422 and "partner" in problem_fields(overlapping)

        detail = client.get(f"/api/v1/groups/{group.pk}/", **bearer(staf_hk)).json()
        assert detail["member_count"] == 1 and detail["members"][0]["partner"] == partner.pk

        membership = Membership.objects.get()
        ended = post(
            client, f"/api/v1/groups/{group.pk}/members/{membership.pk}/end/", {"left_on": "2023-06-01"}, staf_hk
        )
        assert ended.status_code == 200 and ended.json()["left_on"] == "2023-06-01"

    def test_leader_must_be_a_current_member(self, client, staf_hk, partner, make_partner):
        from partners.services import business_group_create, membership_add

        group = business_group_create(actor=staf_hk, name="Kelompok", regency=partner.regency)
        outsider = make_partner(staf_hk, business_name="Luar", owner_nik=nik())
        assert patch(client, f"/api/v1/groups/{group.pk}/", {"leader": outsider.pk}, staf_hk).status_code == 400
        membership_add(group=group, partner=partner, joined_on=datetime.date(2023, 1, 1), actor=staf_hk)
        response = patch(client, f"/api/v1/groups/{group.pk}/", {"leader": partner.pk}, staf_hk)
        assert response.status_code == 200 and response.json()["leader"] == partner.pk

    def test_roles_and_scope(self, client, staf_hk, pejabat_sumsel, pejabat_maluku, manajer_hk, partner):
        from partners.services import business_group_create

        group = business_group_create(actor=staf_hk, name="Kelompok", regency=partner.regency)
        assert client.get(f"/api/v1/groups/{group.pk}/", **bearer(pejabat_sumsel)).status_code == 200
        assert client.get(f"/api/v1/groups/{group.pk}/", **bearer(pejabat_maluku)).status_code == 404
        body = {"partner": partner.pk, "joined_on": "2023-01-01"}
        assert post(client, f"/api/v1/groups/{group.pk}/members/", body, pejabat_sumsel).status_code == 403
        assert post(client, f"/api/v1/groups/{group.pk}/members/", body, pejabat_maluku).status_code == 403
        assert post(client, "/api/v1/groups/", {"name": "X", "regency": "16.10"}, manajer_hk).status_code == 403


class TestAssessments:
    def test_staff_records_an_assessment_and_the_class_follows(self, client, staf_hk, partner):
        body = {
            "partner": partner.pk,
            "assessed_on": "2023-11-09",
            "capital": 1_500_000_000,
            "annual_sales": 900_000_000,
            "workers": 4,
            "market_regional": True,
            "size_class": 1,
        }
        response = post(client, "/api/v1/assessments/", body, staf_hk, HTTP_IDEMPOTENCY_KEY="a1")
        assert response.status_code == 201, response.json()
        assert response.json()["size_class"] == 2 and response.json()["assessed_by"] == staf_hk.pk
        partner.refresh_from_db()
        assert partner.current_class == 2
        listed = client.get(f"/api/v1/assessments/?partner={partner.pk}", **bearer(staf_hk)).json()["results"]
        assert [a["id"] for a in listed] == [Assessment.objects.get().pk]

    def test_future_date_and_other_roles_are_refused(self, client, staf_hk, pejabat_sumsel, staf_pln, partner):
        body = {"partner": partner.pk, "assessed_on": "2999-01-01", "capital": 1, "annual_sales": 1, "workers": 1}
        assert "assessed_on" in problem_fields(post(client, "/api/v1/assessments/", body, staf_hk))
        body["assessed_on"] = "2023-01-01"
        assert post(client, "/api/v1/assessments/", body, pejabat_sumsel).status_code == 403
        assert post(client, "/api/v1/assessments/", body, staf_pln).status_code == 403


class TestExportMilestonesApi:
    URL = "/api/v1/partners/{}/export-milestones/"

    def test_staff_records_a_milestone_with_a_note_once_per_key(self, client, staf_hk, partner):
        body = {"destination_country": "Malaysia", "exported_on": "2023-10-01", "value": 50_000_000}
        headers = {"HTTP_IDEMPOTENCY_KEY": "export-1"}
        refused = post(client, self.URL.format(partner.pk), body, staf_hk)
        assert refused.status_code == 422 and "evidence_note" in problem_fields(refused)
        body["evidence_note"] = "Invoice 12/2023"
        response = post(client, self.URL.format(partner.pk), body, staf_hk, **headers)
        assert response.status_code == 201, response.json()
        assert post(client, self.URL.format(partner.pk), body, staf_hk, **headers).status_code == 201
        assert partner.export_milestones.count() == 1
        partner.refresh_from_db()
        assert partner.has_export
        listed = client.get(self.URL.format(partner.pk), **bearer(staf_hk)).json()
        assert [m["destination_country"] for m in listed] == ["Malaysia"]

    def test_evidence_file_by_multipart(self, client, staf_hk, partner, settings, tmp_path):
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.MEDIA_ROOT = tmp_path
        body = {
            "destination_country": "Singapura",
            "exported_on": "2023-10-01",
            "value": "1000000",
            "evidence": SimpleUploadedFile("invoice.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
        }
        response = client.post(self.URL.format(partner.pk), body, **bearer(staf_hk))
        assert response.status_code == 201, response.json()
        assert response.json()["has_evidence_file"] is True
        evidence_url = f"{self.URL.format(partner.pk)}{response.json()['id']}/evidence/"
        download = client.get(evidence_url, **bearer(staf_hk))
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4\n"
        assert "attachment" in download["Content-Disposition"]

    def test_read_only_role_gets_403_and_outside_scope_404(self, client, partner, manajer_hk, pejabat_maluku):
        body = {"destination_country": "Malaysia", "exported_on": "2023-10-01", "value": 1, "evidence_note": "x"}
        assert post(client, self.URL.format(partner.pk), body, manajer_hk).status_code == 403
        assert client.get(self.URL.format(partner.pk), **bearer(manajer_hk)).status_code == 200
        assert client.get(self.URL.format(partner.pk), **bearer(pejabat_maluku)).status_code == 404
        assert post(client, self.URL.format(partner.pk), body, pejabat_maluku).status_code in (403, 404)
        assert not partner.export_milestones.exists()


class TestPartnerImportApi:
    URL = "/api/v1/partner-imports/"

    @pytest.fixture(autouse=True)
    def _media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    @staticmethod
    def upload(rows: list[dict]):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from partners.imports import COLUMN_NAMES

        lines = [",".join(COLUMN_NAMES)]
        for data in rows:
            values = {
                "business_name": "Perak Import",
                "owner_name": "Budi",
                "owner_nik": nik(),
                "regency_code": "16.10",
                "sector": "kerajinan",
                "joined_on": "09/11/2023",
                **data,
            }
            lines.append(",".join(str(values.get(column, "")) for column in COLUMN_NAMES))
        return SimpleUploadedFile("mitra.csv", "\n".join(lines).encode())

    def test_valid_file_is_checked_then_committed(self, client, staf_hk):
        file = self.upload([{}, {"business_name": "Kedua"}])
        response = client.post(self.URL, {"file": file}, **bearer(staf_hk), HTTP_IDEMPOTENCY_KEY="imp-1")
        assert response.status_code == 201, response.json()
        job = response.json()
        assert (job["status"], job["total_rows"], job["error_rows"]) == ("valid", 2, 0)
        assert "••" in job["rows"][0]["data"]["owner_nik"]
        assert not Partner.objects.exists()
        committed = client.post(f"{self.URL}{job['id']}/commit/", **bearer(staf_hk))
        assert committed.status_code == 200, committed.json()
        assert committed.json()["status"] == "committed" and Partner.objects.count() == 2
        # A retry changes nothing.
        assert client.post(f"{self.URL}{job['id']}/commit/", **bearer(staf_hk)).status_code == 200
        assert Partner.objects.count() == 2
        assert client.get(f"{self.URL}{job['id']}/", **bearer(staf_hk)).json()["created_count"] == 2

    def test_one_bad_row_commits_nothing(self, client, staf_hk):
        response = client.post(self.URL, {"file": self.upload([{}, {"regency_code": "99.99"}])}, **bearer(staf_hk))
        job = response.json()
        assert (job["status"], job["error_rows"]) == ("invalid", 1)
        assert [row["line"] for row in job["rows"] if row["errors"]] == [3]
        assert client.post(f"{self.URL}{job['id']}/commit/", **bearer(staf_hk)).status_code == 422
        assert not Partner.objects.exists()

    def test_rows_come_200_at_a_time_faulty_ones_only(self, client, staf_hk):
        from partners.api import IMPORT_ROWS_PER_RESPONSE

        faulty = IMPORT_ROWS_PER_RESPONSE + 50  # checked at once: below the background threshold
        rows = [{} if i % 10 == 0 else {"regency_code": "99.99"} for i in range(faulty * 10 // 9 + 1)]
        expected = [i + 2 for i, row in enumerate(rows) if row]  # header is line 1
        job = client.post(self.URL, {"file": self.upload(rows)}, **bearer(staf_hk)).json()
        assert (job["total_rows"], job["error_rows"]) == (len(rows), len(expected))
        assert len(expected) > IMPORT_ROWS_PER_RESPONSE
        assert len(job["rows"]) == IMPORT_ROWS_PER_RESPONSE and all(row["errors"] for row in job["rows"])
        assert job["rows_next_from"] == IMPORT_ROWS_PER_RESPONSE
        rest = client.get(f"{self.URL}{job['id']}/", {"rows_from": job["rows_next_from"]}, **bearer(staf_hk)).json()
        assert len(rest["rows"]) == len(expected) - IMPORT_ROWS_PER_RESPONSE and rest["rows_next_from"] is None
        assert [row["line"] for row in job["rows"] + rest["rows"]] == expected  # each faulty line once, in order
        bad = client.get(f"{self.URL}{job['id']}/", {"rows_from": "-1"}, **bearer(staf_hk))
        assert bad.status_code == 400 and "rows_from" in problem_fields(bad)

    def test_unreadable_file_is_a_field_error(self, client, staf_hk):
        from django.core.files.uploadedfile import SimpleUploadedFile

        bad = SimpleUploadedFile("mitra.xlsx", b"not a workbook")
        response = client.post(self.URL, {"file": bad}, **bearer(staf_hk))
        assert response.status_code == 400 and "file" in problem_fields(response)

    def test_only_the_uploader_sees_it_and_readers_may_not_import(
        self, client, staf_hk, staf_pln, manajer_hk, pejabat_sumsel
    ):
        job = client.post(self.URL, {"file": self.upload([{}])}, **bearer(staf_hk)).json()
        assert client.get(f"{self.URL}{job['id']}/", **bearer(staf_pln)).status_code == 404
        assert client.post(f"{self.URL}{job['id']}/commit/", **bearer(staf_pln)).status_code == 404
        assert client.post(self.URL, {"file": self.upload([{}])}, **bearer(pejabat_sumsel)).status_code == 403
        assert client.get(f"{self.URL}{job['id']}/", **bearer(manajer_hk)).status_code == 403
        assert not Partner.objects.exists()

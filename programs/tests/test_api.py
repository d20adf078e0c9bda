"""Programs, budgets and activities through the API: contract, roles and scope."""

import pytest
from django.core.cache import cache

from accounts.services import api_token_create
from conftest import problem_fields
from programs.models import Activity, ActivityParticipant, BudgetChange, Program

from .conftest import make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, url, body, user, **extra):
    return client.post(url, body, content_type="application/json", **bearer(user), **extra)


NEW_PROGRAM = {
    "code": "HK-PK",
    "name": "HK Peduli Kreatif",
    "pillar": "ekonomi",
    "sdgs": [8, 9],
    "support_form": "bantuan",
    "start_date": "2023-01-01",
    "end_date": "2025-12-31",
    "target_regions": ["16.10"],
}


class TestProgramWrites:
    def test_manager_creates_a_draft_program_once_per_key(self, client, manajer_hk, pln):
        body = {**NEW_PROGRAM, "status": "aktif", "company": pln.pk, "closed_at": "2024-01-01T00:00:00Z"}
        response = post(client, "/api/v1/programs/", body, manajer_hk, HTTP_IDEMPOTENCY_KEY="p1")
        assert response.status_code == 201, response.json()
        assert post(client, "/api/v1/programs/", body, manajer_hk, HTTP_IDEMPOTENCY_KEY="p1").status_code == 201
        program = Program.objects.get()
        assert (program.status, program.company.code, program.closed_at) == ("draft", "HK", None)
        assert response.json()["sdgs"] == [8, 9] and response.json()["target_regions"] == ["16.10"]
        assert program.history.first().history_user == manajer_hk

    def test_sdg_of_another_pillar_is_a_field_error(self, client, manajer_hk):
        response = post(client, "/api/v1/programs/", {**NEW_PROGRAM, "sdgs": [1]}, manajer_hk)
        assert response.status_code == 422 and "sdgs" in problem_fields(response)

    @pytest.mark.parametrize("username", ["staf_hk", "pejabat_sumsel", "auditor"])
    def test_other_roles_cannot_create(self, request, client, username):
        assert post(client, "/api/v1/programs/", NEW_PROGRAM, request.getfixturevalue(username)).status_code == 403

    def test_budget_set_activate_close(self, client, manajer_hk, hk_program):
        url = f"/api/v1/programs/{hk_program.pk}/"
        budget = post(client, f"{url}budgets/", {"year": 2023, "amount": 750_000_000, "reason": "RKA"}, manajer_hk)
        assert budget.status_code == 201 and budget.json() == {"year": 2023, "amount": 750_000_000}
        assert BudgetChange.objects.get().changed_by == manajer_hk
        outside = post(client, f"{url}budgets/", {"year": 2030, "amount": 1, "reason": "x"}, manajer_hk)
        assert outside.status_code == 422 and "year" in problem_fields(outside)
        detail = client.get(url, **bearer(manajer_hk)).json()
        assert detail["budget_lines"][0] == {
            **detail["budget_lines"][0],
            "year": 2023,
            "budget": 750_000_000,
            "remaining": 750_000_000,
        }
        assert post(client, f"{url}close/", {}, manajer_hk).status_code == 400
        closed = post(client, f"{url}close/", {"reason": "Selesai"}, manajer_hk)
        assert closed.status_code == 200 and closed.json()["status"] == "ditutup"

    def test_patch_keeps_sdgs_and_regions_not_sent(self, client, manajer_hk, hk_program):
        response = client.patch(
            f"/api/v1/programs/{hk_program.pk}/",
            {"name": "HK Peduli Kreatif 2"},
            content_type="application/json",
            **bearer(manajer_hk),
        )
        assert response.status_code == 200 and response.json()["name"] == "HK Peduli Kreatif 2"
        assert response.json()["sdgs"] == [8] and response.json()["target_regions"] == ["16.10"]

    def test_manager_of_another_company_gets_404(self, client, manajer_hk, pln_program):
        response = post(client, f"/api/v1/programs/{pln_program.pk}/close/", {"reason": "x"}, manajer_hk)
        assert response.status_code == 404


class TestProgramReads:
    @pytest.mark.parametrize(
        ("username", "status"),
        [
            ("staf_hk", 200),
            ("staf_pln", 404),
            ("pejabat_sumsel", 200),
            ("pejabat_maluku", 404),
            ("auditor", 200),
        ],
    )
    def test_who_reads_a_program_in_ogan_ilir(self, request, client, hk_program, username, status):
        user = request.getfixturevalue(username)
        assert client.get(f"/api/v1/programs/{hk_program.pk}/", **bearer(user)).status_code == status

    def test_list_filters_and_fixed_queries(
        self, client, auditor, hk_program, pln_program, django_assert_max_num_queries
    ):
        headers = bearer(auditor)
        with django_assert_max_num_queries(10):
            rows = client.get("/api/v1/programs/?pillar=ekonomi", **headers).json()["results"]
        assert {row["code"] for row in rows} == {"HK-PK", "PLN-NK"}
        assert [r["code"] for r in client.get("/api/v1/programs/?region=16", **headers).json()["results"]] == ["HK-PK"]
        assert [r["code"] for r in client.get("/api/v1/programs/?year=2026", **headers).json()["results"]] == ["PLN-NK"]


class TestActivities:
    def body(self, program, **overrides):
        return {
            "program": program.pk,
            "kind": "pameran",
            "title": "INACRAFT 2024",
            "start_date": "2024-02-28",
            "end_date": "2024-03-03",
            "place": "Jakarta Convention Center",
            "regency": "31.71",
            "cost": 150_000_000,
            **overrides,
        }

    def test_staff_records_an_activity_with_participants(self, client, staf_hk, hk_program):
        created = post(client, "/api/v1/activities/", self.body(hk_program), staf_hk, HTTP_IDEMPOTENCY_KEY="a1")
        assert created.status_code == 201, created.json()
        activity = Activity.objects.get()
        assert (activity.region_code, activity.created_by) == ("31.71", staf_hk)
        partner = make_partner("Perak Sungging")
        url = f"/api/v1/activities/{activity.pk}/participants/"
        added = post(client, url, {"partner": partner.pk, "product_count": 3}, staf_hk, HTTP_IDEMPOTENCY_KEY="pa1")
        assert added.status_code == 201, added.json()
        assert post(client, url, {"partner": partner.pk}, staf_hk).status_code == 422
        detail = client.get(f"/api/v1/activities/{activity.pk}/", **bearer(staf_hk)).json()
        assert detail["participant_count"] == 1 and detail["participants"][0]["product_count"] == 3
        participant = ActivityParticipant.objects.get()
        removed = client.delete(f"{url}{participant.pk}/", **bearer(staf_hk))
        assert removed.status_code == 204 and not ActivityParticipant.objects.exists()

    def test_activity_outside_the_program_period_is_refused(self, client, staf_hk, hk_program):
        body = self.body(hk_program, start_date="2022-02-01", end_date="2022-02-02")
        response = post(client, "/api/v1/activities/", body, staf_hk)
        assert response.status_code == 422 and "start_date" in problem_fields(response)

    def test_roles_and_scope(self, client, staf_pln, pejabat_sumsel, pejabat_maluku, hk_program, staf_hk):
        assert (
            post(client, "/api/v1/activities/", self.body(hk_program), staf_pln).json()["errors"][0]["field"]
            == "program"
        )
        assert post(client, "/api/v1/activities/", self.body(hk_program), pejabat_sumsel).status_code == 403
        post(client, "/api/v1/activities/", self.body(hk_program, regency="16.10"), staf_hk)
        activity = Activity.objects.get()
        assert client.get(f"/api/v1/activities/{activity.pk}/", **bearer(pejabat_sumsel)).status_code == 200
        assert client.get(f"/api/v1/activities/{activity.pk}/", **bearer(pejabat_maluku)).status_code == 404


class TestEnrollmentsApi:
    def test_staff_enrols_and_removes_a_partner(self, client, staf_hk, hk_program):
        partner = make_partner("Perak Sungging")
        url = f"/api/v1/programs/{hk_program.pk}/enrollments/"
        response = post(client, url, {"partner": partner.pk}, staf_hk, HTTP_IDEMPOTENCY_KEY="e1")
        assert response.status_code == 201, response.json()
        assert post(client, url, {"partner": partner.pk}, staf_hk, HTTP_IDEMPOTENCY_KEY="e1").status_code == 201
        assert hk_program.enrollments.count() == 1
        assert [e["partner"] for e in client.get(url, **bearer(staf_hk)).json()] == [partner.pk]
        assert client.delete(f"{url}{partner.pk}/", **bearer(staf_hk)).status_code == 204
        assert not hk_program.enrollments.exists()
        assert client.delete(f"{url}{partner.pk}/", **bearer(staf_hk)).status_code == 404

    def test_partner_of_another_company_needs_confirmation(self, client, staf_hk, staf_pln, hk_program, pln_program):
        from programs import services

        partner = make_partner("Perak Sungging")
        services.enrollment_create(program=pln_program, partner=partner, actor=staf_pln)
        url = f"/api/v1/programs/{hk_program.pk}/enrollments/"
        refused = post(client, url, {"partner": partner.pk}, staf_hk)
        assert refused.status_code == 422
        assert "PLN" in " ".join(problem_fields(refused)[None])
        confirmed = post(client, url, {"partner": partner.pk, "confirm_other_company": True}, staf_hk)
        assert confirmed.status_code == 202, confirmed.json()
        assert (confirmed.json()["status"], confirmed.json()["other_companies"]) == ("pending", "PLN")
        assert not hk_program.enrollments.exists()

    def test_roles_and_scope(self, client, hk_program, auditor, pejabat_maluku, pejabat_sumsel):
        partner = make_partner("Perak Sungging")
        url = f"/api/v1/programs/{hk_program.pk}/enrollments/"
        assert post(client, url, {"partner": partner.pk}, auditor).status_code == 403
        assert post(client, url, {"partner": partner.pk}, pejabat_sumsel).status_code == 403
        assert client.get(url, **bearer(pejabat_maluku)).status_code == 404
        assert not hk_program.enrollments.exists()


class TestTargetsApi:
    def put(self, client, program, body, user):
        url = f"/api/v1/programs/{program.pk}/targets/"
        return client.put(url, body, content_type="application/json", **bearer(user))

    def test_manager_sets_whole_program_and_yearly_targets(self, client, manajer_hk, hk_program):
        assert self.put(client, hk_program, {"year": None, "partners_reached": 100}, manajer_hk).status_code == 200
        response = self.put(client, hk_program, {"year": 2024, "beneficiaries": 40}, manajer_hk)
        assert response.status_code == 200, response.json()
        assert self.put(client, hk_program, {"year": 2024, "beneficiaries": 50}, manajer_hk).status_code == 200
        assert sorted(hk_program.targets.values_list("year", "partners_reached", "beneficiaries"), key=str) == [
            (2024, 0, 50),
            (None, 100, 0),
        ]
        listed = client.get(f"/api/v1/programs/{hk_program.pk}/targets/", **bearer(manajer_hk)).json()
        assert len(listed) == 2

    def test_year_outside_the_period_and_roles(self, client, manajer_hk, staf_hk, pejabat_maluku, hk_program):
        response = self.put(client, hk_program, {"year": 2030, "partners_reached": 1}, manajer_hk)
        assert response.status_code == 422 and "year" in problem_fields(response)
        assert self.put(client, hk_program, {"year": 2024, "partners_reached": 1}, staf_hk).status_code == 403
        assert self.put(client, hk_program, {"year": 2024}, pejabat_maluku).status_code in (403, 404)
        assert not hk_program.targets.exists()

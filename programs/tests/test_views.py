import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs import services
from programs.models import Activity, Enrollment, Pillar, Program, Sdg
from programs.tests.conftest import make_partner, make_program, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(staf_hk, manajer_hk, admin_hk, staf_pln, manajer_pln, pejabat_sumsel, pejabat_maluku, auditor, admin_user):
    return {
        "staf_hk": staf_hk,
        "manajer_hk": manajer_hk,
        "admin_hk": admin_hk,
        "staf_pln": staf_pln,
        "manajer_pln": manajer_pln,
        "pejabat_sumsel": pejabat_sumsel,
        "pejabat_maluku": pejabat_maluku,
        "auditor": auditor,
        "admin": admin_user,
    }


def offered_sdgs(page: str) -> set[int]:
    pks = {int(pk) for pk in re.findall(r'name="sdgs" value="(\d+)"', page)}
    return set(Sdg.objects.filter(pk__in=pks).values_list("number", flat=True))


def status_for(client, user, url, method="get", data=None):
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


class TestPermissionMatrix:
    """anonymous -> login; other company or region -> 404; read-only role -> 403; right role -> 200."""

    READ = {
        "staf_hk": 200,
        "manajer_hk": 200,
        "admin_hk": 200,
        "staf_pln": 404,
        "manajer_pln": 404,
        "pejabat_sumsel": 200,
        "pejabat_maluku": 404,
        "auditor": 200,
        "admin": 200,
    }
    MANAGE = {
        "staf_hk": 403,
        "manajer_hk": 200,
        "admin_hk": 200,
        "staf_pln": 404,
        "manajer_pln": 404,
        "pejabat_sumsel": 403,
        "pejabat_maluku": 404,
        "auditor": 403,
        "admin": 200,
    }
    RECORD = {**MANAGE, "staf_hk": 200}

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("program-detail", READ),
            ("program-update", MANAGE),
            ("budget-set", MANAGE),
            ("target-set", MANAGE),
            ("program-close", MANAGE),
            ("activity-create", RECORD),
            ("enrollment-create", RECORD),
        ],
    )
    def test_program_pages(self, client, users, hk_program, name, expected):
        url = reverse(f"programs:{name}", args=[hk_program.pk])
        assert client.get(url).status_code == 302
        assert {user: status_for(client, users[user], url) for user in users} == expected

    def test_anonymous_is_sent_to_login(self, client, hk_program):
        response = client.get(reverse("programs:program-detail", args=[hk_program.pk]))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_list_and_create(self, client, users):
        url = reverse("programs:program-create")
        expected_create = dict.fromkeys(users, 403) | {"manajer_hk": 200, "admin_hk": 200, "manajer_pln": 200}
        expected_create["admin"] = 200
        assert {user: status_for(client, users[user], url) for user in users} == expected_create
        listed = {user: status_for(client, users[user], reverse("programs:program-list")) for user in users}
        assert set(listed.values()) == {200}

    def test_activity_pages(self, client, users, hk_program, manajer_hk):
        activity = services.activity_create(
            program=hk_program,
            actor=manajer_hk,
            kind=Activity.Kind.PELATIHAN,
            title="Pelatihan",
            start_date=datetime.date(2023, 5, 1),
            end_date=datetime.date(2023, 5, 1),
            place="Tanjung Senai",
            regency=region("16.10"),
        )
        detail = reverse("programs:activity-detail", args=[activity.pk])
        assert {user: status_for(client, users[user], detail) for user in users} == self.READ
        edit = reverse("programs:activity-update", args=[activity.pk])
        assert {user: status_for(client, users[user], edit) for user in users} == self.RECORD

    def test_transitions_are_post_only(self, client, manajer_hk, hk_program):
        client.force_login(manajer_hk)
        assert client.get(reverse("programs:program-activate", args=[hk_program.pk])).status_code == 405

    def test_staff_cannot_close_by_posting(self, client, staf_hk, hk_program):
        client.force_login(staf_hk)
        url = reverse("programs:program-close", args=[hk_program.pk])
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
        assert Program.objects.get().status == Program.Status.AKTIF


class TestProgramForm:
    def data(self, **extra):
        return {
            "code": "HK-UMKM",
            "name": "HK Sahabat UMK",
            "pillar": "ekonomi",
            "sdgs": [Sdg.objects.get(number=8).pk],
            "support_form": "pelatihan",
            "start_date": "01/02/2024",
            "end_date": "31/12/2024",
            "target_regions": [region("16.10").pk],
            "unit": "Unit TJSL",
            "person_responsible": "Bima",
            **extra,
        }

    def test_manager_creates_a_program_with_day_first_dates(self, client, manajer_hk, hk):
        client.force_login(manajer_hk)
        response = client.post(reverse("programs:program-create"), self.data())
        program = Program.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "programs:program-detail", args=[program.pk]
        )
        assert (program.company, program.start_date, program.status) == (hk, datetime.date(2024, 2, 1), "draft")
        assert list(program.sdgs.values_list("number", flat=True)) == [8]
        assert program.created_by == manajer_hk

    def test_sdg_of_another_pillar_is_refused_with_a_field_message(self, client, manajer_hk):
        client.force_login(manajer_hk)
        client.cookies["django_language"] = "en"
        data = self.data(sdgs=[Sdg.objects.get(number=13).pk])
        response = client.post(reverse("programs:program-create"), data)
        assert response.status_code == 200
        assert "does not belong to the pillar" in str(response.context["form"].errors["sdgs"])
        assert not Program.objects.exists()

    def test_end_before_start_is_refused(self, client, manajer_hk):
        client.force_login(manajer_hk)
        response = client.post(reverse("programs:program-create"), self.data(end_date="01/01/2024"))
        assert "end_date" in response.context["form"].errors
        assert not Program.objects.exists()

    def test_platform_admin_chooses_the_company(self, client, admin_user, pln):
        client.force_login(admin_user)
        response = client.post(reverse("programs:program-create"), self.data(company=pln.pk))
        assert response.status_code == 302
        assert Program.objects.get().company == pln

    def test_form_offers_only_the_pillars_sdgs(self, client, manajer_hk, hk_program):
        client.force_login(manajer_hk)
        page = client.get(reverse("programs:program-update", args=[hk_program.pk])).content.decode()
        assert offered_sdgs(page) == {7, 8, 9, 10, 17}

    def test_changing_pillar_swaps_the_sdg_choices(self, client, manajer_hk):
        client.force_login(manajer_hk)
        response = client.get(reverse("programs:program-sdg-options"), {"pillar": "lingkungan"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and offered_sdgs(response.content.decode()) == {6, 11, 12, 13, 14, 15}
        assert 'id="div_id_sdgs"' in response.content.decode()

    def test_manager_edits_the_program(self, client, manajer_hk, hk_program):
        client.force_login(manajer_hk)
        data = self.data(code="HK-PK", name="HK Peduli Kreatif 2", pillar="ekonomi", start_date="01/01/2023")
        response = client.post(reverse("programs:program-update", args=[hk_program.pk]), data)
        assert response.status_code == 302
        assert Program.objects.get().name == "HK Peduli Kreatif 2"


class TestProgramList:
    @pytest.fixture
    def programs(self, hk, pln, hk_program, pln_program, manajer_hk):
        social = make_program(
            hk,
            manajer_hk,
            code="HK-SOS",
            name="HK Sehat",
            pillar=Pillar.SOSIAL,
            sdgs=Sdg.objects.filter(number=3),
            status=Program.Status.DRAFT,
            start_date=datetime.date(2021, 1, 1),
            end_date=datetime.date(2022, 12, 31),
            target_regions=[region("81")],
        )
        return {"hk": hk_program, "pln": pln_program, "social": social}

    def listed(self, client, user, **params) -> set[str]:
        client.force_login(user)
        response = client.get(reverse("programs:program-list"), params)
        assert response.status_code == 200
        return {program.code for program in response.context["programs"]}

    def test_filters(self, client, auditor, programs):
        sdg3 = Sdg.objects.get(number=3).pk
        assert self.listed(client, auditor) == {"HK-PK", "PLN-NK", "HK-SOS"}
        assert self.listed(client, auditor, pillar="sosial") == {"HK-SOS"}
        assert self.listed(client, auditor, sdg=sdg3) == {"HK-SOS"}
        assert self.listed(client, auditor, support_form="akses_pasar") == {"PLN-NK"}
        assert self.listed(client, auditor, status="draft") == {"HK-SOS"}
        assert self.listed(client, auditor, year=2023) == {"HK-PK"}
        assert self.listed(client, auditor, year=2025) == {"HK-PK", "PLN-NK"}
        assert self.listed(client, auditor, region=region("16").pk) == {"HK-PK"}
        assert self.listed(client, auditor, region=region("31.71").pk) == {"PLN-NK"}

    def test_list_respects_scope(self, client, staf_pln, pejabat_sumsel, programs):
        assert self.listed(client, staf_pln) == {"PLN-NK"}
        assert self.listed(client, pejabat_sumsel) == {"HK-PK"}

    def test_query_count_does_not_grow_with_programs(self, client, auditor, hk, manajer_hk, programs):
        client.force_login(auditor)
        url = reverse("programs:program-list")
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        for index in range(6):
            program = make_program(hk, manajer_hk, code=f"HK-{index}", sdgs=Sdg.objects.filter(number__in=[8, 9]))
            services.program_budget_set(program=program, year=2023, amount=index, reason="RKA", actor=manajer_hk)
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
        assert len(response.context["programs"]) == 9
        assert len(many) == len(few)

    def test_list_query_budget(self, client, auditor, programs, django_assert_max_num_queries):
        client.force_login(auditor)
        with django_assert_max_num_queries(12):
            client.get(reverse("programs:program-list"))


class TestProgramDetail:
    def test_shows_budget_targets_activities_and_regions(self, client, manajer_hk, hk_program):
        services.program_budget_set(program=hk_program, year=2023, amount=750_000_000, reason="RKA", actor=manajer_hk)
        services.program_target_set(program=hk_program, year=None, actor=manajer_hk, partners_reached=30)
        partner = make_partner("Perak Sungging", joining_class=1, current_class=2)
        services.enrollment_create(program=hk_program, partner=partner, actor=manajer_hk)
        services.activity_create(
            program=hk_program,
            actor=manajer_hk,
            kind=Activity.Kind.PELATIHAN,
            title="Pelatihan desain",
            start_date=datetime.date(2023, 6, 1),
            end_date=datetime.date(2023, 6, 1),
            place="Tanjung Senai",
            regency=region("16.10"),
            cost=15_000_000,
        )
        client.force_login(manajer_hk)
        response = client.get(reverse("programs:program-detail", args=[hk_program.pk]))
        page = response.content.decode()
        assert "Rp750.000.000" in page and "Rp15.000.000" in page
        assert "Pelatihan desain" in page and "Perak Sungging" in page
        whole = response.context["achievements"][0]
        assert (whole.partners_reached, whole.naik_kelas, whole.target.partners_reached) == (1, 1, 30)
        assert [row.province_name for row in response.context["region_summary"]] == ["Sumatera Selatan"]

    def test_official_does_not_see_budgets(self, client, pejabat_sumsel, manajer_hk, hk_program):
        services.program_budget_set(program=hk_program, year=2023, amount=750_000_000, reason="RKA", actor=manajer_hk)
        client.force_login(pejabat_sumsel)
        page = client.get(reverse("programs:program-detail", args=[hk_program.pk])).content.decode()
        assert "Rp750.000.000" not in page and 'id="budget-lines"' not in page


class TestBudgetPage:
    def test_manager_sets_a_budget_and_sees_the_change(self, client, manajer_hk, hk_program):
        client.force_login(manajer_hk)
        url = reverse("programs:budget-set", args=[hk_program.pk])
        response = client.post(url, {"year": 2023, "amount": 750000000, "reason": "RKA 2023"})
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert "RKA 2023" in page and "Rp750.000.000" in page

    def test_negative_amount_is_refused(self, client, manajer_hk, hk_program):
        client.force_login(manajer_hk)
        url = reverse("programs:budget-set", args=[hk_program.pk])
        response = client.post(url, {"year": 2023, "amount": -1, "reason": "x"})
        assert response.status_code == 200 and "amount" in response.context["form"].errors
        assert not hk_program.budgets.exists()


class TestClosing:
    def test_confirmation_page_then_close_then_refusals(self, client, manajer_hk, hk_program):
        client.force_login(manajer_hk)
        client.cookies["django_language"] = "en"
        url = reverse("programs:program-close", args=[hk_program.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"reason": "Selesai"})
        assert response.status_code == 200 and "confirm" in response.context["form"].errors
        assert Program.objects.get().status == Program.Status.AKTIF

        response = client.post(url, {"reason": "Program selesai", "confirm": "on"}, follow=True)
        program = Program.objects.get()
        assert (program.status, program.closed_by, program.close_reason) == ("ditutup", manajer_hk, "Program selesai")
        assert "The program is closed." in response.content.decode()

        response = client.get(reverse("programs:activity-create", args=[program.pk]), follow=True)
        assert "accepts no new activities" in response.content.decode()
        partner = make_partner("Perak Sungging")
        response = client.post(reverse("programs:enrollment-create", args=[program.pk]), {"partner": partner.pk})
        assert response.status_code == 400 and "is closed" in response.content.decode()
        assert not Enrollment.objects.exists()


class TestEnrollmentPage:
    def test_search_shows_partners_and_the_other_company_flag(
        self, client, manajer_hk, manajer_pln, hk_program, pln_program
    ):
        partner = make_partner("Tembaga Ogan")
        make_partner("Kopi Lampung", "18.71")
        services.enrollment_create(program=pln_program, partner=partner, actor=manajer_pln)
        client.force_login(manajer_hk)
        client.cookies["django_language"] = "en"
        url = reverse("programs:enrollment-create", args=[hk_program.pk])
        response = client.get(url, {"q": "tembaga"}, HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert "Tembaga Ogan" in page and "Kopi Lampung" not in page and "<html" not in page
        assert "Already assisted in an active program of PLN" in page and "confirm_other_company" in page

    def test_enrolling_needs_confirmation_for_a_partner_of_another_company(
        self, client, manajer_hk, manajer_pln, hk_program, pln_program
    ):
        partner = make_partner("Tembaga Ogan")
        services.enrollment_create(program=pln_program, partner=partner, actor=manajer_pln)
        client.force_login(manajer_hk)
        client.cookies["django_language"] = "en"
        url = reverse("programs:enrollment-create", args=[hk_program.pk])
        response = client.post(url, {"partner": partner.pk, "q": "tembaga"})
        assert response.status_code == 400 and "PLN" in response.content.decode()
        assert not hk_program.enrollments.exists()
        response = client.post(url, {"partner": partner.pk, "confirm_other_company": "on"}, follow=True)
        assert "waits for the approval of another manager" in response.content.decode()
        assert not hk_program.enrollments.exists()
        assert hk_program.enrollment_requests.get().other_companies == "PLN"

    def test_staff_enrol_partners_of_their_company(self, client, staf_hk, hk_program):
        partner = make_partner("Perak Sungging")
        client.force_login(staf_hk)
        response = client.post(reverse("programs:enrollment-create", args=[hk_program.pk]), {"partner": partner.pk})
        assert response.status_code == 302
        assert hk_program.enrollments.get().added_by == staf_hk


class TestParticipants:
    def test_adding_exhibitors_with_their_products(self, client, manajer_pln, pln_program):
        activity = services.activity_create(
            program=pln_program,
            actor=manajer_pln,
            kind=Activity.Kind.PAMERAN,
            title="INACRAFT 2024",
            start_date=datetime.date(2024, 2, 28),
            end_date=datetime.date(2024, 3, 3),
            place="Jakarta Convention Center",
            regency=region("31.71"),
        )
        partner = make_partner("Tenun Ambon", "81.71")
        client.force_login(manajer_pln)
        url = reverse("programs:participant-add", args=[activity.pk])
        assert "Tenun Ambon" in client.get(url, {"q": "tenun"}).content.decode()
        response = client.post(url, {"partner": partner.pk, "products_shown": "kain tenun", "product_count": 2})
        assert response.status_code == 302
        participant = activity.participants.get()
        assert (participant.partner, participant.product_count) == (partner, 2)
        page = client.get(reverse("programs:activity-detail", args=[activity.pk])).content.decode()
        assert "kain tenun" in page


class TestActivityForm:
    def test_staff_record_a_training(self, client, staf_hk, hk_program):
        client.force_login(staf_hk)
        data = {
            "kind": "pelatihan",
            "title": "Pelatihan pewarnaan",
            "start_date": "09/11/2023",
            "end_date": "10/11/2023",
            "place": "Tanjung Senai",
            "regency": region("16.10").pk,
            "cost": 12000000,
            "description": "",
        }
        response = client.post(reverse("programs:activity-create", args=[hk_program.pk]), data)
        activity = Activity.objects.get()
        assert response.status_code == 302
        assert (activity.start_date, activity.region_code, activity.cost) == (
            datetime.date(2023, 11, 9),
            "16.10",
            12_000_000,
        )

    def test_activity_outside_the_period_is_refused(self, client, staf_hk, hk_program):
        client.force_login(staf_hk)
        data = {"kind": "pelatihan", "title": "X", "start_date": "01/01/2026", "end_date": "01/01/2026",
                "place": "X", "regency": region("16.10").pk, "cost": 0}  # fmt: skip
        response = client.post(reverse("programs:activity-create", args=[hk_program.pk]), data)
        assert response.status_code == 200 and "start_date" in response.context["form"].errors
        assert not Activity.objects.exists()


def test_navigation_shows_programs_to_roles_that_may_view_them(client, staf_hk):
    client.force_login(staf_hk)
    assert reverse("programs:program-list") in client.get("/").content.decode()

import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.roles import Role
from conftest import make_user
from programs import services
from programs.models import Activity, Pillar, Program, ProgramBudget, Sdg
from programs.tests.conftest import make_partner, make_program, region

pytestmark = pytest.mark.django_db


class TestSdgReferenceData:
    def test_all_seventeen_goals_are_seeded_with_their_pillar(self):
        pillars = dict(Sdg.objects.values_list("number", "pillar"))
        assert sorted(pillars) == list(range(1, 18))
        assert {n for n, p in pillars.items() if p == Pillar.EKONOMI} == {7, 8, 9, 10, 17}
        assert {n for n, p in pillars.items() if p == Pillar.SOSIAL} == {1, 2, 3, 4, 5}
        assert {n for n, p in pillars.items() if p == Pillar.LINGKUNGAN} == {6, 11, 12, 13, 14, 15}
        assert {n for n, p in pillars.items() if p == Pillar.HUKUM} == {16}


class TestProgramConstraints:
    def program(self, company, **extra):
        fields = {
            "company": company,
            "code": "X-1",
            "name": "X",
            "pillar": Pillar.EKONOMI,
            "support_form": Program.SupportForm.BANTUAN,
            "start_date": datetime.date(2024, 1, 1),
            "end_date": datetime.date(2024, 12, 31),
        }
        return Program.objects.create(**{**fields, **extra})

    def test_database_refuses_an_end_before_the_start(self, hk):
        with pytest.raises(IntegrityError):
            self.program(hk, end_date=datetime.date(2023, 12, 31))

    def test_code_is_unique_per_company_only(self, hk, pln):
        self.program(hk)
        self.program(pln)
        with pytest.raises(IntegrityError), transaction.atomic():
            self.program(hk)
        assert Program.objects.filter(code="X-1").count() == 2

    def test_database_refuses_a_negative_budget(self, hk):
        program = self.program(hk)
        with pytest.raises(IntegrityError):
            ProgramBudget.objects.create(program=program, year=2024, amount=-1)

    def test_closed_program_accepts_no_new_records(self, hk):
        program = self.program(hk, status=Program.Status.AKTIF)
        assert program.accepts_new_records()
        program.status = Program.Status.DITUTUP
        assert not program.accepts_new_records()

    def test_querysets_for_active_programs(self, hk):
        active = self.program(hk, code="A", status=Program.Status.AKTIF)
        self.program(hk, code="D")
        self.program(hk, code="C", status=Program.Status.DITUTUP)
        assert list(Program.objects.active()) == [active]
        assert list(Program.objects.accepting_handovers()) == [active]


class TestActivityRegionCode:
    def test_region_code_follows_the_regency(self, hk_program, manajer_hk):
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
        assert activity.region_code == "16.10"


class TestProgramVisibility:
    def test_company_staff_see_only_their_company(self, hk_program, pln_program, staf_hk, staf_pln):
        assert list(Program.objects.visible_to(staf_hk)) == [hk_program]
        assert list(Program.objects.visible_to(staf_pln)) == [pln_program]

    def test_official_sees_programs_targeting_their_region(self, hk_program, pln_program, pejabat_sumsel):
        assert list(Program.objects.visible_to(pejabat_sumsel)) == [hk_program]

    def test_official_of_a_regency_sees_programs_targeting_its_province(self, hk, manajer_hk):
        program = make_program(hk, manajer_hk, target_regions=[region("16")])
        official = make_user("pejabat.oganilir", Role.PEJABAT, region_code="16.10")
        assert list(Program.objects.visible_to(official)) == [program]

    def test_official_does_not_see_other_regions(self, hk_program, pejabat_maluku):
        assert not Program.objects.visible_to(pejabat_maluku).exists()

    def test_official_sees_programs_through_enrolled_partners_and_activities(
        self, pln_program, manajer_pln, pejabat_maluku
    ):
        partner = make_partner("Tenun Ambon", "81.71")
        services.enrollment_create(program=pln_program, partner=partner, actor=manajer_pln)
        assert list(Program.objects.visible_to(pejabat_maluku)) == [pln_program]

    def test_official_sees_programs_through_an_activity_in_the_region(self, pln_program, manajer_pln, pejabat_sumsel):
        services.activity_create(
            program=pln_program,
            actor=manajer_pln,
            kind=Activity.Kind.PAMERAN,
            title="Pameran Palembang",
            start_date=datetime.date(2024, 6, 1),
            end_date=datetime.date(2024, 6, 3),
            place="Palembang Icon",
            regency=region("16.71"),
        )
        assert list(Program.objects.visible_to(pejabat_sumsel)) == [pln_program]

    def test_official_does_not_see_drafts(self, hk, manajer_hk, pejabat_sumsel):
        make_program(hk, manajer_hk, status=Program.Status.DRAFT)
        assert not Program.objects.visible_to(pejabat_sumsel).exists()

    def test_auditor_and_platform_admin_see_everything(self, hk_program, pln_program, auditor, admin_user):
        assert Program.objects.visible_to(auditor).count() == 2
        assert Program.objects.visible_to(admin_user).count() == 2


class TestActivityVisibility:
    def test_activities_follow_company_and_region(self, pln_program, manajer_pln, staf_hk, staf_pln, pejabat_sumsel):
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
        assert list(Activity.objects.visible_to(staf_pln)) == [activity]
        assert not Activity.objects.visible_to(staf_hk).exists()
        assert not Activity.objects.visible_to(pejabat_sumsel).exists()

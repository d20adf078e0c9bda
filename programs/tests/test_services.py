import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.roles import Role
from conftest import make_user
from programs import selectors, services
from programs.models import Activity, BudgetChange, Enrollment, Pillar, Program, ProgramBudget, Sdg
from programs.tests.conftest import make_partner, make_program, region

pytestmark = pytest.mark.django_db


def activity(program, actor, **extra):
    fields = {
        "kind": Activity.Kind.PELATIHAN,
        "title": "Pelatihan desain produk",
        "start_date": datetime.date(2023, 6, 1),
        "end_date": datetime.date(2023, 6, 2),
        "place": "Tanjung Senai",
        "regency": region("16.10"),
        "cost": 15_000_000,
    }
    return services.activity_create(program=program, actor=actor, **{**fields, **extra})


class TestProgramCreate:
    def test_only_sdgs_of_the_pillar_are_accepted(self, hk, manajer_hk):
        with pytest.raises(ValidationError) as error:
            make_program(hk, manajer_hk, sdgs=Sdg.objects.filter(number__in=[8, 13]))
        assert "sdgs" in error.value.message_dict
        assert not Program.objects.exists()

    def test_end_before_start_is_a_field_error(self, hk, manajer_hk):
        with pytest.raises(ValidationError) as error:
            make_program(hk, manajer_hk, end_date=datetime.date(2022, 1, 1))
        assert "end_date" in error.value.message_dict

    def test_program_code_must_be_unique_in_the_company(self, hk, manajer_hk):
        make_program(hk, manajer_hk)
        with pytest.raises(ValidationError):
            make_program(hk, manajer_hk)

    def test_staff_may_not_create_programs(self, hk, staf_hk):
        with pytest.raises(PermissionDenied):
            make_program(hk, staf_hk)

    def test_manager_may_not_create_for_another_company(self, pln, manajer_hk):
        with pytest.raises(PermissionDenied):
            make_program(pln, manajer_hk)

    def test_company_administrator_may_create(self, hk, admin_hk):
        assert make_program(hk, admin_hk).created_by == admin_hk

    def test_changes_are_kept_in_history(self, hk_program, manajer_hk):
        services.program_update(
            program=hk_program,
            actor=manajer_hk,
            sdgs=hk_program.sdgs.all(),
            target_regions=[],
            name="HK Peduli Kreatif II",
        )
        latest = hk_program.history.first()
        assert (latest.name, latest.history_user) == ("HK Peduli Kreatif II", manajer_hk)
        assert hk_program.history.filter(name="HK Peduli Kreatif").exists()


class TestProgramBudgetSet:
    def test_first_budget_records_a_change_with_who_and_why(self, hk_program, manajer_hk):
        budget = services.program_budget_set(
            program=hk_program, year=2023, amount=750_000_000, reason="RKA 2023", actor=manajer_hk
        )
        change = BudgetChange.objects.get()
        assert budget.amount == 750_000_000
        assert (change.old_amount, change.new_amount, change.reason, change.changed_by) == (
            None,
            750_000_000,
            "RKA 2023",
            manajer_hk,
        )

    def test_a_change_keeps_the_old_and_new_amount(self, hk_program, manajer_hk):
        services.program_budget_set(program=hk_program, year=2023, amount=750_000_000, reason="RKA", actor=manajer_hk)
        services.program_budget_set(
            program=hk_program, year=2023, amount=800_000_000, reason="Revisi RKA", actor=manajer_hk
        )
        assert ProgramBudget.objects.get().amount == 800_000_000
        latest = BudgetChange.objects.first()
        assert (latest.old_amount, latest.new_amount, latest.reason) == (750_000_000, 800_000_000, "Revisi RKA")

    def test_setting_the_same_amount_again_records_nothing(self, hk_program, manajer_hk):
        for _ in range(2):
            services.program_budget_set(program=hk_program, year=2023, amount=5, reason="RKA", actor=manajer_hk)
        assert BudgetChange.objects.count() == 1

    @pytest.mark.parametrize(
        ("year", "amount", "reason", "field"),
        [(2022, 1, "x", "year"), (2026, 1, "x", "year"), (2023, -1, "x", "amount"), (2023, 1, " ", "reason")],
    )
    def test_inconsistent_budgets_are_refused(self, hk_program, manajer_hk, year, amount, reason, field):
        with pytest.raises(ValidationError) as error:
            services.program_budget_set(program=hk_program, year=year, amount=amount, reason=reason, actor=manajer_hk)
        assert field in error.value.message_dict
        assert not ProgramBudget.objects.exists()

    def test_staff_may_not_change_budgets(self, hk_program, staf_hk):
        with pytest.raises(PermissionDenied):
            services.program_budget_set(program=hk_program, year=2023, amount=1, reason="x", actor=staf_hk)

    def test_period_cannot_shrink_below_a_planned_budget_year(self, hk_program, manajer_hk):
        services.program_budget_set(program=hk_program, year=2025, amount=1, reason="RKA", actor=manajer_hk)
        with pytest.raises(ValidationError):
            services.program_update(
                program=hk_program,
                actor=manajer_hk,
                sdgs=hk_program.sdgs.all(),
                target_regions=[],
                end_date=datetime.date(2024, 12, 31),
            )
        hk_program.refresh_from_db()
        assert hk_program.end_date == datetime.date(2025, 12, 31)


class TestProgramTargets:
    def test_whole_program_and_yearly_targets_are_kept_apart(self, hk_program, manajer_hk):
        services.program_target_set(program=hk_program, year=None, actor=manajer_hk, partners_reached=30)
        services.program_target_set(program=hk_program, year=2023, actor=manajer_hk, partners_reached=10)
        services.program_target_set(program=hk_program, year=None, actor=manajer_hk, partners_reached=35)
        assert dict(hk_program.targets.values_list("year", "partners_reached")) == {None: 35, 2023: 10}

    def test_target_year_must_be_in_the_period(self, hk_program, manajer_hk):
        with pytest.raises(ValidationError):
            services.program_target_set(program=hk_program, year=2030, actor=manajer_hk)


class TestProgramClose:
    def test_closing_records_who_when_and_why(self, hk_program, manajer_hk):
        services.program_close(program=hk_program, actor=manajer_hk, reason="Program selesai")
        hk_program.refresh_from_db()
        assert hk_program.status == Program.Status.DITUTUP
        assert hk_program.closed_by == manajer_hk and hk_program.closed_at is not None
        assert hk_program.close_reason == "Program selesai"

    def test_closing_needs_a_reason(self, hk_program, manajer_hk):
        with pytest.raises(ValidationError):
            services.program_close(program=hk_program, actor=manajer_hk, reason="  ")
        hk_program.refresh_from_db()
        assert hk_program.status == Program.Status.AKTIF

    def test_closed_program_refuses_activities_enrollments_and_participants(self, hk_program, manajer_hk):
        existing = activity(hk_program, manajer_hk)
        services.program_close(program=hk_program, actor=manajer_hk, reason="Selesai")
        hk_program.refresh_from_db()
        partner = make_partner("Perak Sungging")
        with translation.override("en"):
            with pytest.raises(ValidationError, match="is closed"):
                activity(hk_program, manajer_hk, title="Pelatihan lagi")
            with pytest.raises(ValidationError, match="is closed"):
                services.enrollment_create(program=hk_program, partner=partner, actor=manajer_hk)
            with pytest.raises(ValidationError, match="is closed"):
                services.activity_participant_add(activity=existing, partner=partner, actor=manajer_hk)
            with pytest.raises(ValidationError, match="HK Peduli Kreatif is closed"):
                services.program_assert_open(program=hk_program)
        assert Activity.objects.count() == 1 and not Enrollment.objects.exists()

    def test_draft_program_can_be_activated_once(self, hk, manajer_hk):
        program = make_program(hk, manajer_hk, status=Program.Status.DRAFT)
        services.program_activate(program=program, actor=manajer_hk)
        assert Program.objects.get().status == Program.Status.AKTIF
        with pytest.raises(ValidationError):
            services.program_activate(program=program, actor=manajer_hk)


class TestActivities:
    def test_staff_record_activities_of_their_company(self, hk_program, staf_hk):
        assert activity(hk_program, staf_hk).created_by == staf_hk

    def test_official_may_not_record_activities(self, hk_program, pejabat_sumsel):
        with pytest.raises(PermissionDenied):
            activity(hk_program, pejabat_sumsel)

    def test_activity_must_fall_within_the_program_period(self, hk_program, manajer_hk):
        with pytest.raises(ValidationError) as error:
            activity(hk_program, manajer_hk, start_date=datetime.date(2022, 12, 1))
        assert "start_date" in error.value.message_dict

    def test_cost_cannot_be_negative(self, hk_program, manajer_hk):
        with pytest.raises(ValidationError):
            activity(hk_program, manajer_hk, cost=-5)

    def test_a_partner_takes_part_once(self, hk_program, manajer_hk):
        training = activity(hk_program, manajer_hk)
        partner = make_partner("Perak Sungging")
        services.activity_participant_add(activity=training, partner=partner, actor=manajer_hk, product_count=2)
        with pytest.raises(ValidationError):
            services.activity_participant_add(activity=training, partner=partner, actor=manajer_hk)
        assert training.participants.count() == 1


class TestEnrollmentCreate:
    def test_partner_is_enrolled_by_the_actor(self, hk_program, staf_hk):
        partner = make_partner("Perak Sungging")
        enrollment = services.enrollment_create(program=hk_program, partner=partner, actor=staf_hk)
        assert enrollment.added_by == staf_hk and not enrollment.other_company_confirmed

    def test_partner_of_another_companys_active_program_needs_confirmation(
        self, hk_program, pln_program, manajer_hk, manajer_pln
    ):
        partner = make_partner("Tembaga Ogan")
        services.enrollment_create(program=pln_program, partner=partner, actor=manajer_pln)
        with translation.override("en"), pytest.raises(ValidationError, match="PLN") as error:
            services.enrollment_create(program=hk_program, partner=partner, actor=manajer_hk)
        assert error.value.code == "other_company"
        assert not hk_program.enrollments.exists()
        request = services.enrollment_create(
            program=hk_program, partner=partner, actor=manajer_hk, confirm_other_company=True
        )
        assert not hk_program.enrollments.exists()
        second_manager = make_user("manajer2.hk", Role.MANAJER, company=hk_program.company)
        enrollment = services.enrollment_request_approve(request=request, actor=second_manager)
        assert enrollment.other_company_confirmed and enrollment.other_company_note == "PLN"

    def test_closed_programs_of_other_companies_do_not_count(self, hk_program, pln_program, manajer_hk, manajer_pln):
        partner = make_partner("Tembaga Ogan")
        services.enrollment_create(program=pln_program, partner=partner, actor=manajer_pln)
        services.program_close(program=pln_program, actor=manajer_pln, reason="Selesai")
        request = services.enrollment_create(
            program=hk_program, partner=partner, actor=manajer_hk, confirm_other_company=True
        )
        second_manager = make_user("manajer2.hk", Role.MANAJER, company=hk_program.company)
        enrollment = services.enrollment_request_approve(request=request, actor=second_manager)
        assert not enrollment.other_company_confirmed and enrollment.cross_company

    def test_own_companys_other_programs_do_not_count(self, hk, hk_program, manajer_hk):
        other = make_program(hk, manajer_hk, code="HK-2")
        partner = make_partner("Tembaga Ogan")
        services.enrollment_create(program=other, partner=partner, actor=manajer_hk)
        assert not services.enrollment_create(program=hk_program, partner=partner, actor=manajer_hk).other_company_note

    def test_a_partner_is_enrolled_once(self, hk_program, manajer_hk):
        partner = make_partner("Tembaga Ogan")
        services.enrollment_create(program=hk_program, partner=partner, actor=manajer_hk)
        with pytest.raises(ValidationError):
            services.enrollment_create(program=hk_program, partner=partner, actor=manajer_hk)


class TestSelectors:
    def test_budget_lines_cover_the_period_without_handovers(self, hk_program, manajer_hk):
        services.program_budget_set(program=hk_program, year=2023, amount=750_000_000, reason="RKA", actor=manajer_hk)
        lines = selectors.program_budget_lines(program=hk_program, user=manajer_hk)
        assert [(line.year, line.budget, line.has_budget) for line in lines] == [
            (2023, 750_000_000, True),
            (2024, 0, False),
            (2025, 0, False),
        ]
        assert lines[0].committed == lines[0].realised == 0
        assert lines[0].realisation_pct == 0
        assert lines[1].realisation_pct is None

    def test_realisation_percentage_is_rounded_to_one_decimal(self):
        line = selectors.BudgetLine(year=2023, budget=750_000_000, committed=200_000_000, realised=200_000_000)
        assert str(line.realisation_pct) == "26.7"
        assert line.remaining == 550_000_000

    def test_achievements_count_each_partner_once(self, hk_program, manajer_hk):
        services.program_target_set(program=hk_program, year=None, actor=manajer_hk, partners_reached=30, naik_kelas=5)
        grown = make_partner("Perak A", joining_class=1, current_class=2, has_export=True)
        plain = make_partner("Perak B", joining_class=1, current_class=1)
        training = activity(hk_program, manajer_hk)
        for partner in (grown, plain):
            services.enrollment_create(program=hk_program, partner=partner, actor=manajer_hk)
        services.activity_participant_add(activity=training, partner=grown, actor=manajer_hk)
        services.activity_participant_add(
            activity=training, partner=make_partner("Tembaga C", "16.71"), actor=manajer_hk
        )
        whole = selectors.program_achievements(program=hk_program, user=manajer_hk)[0]
        assert (whole.year, whole.target.partners_reached) == (None, 30)
        assert (whole.partners_reached, whole.naik_kelas, whole.export_partners) == (3, 1, 1)

    def test_region_summary_groups_by_province(self, pln_program, manajer_pln):
        services.enrollment_create(program=pln_program, partner=make_partner("A", "81.71"), actor=manajer_pln)
        services.enrollment_create(program=pln_program, partner=make_partner("B", "16.10"), actor=manajer_pln)
        services.enrollment_create(program=pln_program, partner=make_partner("C", "16.71"), actor=manajer_pln)
        activity(
            pln_program,
            manajer_pln,
            start_date=datetime.date(2024, 2, 28),
            end_date=datetime.date(2024, 3, 3),
            regency=region("31.71"),
            cost=450_000_000,
        )
        summary = selectors.program_region_summary(program=pln_program, user=manajer_pln)
        rows = {row.province_code: row for row in summary}
        assert rows["16"].enrolled_partners == 2 and rows["16"].province_name == "Sumatera Selatan"
        assert rows["81"].enrolled_partners == 1
        assert (rows["31"].activities, rows["31"].activity_cost) == (1, 450_000_000)


def test_pillar_choices_have_the_official_labels_in_each_language():
    with translation.override("id"):
        assert [str(label) for label in Pillar.labels] == ["Sosial", "Ekonomi", "Lingkungan", "Hukum dan Tata Kelola"]
    with translation.override("en"):
        assert [str(label) for label in Pillar.labels] == ["Social", "Economic", "Environmental", "Law and Governance"]

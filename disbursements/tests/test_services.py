import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from conftest import requires_postgres
from disbursements.models import Disbursement, FrozenRecordError, Item, Status
from disbursements.services import (
    allocations_set,
    budget_committed,
    disbursement_approve,
    disbursement_cancel,
    disbursement_create_draft,
    disbursement_hand_over,
    disbursement_return,
    disbursement_reverse,
    disbursement_submit,
    disbursement_update_draft,
    disbursement_verify,
    equal_split,
    item_total,
)
from disbursements.tests.conftest import draft_for, items_worth, submitted_for
from programs.models import ProgramBudget

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def bast_scan():
    return SimpleUploadedFile("bast-ditandatangani.pdf", PDF, content_type="application/pdf")


def photo():
    return SimpleUploadedFile("serah-terima.png", PNG, content_type="image/png")


class TestAmounts:
    def test_group_split_puts_the_remainder_deterministically(self):
        shares = equal_split(200_000_000, 30)
        assert sum(shares) == 200_000_000
        assert shares.count(6_666_667) == 20 and shares.count(6_666_666) == 10
        assert shares == equal_split(200_000_000, 30)

    def test_item_total_is_whole_rupiah_rounded_half_up(self):
        assert item_total(quantity=Decimal("1.5"), unit_value=3) == 5
        assert item_total(quantity=Decimal("2.25"), unit_value=1_000_001) == 2_250_002

    def test_handover_total_is_the_sum_of_its_items(self, staf_hk, program, group):
        draft = draft_for(staf_hk, program, recipient=group)
        assert draft.total == 200_000_000 == sum(draft.items.values_list("total", flat=True))


class TestEntry:
    def test_draft_may_be_incomplete(self, staf_hk, program):
        draft = disbursement_create_draft(actor=staf_hk, program=program)
        assert draft.status == Status.DRAFT and draft.total == 0
        assert draft.transitions.get().to_status == Status.DRAFT

    def test_same_submission_key_creates_one_handover(self, staf_hk, program, partner):
        key = uuid.uuid4()
        first = draft_for(staf_hk, program, recipient=partner, submission_key=key)
        again = draft_for(staf_hk, program, recipient=partner, submission_key=key)
        assert first.pk == again.pk
        assert Disbursement.objects.count() == 1

    def test_both_recipients_are_refused(self, staf_hk, program, partner, group):
        with pytest.raises(ValidationError) as error:
            draft_for(staf_hk, program, recipient=partner, group=group)
        assert "group" in error.value.message_dict
        assert not Disbursement.objects.exists()

    def test_database_refuses_two_recipients_too(self, staf_hk, program, partner, group):
        draft = draft_for(staf_hk, program, recipient=partner)
        with pytest.raises(IntegrityError), transaction.atomic():
            Disbursement.objects.filter(pk=draft.pk).update(group=group)

    def test_recipient_region_is_stored_with_the_handover(self, staf_hk, program, group):
        draft = draft_for(staf_hk, program, recipient=group)
        assert (draft.region_code, draft.province_code) == ("16.10", "16")

    def test_other_company_cannot_enter_for_this_program(self, staf_pln, program, partner):
        with pytest.raises(PermissionDenied):
            draft_for(staf_pln, program, recipient=partner)

    def test_submit_names_each_missing_field(self, staf_hk, program):
        draft = disbursement_create_draft(actor=staf_hk, program=program)
        with pytest.raises(ValidationError) as error:
            disbursement_submit(disbursement=draft, actor=staf_hk)
        assert {"partner", "handed_on", "place", "items"} <= set(error.value.message_dict)
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT


class TestAllocations:
    def test_group_handover_is_split_over_its_thirty_members(self, staf_hk, program, group):
        handover = submitted_for(staf_hk, program, recipient=group)
        amounts = list(handover.allocations.values_list("amount", flat=True))
        assert len(amounts) == 30 and sum(amounts) == 200_000_000

    def test_edited_allocations_must_add_up(self, staf_hk, program, group):
        draft = draft_for(staf_hk, program, recipient=group)
        members = list(group.members_on(draft.handed_on).values_list("pk", flat=True))
        uneven = dict.fromkeys(members, 6000000)
        with pytest.raises(ValidationError) as error:
            allocations_set(disbursement=draft, actor=staf_hk, amounts=uneven)
        assert "Rp180.000.000" in str(error.value) or "180.000.000" in str(error.value)
        fair = dict(zip(members, equal_split(200_000_000, 30), strict=True))
        fair[members[0]] += 10
        fair[members[1]] -= 10
        allocations_set(disbursement=draft, actor=staf_hk, amounts=fair)
        assert sum(draft.allocations.values_list("amount", flat=True)) == 200_000_000

    def test_members_who_left_before_the_date_get_nothing(self, staf_hk, program, group):
        leaver = group.memberships.first()
        leaver.left_on = datetime.date(2023, 1, 31)
        leaver.save()
        handover = submitted_for(staf_hk, program, recipient=group)
        assert handover.allocations.count() == 29
        assert not handover.allocations.filter(partner=leaver.partner).exists()


class TestWorkflow:
    def test_full_journey_numbers_the_handover_at_approval(self, staf_hk, manajer_hk, program, group):
        handover = submitted_for(staf_hk, program, recipient=group)
        assert handover.number == ""
        handover = disbursement_approve(disbursement=handover, actor=manajer_hk)
        assert handover.number == "HK/TJSL/2023/0001"
        handover = disbursement_hand_over(disbursement=handover, actor=staf_hk, bast_scan=bast_scan(), photos=[photo()])
        handover = disbursement_verify(disbursement=handover, actor=manajer_hk)
        assert handover.status == Status.VERIFIED
        assert list(handover.transitions.values_list("to_status", flat=True)) == [
            "draft",
            "submitted",
            "approved",
            "handed_over",
            "verified",
        ]
        assert handover.evidence.count() == 1 and handover.bast_scan.name.startswith("private/")

    def test_creator_can_never_approve_their_own(self, manajer_hk, program, partner):
        handover = submitted_for(manajer_hk, program, recipient=partner)
        with pytest.raises(PermissionDenied):
            disbursement_approve(disbursement=handover, actor=manajer_hk)

    def test_database_refuses_creator_as_approver(self, staf_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        with pytest.raises(IntegrityError), transaction.atomic():
            Disbursement.objects.filter(pk=handover.pk).update(approved_by=staf_hk)

    def test_staff_and_other_company_managers_cannot_approve(self, staf_hk, staf2_hk, manajer_pln, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        for actor in (staf2_hk, manajer_pln):
            with pytest.raises(PermissionDenied):
                disbursement_approve(disbursement=handover, actor=actor)

    def test_return_to_draft_needs_a_reason_and_is_recorded(self, staf_hk, manajer_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        with pytest.raises(ValidationError):
            disbursement_return(disbursement=handover, actor=manajer_hk, reason=" ")
        disbursement_return(disbursement=handover, actor=manajer_hk, reason="Nilai bahan baku belum sesuai")
        handover.refresh_from_db()
        assert handover.status == Status.DRAFT
        assert handover.transitions.last().reason == "Nilai bahan baku belum sesuai"

    def test_a_draft_can_be_cancelled(self, staf_hk, program, partner):
        draft = draft_for(staf_hk, program, recipient=partner)
        disbursement_cancel(disbursement=draft, actor=staf_hk, reason="Dobel")
        draft.refresh_from_db()
        assert draft.status == Status.CANCELLED

    def test_handing_over_needs_a_real_pdf_and_a_photo(self, staf_hk, manajer_hk, program, partner):
        handover = disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk
        )
        with pytest.raises(ValidationError) as error:
            disbursement_hand_over(disbursement=handover, actor=staf_hk, bast_scan=bast_scan(), photos=[])
        assert "photos" in error.value.message_dict
        fake_pdf = SimpleUploadedFile("bast.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
        with pytest.raises(ValidationError) as error:
            disbursement_hand_over(disbursement=handover, actor=staf_hk, bast_scan=fake_pdf, photos=[photo()])
        assert "bast_scan" in error.value.message_dict
        handover.refresh_from_db()
        assert handover.status == Status.APPROVED and not handover.evidence.exists()

    def test_closed_program_accepts_no_approval(self, staf_hk, manajer_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        program.status = "ditutup"
        program.save()
        with translation.override("en"), pytest.raises(ValidationError, match="not active"):
            disbursement_approve(disbursement=handover, actor=manajer_hk)

    def test_date_outside_the_program_period_is_refused(self, staf_hk, program, partner):
        with pytest.raises(ValidationError) as error:
            submitted_for(staf_hk, program, recipient=partner, day=datetime.date(2026, 2, 1))
        assert "handed_on" in error.value.message_dict


class TestBudget:
    def test_approval_beyond_the_budget_names_what_is_left(self, staf_hk, manajer_hk, program, partner):
        disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner, total=700_000_000), actor=manajer_hk
        )
        second = submitted_for(staf_hk, program, recipient=partner, total=60_000_000)
        with pytest.raises(ValidationError) as error:
            disbursement_approve(disbursement=second, actor=manajer_hk)
        assert "Rp50.000.000" in str(error.value)
        second.refresh_from_db()
        assert second.status == Status.SUBMITTED and second.number == ""

    def test_failed_approval_leaves_no_gap_in_numbers(self, staf_hk, manajer_hk, program, partner):
        too_big = submitted_for(staf_hk, program, recipient=partner, total=800_000_000)
        with pytest.raises(ValidationError):
            disbursement_approve(disbursement=too_big, actor=manajer_hk)
        fits = disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk)
        assert fits.number == "HK/TJSL/2023/0001"

    def test_no_budget_for_the_year_is_a_clear_refusal(self, staf_hk, manajer_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner, day=datetime.date(2024, 3, 1))
        with pytest.raises(ValidationError, match="2024"):
            disbursement_approve(disbursement=handover, actor=manajer_hk)

    def test_reversal_gives_the_budget_back_and_keeps_the_original(self, staf_hk, manajer_hk, program, partner):
        original = disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk
        )
        assert budget_committed(program=program, year=2023) == 200_000_000
        reversal = disbursement_reverse(disbursement=original, actor=staf_hk, reason="Salah penerima")
        assert reversal.reverses == original and reversal.status == Status.SUBMITTED
        disbursement_approve(disbursement=reversal, actor=manajer_hk)
        assert budget_committed(program=program, year=2023) == 0
        original.refresh_from_db()
        assert original.status == Status.APPROVED and original.total == 200_000_000


class TestFrozenAfterApproval:
    @pytest.fixture
    def approved(self, staf_hk, manajer_hk, program, partner):
        return disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk)

    def test_service_refuses_edits(self, approved, staf_hk):
        with pytest.raises(PermissionDenied):
            disbursement_update_draft(disbursement=approved, actor=staf_hk, place="Tempat lain")

    def test_orm_save_update_and_delete_are_refused(self, approved):
        approved.place = "Tempat lain"
        with pytest.raises(FrozenRecordError):
            approved.save()
        with pytest.raises(FrozenRecordError):
            Disbursement.objects.filter(pk=approved.pk).update(place="Tempat lain")
        with pytest.raises(FrozenRecordError):
            Disbursement.objects.filter(pk=approved.pk).delete()
        with pytest.raises(FrozenRecordError):
            approved.delete()

    def test_items_are_frozen_too(self, approved):
        item = approved.items.first()
        item.unit_value = 1
        with pytest.raises(FrozenRecordError):
            item.save()
        with pytest.raises(FrozenRecordError):
            Item.objects.filter(disbursement=approved).delete()
        with pytest.raises(FrozenRecordError):
            Item.objects.create(
                disbursement=approved, kind="jasa", description="x", quantity=1, unit="x", unit_value=1, total=1
            )

    @requires_postgres
    def test_database_refuses_raw_sql_changes(self, approved):
        for statement in (
            "UPDATE disbursements_disbursement SET total = 1 WHERE id = %s",
            "DELETE FROM disbursements_disbursement WHERE id = %s",
            "UPDATE disbursements_item SET total = 1 WHERE disbursement_id = %s",
            "DELETE FROM disbursements_item WHERE disbursement_id = %s",
        ):
            with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [approved.pk])
        approved.refresh_from_db()
        assert approved.total == 200_000_000 and approved.items.count() == 2

    @requires_postgres
    def test_database_lets_the_workflow_move_on(self, approved, staf_hk):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE disbursements_disbursement SET status = 'handed_over' WHERE id = %s", [approved.pk])
        approved.refresh_from_db()
        assert approved.status == Status.HANDED_OVER

    def test_history_keeps_every_version(self, approved):
        assert approved.history.count() >= 3
        assert approved.history.earliest().status == Status.DRAFT


@requires_postgres
class TestConcurrency:
    """Against PostgreSQL with real threads and connections."""

    def test_twenty_approvals_against_a_budget_for_ten(self, live_db, hk):
        from accounts.roles import Role
        from conftest import make_user
        from disbursements.tests.conftest import make_partner
        from programs.models import Program
        from regions.models import Region

        staff = make_user("staf.hk", Role.STAF, company=hk)
        managers = [make_user(f"manajer{i}.hk", Role.MANAJER, company=hk) for i in range(20)]
        program = Program.objects.create(
            company=hk,
            code="HK-C",
            name="Uji serentak",
            pillar="ekonomi",
            support_form="bantuan",
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2023, 12, 31),
            status="aktif",
        )
        ProgramBudget.objects.create(program=program, year=2023, amount=100_000_000)
        partner = make_partner("Usaha Serentak", Region.objects.get(code="16.10"))
        handovers = [submitted_for(staff, program, recipient=partner, total=10_000_000) for _ in range(20)]
        results: list[str] = []
        barrier = threading.Barrier(20)

        def approve(handover, manager):
            barrier.wait()
            try:
                disbursement_approve(disbursement=handover, actor=manager)
                results.append("ok")
            except ValidationError as error:
                results.append(str(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=pair) for pair in zip(handovers, managers, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results.count("ok") == 10
        refusals = [r for r in results if r != "ok"]
        assert len(refusals) == 10 and all("Rp0" in r for r in refusals)
        numbers = sorted(Disbursement.objects.exclude(number="").values_list("number", flat=True))
        assert numbers == [f"HK/TJSL/2023/{i:04d}" for i in range(1, 11)]
        assert budget_committed(program=program, year=2023) == 100_000_000

    def test_double_submit_at_the_same_moment_creates_one_handover(self, live_db, hk):
        from accounts.roles import Role
        from conftest import make_user
        from programs.models import Program

        staff = make_user("staf.hk", Role.STAF, company=hk)
        program = Program.objects.create(
            company=hk,
            code="HK-D",
            name="Uji dobel",
            pillar="ekonomi",
            support_form="bantuan",
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2023, 12, 31),
            status="aktif",
        )
        key = uuid.uuid4()
        barrier = threading.Barrier(5)
        ids: list[int] = []

        def create():
            barrier.wait()
            try:
                ids.append(
                    disbursement_create_draft(
                        actor=staff, program=program, submission_key=key, items=items_worth(1_000_000)
                    ).pk
                )
            finally:
                connection.close()

        threads = [threading.Thread(target=create) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(ids)) == 1 and len(ids) == 5
        assert Disbursement.objects.filter(program=program).count() == 1


class TestSecondActorSameMoment:
    def test_second_approval_is_told_it_is_already_approved(self, staf_hk, manajer_hk, program, partner):
        from accounts.roles import Role
        from conftest import make_user

        other_manager = make_user("manajer2.hk", Role.MANAJER, company=program.company)
        handover = submitted_for(staf_hk, program, recipient=partner)
        disbursement_approve(disbursement=handover, actor=manajer_hk)
        with translation.override("en"), pytest.raises(ValidationError, match="already approved"):
            disbursement_approve(disbursement=handover, actor=other_manager)
        handover.refresh_from_db()
        assert handover.approved_by == manajer_hk and handover.number == "HK/TJSL/2023/0001"

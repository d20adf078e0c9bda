"""Segregation of duties: whoever changed a draft's content may not approve it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.roles import Role
from conftest import make_user, requires_postgres
from disbursements.models import Contributor, Disbursement, Status
from disbursements.services import (
    allocations_set,
    can_approve,
    disbursement_approve,
    disbursement_return,
    disbursement_reverse,
    disbursement_submit,
    disbursement_update_draft,
)
from disbursements.tests.conftest import draft_for, items_worth, make_partner, submitted_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def manajer2_hk(hk):
    return make_user("manajer2.hk", Role.MANAJER, company=hk)


def contributors(handover) -> set[str]:
    return set(Contributor.objects.filter(disbursement=handover).values_list("user__username", flat=True))


class TestWhoIsRecorded:
    def test_the_person_who_creates_the_draft_is_a_contributor(self, staf_hk, program, partner):
        assert contributors(draft_for(staf_hk, program, recipient=partner)) == {"staf.hk"}

    def test_a_manager_who_changes_the_recipient_and_amount_is_recorded(
        self, staf_hk, manajer_hk, program, partner, ogan_ilir
    ):
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        other = make_partner("Tembaga Lain", ogan_ilir)
        disbursement_update_draft(disbursement=handover, actor=manajer_hk, partner=other, items=items_worth(50_000_000))
        assert contributors(handover) == {"staf.hk", "manajer.hk"}

    def test_saving_a_draft_unchanged_records_nobody(self, staf_hk, manajer_hk, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner)
        disbursement_update_draft(
            disbursement=handover, actor=manajer_hk, place=handover.place, items=items_worth(200_000_000)
        )
        assert contributors(handover) == {"staf.hk"}

    def test_changing_the_member_allocations_is_a_contribution(self, staf_hk, manajer_hk, program, group):
        handover = draft_for(staf_hk, program, recipient=group, total=30_000_000)
        members = list(group.memberships.values_list("partner_id", flat=True))
        amounts = dict.fromkeys(members, 1_000_000)
        amounts[members[0]], amounts[members[1]] = 1_500_000, 500_000
        allocations_set(disbursement=handover, actor=manajer_hk, amounts=amounts)
        assert contributors(handover) == {"staf.hk", "manajer.hk"}

    def test_returning_and_submitting_change_no_content(self, staf_hk, manajer_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        disbursement_return(disbursement=handover, actor=manajer_hk, reason="Periksa lagi")
        disbursement_submit(disbursement=handover, actor=manajer_hk)
        assert contributors(handover) == {"staf.hk"}
        assert disbursement_approve(disbursement=handover, actor=manajer_hk).status == Status.APPROVED


class TestApproval:
    def test_a_manager_who_edited_a_staff_draft_cannot_approve_it(self, staf_hk, manajer_hk, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        disbursement_update_draft(disbursement=handover, actor=manajer_hk, items=items_worth(50_000_000))
        handover = disbursement_submit(disbursement=handover, actor=manajer_hk)
        assert not can_approve(manajer_hk, handover)
        with pytest.raises(PermissionDenied):
            disbursement_approve(disbursement=handover, actor=manajer_hk)
        handover.refresh_from_db()
        assert handover.status == Status.SUBMITTED and handover.approved_by_id is None

    def test_another_manager_who_changed_nothing_approves_it(self, staf_hk, manajer_hk, manajer2_hk, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        disbursement_update_draft(disbursement=handover, actor=manajer_hk, items=items_worth(50_000_000))
        handover = disbursement_submit(disbursement=handover, actor=manajer_hk)
        assert can_approve(manajer2_hk, handover)
        assert disbursement_approve(disbursement=handover, actor=manajer2_hk).approved_by == manajer2_hk

    def test_the_manager_who_reverses_cannot_approve_the_reversal(
        self, staf_hk, manajer_hk, manajer2_hk, program, partner
    ):
        submitted = submitted_for(staf_hk, program, recipient=partner)
        original = disbursement_approve(disbursement=submitted, actor=manajer_hk)
        reversal = disbursement_reverse(disbursement=original, actor=manajer2_hk, reason="Salah penerima")
        assert contributors(reversal) == {"manajer2.hk"}
        with pytest.raises(PermissionDenied):
            disbursement_approve(disbursement=reversal, actor=manajer2_hk)


@requires_postgres
class TestDatabaseRefusesAContributorAsApprover:
    def test_orm_update_is_refused(self, staf_hk, manajer_hk, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        disbursement_update_draft(disbursement=handover, actor=manajer_hk, items=items_worth(50_000_000))
        disbursement_submit(disbursement=handover, actor=manajer_hk)
        with pytest.raises(IntegrityError), transaction.atomic():
            Disbursement.objects.filter(pk=handover.pk).update(approved_by=manajer_hk)

    def test_raw_sql_is_refused(self, staf_hk, manajer_hk, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        disbursement_update_draft(disbursement=handover, actor=manajer_hk, place="Balai Desa")
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE disbursements_disbursement SET approved_by_id = %s, status = 'approved' WHERE id = %s",
                [manajer_hk.pk, handover.pk],
            )
        handover.refresh_from_db()
        assert handover.approved_by_id is None

    def test_a_non_contributor_may_still_be_set_as_approver(self, staf_hk, manajer_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        assert Disbursement.objects.filter(pk=handover.pk).update(approved_by=manajer_hk) == 1

    def test_contributors_of_an_approved_handover_are_frozen(self, staf_hk, manajer_hk, manajer2_hk, program, partner):
        submitted = submitted_for(staf_hk, program, recipient=partner)
        handover = disbursement_approve(disbursement=submitted, actor=manajer_hk)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM disbursements_contributor WHERE disbursement_id = %s", [handover.pk])
        assert contributors(handover) == {"staf.hk"}

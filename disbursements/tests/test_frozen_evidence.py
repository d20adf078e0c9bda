"""A handed-over handover keeps its signed BAST scan and its photos, whatever writes to the database."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from conftest import requires_postgres
from disbursements.models import Disbursement, Evidence, FrozenRecordError, Status
from disbursements.services import (
    disbursement_approve,
    disbursement_hand_over,
    disbursement_verify,
)
from disbursements.tests.conftest import submitted_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def hand_over(handover, actor):
    return disbursement_hand_over(
        disbursement=handover,
        actor=actor,
        bast_scan=SimpleUploadedFile("bast.pdf", PDF, content_type="application/pdf"),
        photos=[SimpleUploadedFile("foto.png", PNG, content_type="image/png")],
    )


@pytest.fixture(autouse=True)
def in_english():
    """Messages are matched by their English msgid; the catalogue may be compiled or not."""
    with translation.override("en"):
        yield


@pytest.fixture
def approved(staf_hk, manajer_hk, program, partner):
    return disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk)


@pytest.fixture
def handed_over(approved, staf_hk):
    return hand_over(approved, staf_hk)


@pytest.fixture
def verified(handed_over, manajer_hk):
    return disbursement_verify(disbursement=handed_over, actor=manajer_hk)


@pytest.fixture(params=["handed_over", "verified"])
def frozen(request):
    """A handover that has its signed scan and photos."""
    return request.getfixturevalue(request.param)


def snapshot(handover: Disbursement) -> tuple:
    handover.refresh_from_db()
    photos = list(Evidence.objects.filter(disbursement=handover).values_list("pk", "file", "original_name", "caption"))
    return (
        handover.status,
        handover.bast_scan.name,
        handover.handed_over_at,
        handover.handed_over_by_id,
        handover.verified_at,
        handover.verified_by_id,
        photos,
    )


def refused_by_database(statement: str, params: dict) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@requires_postgres
class TestTheDatabaseRefuses:
    @pytest.mark.parametrize(
        "assignment",
        [
            "bast_scan = 'private/disbursements/another.pdf'",
            "bast_scan = ''",
            "handed_over_at = now() - interval '1 day'",
            "handed_over_by_id = %(someone)s",
            "handed_over_by_id = NULL",
            "verified_at = now() + interval '1 day'",
            "verified_by_id = %(someone)s",
            "status = 'approved'",
            "status = 'handed_over', bast_scan = 'private/disbursements/another.pdf'",
        ],
    )
    def test_an_update_of_the_scan_or_the_hand_over_record(self, frozen, staf2_hk, assignment):
        before = snapshot(frozen)
        statement = f"UPDATE disbursements_disbursement SET {assignment} WHERE id = %(pk)s"  # noqa: S608 - fixed list
        refused_by_database(statement, {"pk": frozen.pk, "someone": staf2_hk.pk})
        assert snapshot(frozen) == before

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE disbursements_evidence SET file = 'private/another.png' WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_evidence SET original_name = 'lain.png' WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_evidence SET caption = 'lain' WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_evidence SET content_type = 'image/jpeg' WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_evidence SET size = 1 WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_evidence SET uploaded_by_id = %(someone)s WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_evidence SET uploaded_at = now() WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_evidence SET disbursement_id = %(other)s WHERE disbursement_id = %(pk)s",
            "DELETE FROM disbursements_evidence WHERE disbursement_id = %(pk)s",
            "INSERT INTO disbursements_evidence"
            " (disbursement_id, file, content_type, original_name, size, caption, uploaded_by_id, uploaded_at)"
            " VALUES (%(pk)s, 'private/disbursements/extra.png', 'image/png', 'extra.png', 1, '', %(someone)s, now())",
        ],
    )
    def test_a_change_to_the_photos(self, frozen, approved_elsewhere, manajer_hk, statement):
        before = snapshot(frozen)
        refused_by_database(statement, {"pk": frozen.pk, "someone": manajer_hk.pk, "other": approved_elsewhere.pk})
        assert snapshot(frozen) == before

    def test_a_scan_written_to_an_approved_handover_without_handing_it_over(self, approved):
        refused_by_database(
            "UPDATE disbursements_disbursement SET bast_scan = 'private/disbursements/x.pdf' WHERE id = %(pk)s",
            {"pk": approved.pk},
        )
        refused_by_database(
            "UPDATE disbursements_disbursement SET status = 'verified' WHERE id = %(pk)s", {"pk": approved.pk}
        )

    def test_a_photo_added_to_an_approved_handover_that_is_not_handed_over_in_the_same_transaction(
        self, approved, staf_hk
    ):
        insert = (
            "INSERT INTO disbursements_evidence"
            " (disbursement_id, file, content_type, original_name, size, caption, uploaded_by_id, uploaded_at)"
            " VALUES (%(pk)s, 'private/disbursements/x.png', 'image/png', 'x.png', 1, '', %(someone)s, now())"
        )
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, {"pk": approved.pk, "someone": staf_hk.pk})
            # What a commit would check.
            cursor.execute("SET CONSTRAINTS disbursements_evidence_with_hand_over IMMEDIATE")
        assert not Evidence.objects.filter(disbursement=approved).exists()

    def test_photos_of_a_draft(self, staf_hk, program, partner):
        draft = submitted_for(staf_hk, program, recipient=partner)
        refused_by_database(
            "INSERT INTO disbursements_evidence"
            " (disbursement_id, file, content_type, original_name, size, caption, uploaded_by_id, uploaded_at)"
            " VALUES (%(pk)s, 'private/disbursements/x.png', 'image/png', 'x.png', 1, '', %(someone)s, now())",
            {"pk": draft.pk, "someone": staf_hk.pk},
        )


@pytest.fixture
def approved_elsewhere(staf_hk, manajer_hk, program, partner):
    """A second approved handover, not yet handed over: photos must not move into it either."""
    return disbursement_approve(
        disbursement=submitted_for(staf_hk, program, recipient=partner, total=1_000_000), actor=manajer_hk
    )


class TestTheModelsRefuse:
    def test_replacing_the_scan(self, frozen):
        before = snapshot(frozen)
        frozen.bast_scan.name = "private/disbursements/another.pdf"
        with pytest.raises(FrozenRecordError, match="signed BAST scan"):
            frozen.save(update_fields=["bast_scan"])
        with pytest.raises(FrozenRecordError, match="signed BAST scan"):
            Disbursement.objects.filter(pk=frozen.pk).update(bast_scan="private/disbursements/another.pdf")
        assert snapshot(frozen) == before

    def test_rewriting_who_handed_over_or_verified(self, verified, staf2_hk):
        verified.handed_over_by = staf2_hk
        with pytest.raises(FrozenRecordError):
            verified.save(update_fields=["handed_over_by"])
        verified.refresh_from_db()
        verified.verified_by = staf2_hk
        with pytest.raises(FrozenRecordError, match="verified"):
            verified.save(update_fields=["verified_by"])

    def test_moving_back_to_approved(self, frozen):
        frozen.status = Status.APPROVED
        with pytest.raises(FrozenRecordError, match="forwards"):
            frozen.save(update_fields=["status"])
        with pytest.raises(FrozenRecordError):
            Disbursement.objects.filter(pk=frozen.pk).update(status=Status.APPROVED)

    def test_changing_removing_or_adding_photos(self, frozen, staf_hk):
        before = snapshot(frozen)
        photo = frozen.evidence.get()
        photo.caption = "lain"
        with pytest.raises(FrozenRecordError, match="photos"):
            photo.save()
        with pytest.raises(FrozenRecordError, match="photos"):
            photo.delete()
        with pytest.raises(FrozenRecordError, match="photos"):
            Evidence.objects.filter(disbursement=frozen).update(caption="lain")
        with pytest.raises(FrozenRecordError, match="photos"):
            Evidence.objects.filter(disbursement=frozen).delete()
        with pytest.raises(FrozenRecordError, match="handed over"):
            Evidence.objects.create(
                disbursement=frozen, content_type="image/png", original_name="x.png", size=1, uploaded_by=staf_hk
            )
        assert snapshot(frozen) == before

    def test_handing_over_twice_keeps_the_first_scan(self, handed_over, staf_hk, client):
        before = snapshot(handed_over)
        client.force_login(staf_hk)
        response = client.post(
            reverse("disbursements:handover-hand-over", args=[handed_over.pk]),
            {"bast_scan": SimpleUploadedFile("lain.pdf", PDF), "photos": [SimpleUploadedFile("lain.png", PNG)]},
        )
        assert response.status_code in (302, 403)
        assert snapshot(handed_over) == before


class TestTheWorkflowStillWorks:
    def test_hand_over_then_verify_keeps_the_scan_and_photos(self, approved, staf_hk, manajer_hk):
        handed = hand_over(approved, staf_hk)
        scan, photos = handed.bast_scan.name, list(handed.evidence.values_list("pk", flat=True))
        assert scan.startswith("private/") and len(photos) == 1
        verified = disbursement_verify(disbursement=handed, actor=manajer_hk)
        verified.refresh_from_db()
        assert verified.status == Status.VERIFIED and verified.bast_scan.name == scan
        assert list(verified.evidence.values_list("pk", flat=True)) == photos

    @requires_postgres
    def test_the_database_lets_the_hand_over_write_its_scan_once(self, approved, staf_hk):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO disbursements_evidence"
                " (disbursement_id, file, content_type, original_name, size, caption, uploaded_by_id, uploaded_at)"
                " VALUES (%(pk)s, 'private/disbursements/x.png', 'image/png', 'x.png', 1, '', %(someone)s, now())",
                {"pk": approved.pk, "someone": staf_hk.pk},
            )
            cursor.execute(
                "UPDATE disbursements_disbursement SET status = 'handed_over',"
                " bast_scan = 'private/disbursements/s.pdf', handed_over_at = now(),"
                " handed_over_by_id = %(someone)s WHERE id = %(pk)s",
                {"pk": approved.pk, "someone": staf_hk.pk},
            )
            cursor.execute("SET CONSTRAINTS disbursements_evidence_with_hand_over IMMEDIATE")
            cursor.execute(
                "UPDATE disbursements_disbursement SET status = 'verified', verified_at = now(),"
                " verified_by_id = %(someone)s WHERE id = %(pk)s",
                {"pk": approved.pk, "someone": staf_hk.pk},
            )
        approved.refresh_from_db()
        assert approved.status == Status.VERIFIED and approved.bast_scan.name == "private/disbursements/s.pdf"


class TestStatusChangesAreAppendOnly:
    @requires_postgres
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE disbursements_transition SET actor_id = %(someone)s WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_transition SET at = now() - interval '1 year' WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_transition SET to_status = 'cancelled' WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_transition SET from_status = '' WHERE disbursement_id = %(pk)s",
            "UPDATE disbursements_transition SET reason = 'lain' WHERE disbursement_id = %(pk)s",
            "DELETE FROM disbursements_transition WHERE disbursement_id = %(pk)s",
        ],
    )
    def test_the_database_refuses_rewriting_who_moved_a_handover(self, frozen, staf2_hk, statement):
        before = list(frozen.transitions.values())
        refused_by_database(statement, {"pk": frozen.pk, "someone": staf2_hk.pk})
        assert list(frozen.transitions.values()) == before

    def test_the_models_refuse_it_too(self, frozen, staf2_hk):
        approval = frozen.transitions.get(to_status=Status.APPROVED)
        approval.actor = staf2_hk
        with pytest.raises(FrozenRecordError, match="status changes"):
            approval.save()
        with pytest.raises(FrozenRecordError, match="status changes"):
            approval.delete()
        with pytest.raises(FrozenRecordError, match="status changes"):
            frozen.transitions.update(actor=staf2_hk)
        with pytest.raises(FrozenRecordError, match="status changes"):
            frozen.transitions.all().delete()
        assert frozen.transitions.get(to_status=Status.APPROVED).actor_id != staf2_hk.pk

    def test_every_step_still_adds_its_own(self, verified):
        steps = list(verified.transitions.values_list("to_status", flat=True))
        assert steps == [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.HANDED_OVER, Status.VERIFIED]

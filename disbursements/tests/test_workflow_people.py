"""What the people in the workflow expect: withdrawing a submission, the budget beside the
amount, one person never doing every step, and being told when it is their turn."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from conftest import make_user
from disbursements.models import Notification, Status
from disbursements.notifications import EMAIL_TASK, _language, notification_email_send
from disbursements.services import (
    can_verify,
    can_withdraw,
    disbursement_approve,
    disbursement_hand_over,
    disbursement_return,
    disbursement_submit,
    disbursement_update_draft,
    disbursement_verify,
    disbursement_withdraw,
)
from disbursements.tests.conftest import draft_for, submitted_for
from disbursements.tests.test_api import post
from disbursements.tests.test_services import bast_scan, photo
from tjsl.models import OutboxMessage


@pytest.fixture
def submitted(staf_hk, program, partner):
    return submitted_for(staf_hk, program, recipient=partner)


@pytest.fixture
def manajer2_hk(hk):
    return make_user("manajer2.hk", Role.MANAJER, company=hk, email="manajer2@hk.example")


@pytest.fixture
def company_admin_hk(hk):
    return make_user("admin.hk", Role.ADMINISTRATOR, company=hk)


def detail(handover) -> str:
    return reverse("disbursements:handover-detail", args=[handover.pk])


# Everyone but the author and the contributors; `None`: the page is out of their scope (404).
OUTSIDERS = ["staf2_hk", "manajer_hk", "company_admin_hk", "staf_pln", "pejabat_sumsel", "auditor", "admin_user"]


class TestWithdraw:
    def test_author_withdraws_to_draft_and_the_history_keeps_the_reason(self, submitted, staf_hk):
        handover = disbursement_withdraw(disbursement=submitted, actor=staf_hk, reason="Salah jumlah")
        assert handover.status == Status.DRAFT
        last = handover.transitions.last()
        assert (last.from_status, last.to_status, last.actor, last.reason) == (
            "submitted",
            "draft",
            staf_hk,
            "Salah jumlah",
        )

    def test_reason_is_optional(self, submitted, staf_hk):
        assert disbursement_withdraw(disbursement=submitted, actor=staf_hk).status == Status.DRAFT

    def test_a_contributor_may_withdraw(self, staf_hk, staf2_hk, program, partner):
        draft = draft_for(staf_hk, program, recipient=partner)
        disbursement_update_draft(disbursement=draft, actor=staf2_hk, notes="Dilengkapi")
        handover = disbursement_submit(disbursement=draft, actor=staf_hk)
        assert can_withdraw(staf2_hk, handover)
        assert disbursement_withdraw(disbursement=handover, actor=staf2_hk).status == Status.DRAFT

    @pytest.mark.parametrize("role", OUTSIDERS)
    def test_nobody_else_may_withdraw(self, request, submitted, role):
        user = request.getfixturevalue(role)
        assert not can_withdraw(user, submitted)
        with pytest.raises(PermissionDenied):
            disbursement_withdraw(disbursement=submitted, actor=user)
        submitted.refresh_from_db()
        assert submitted.status == Status.SUBMITTED

    @pytest.mark.parametrize("role", OUTSIDERS)
    def test_nobody_else_may_withdraw_from_the_page_or_the_api(self, request, client, submitted, role):
        user = request.getfixturevalue(role)
        client.force_login(user)
        page = client.post(reverse("disbursements:handover-withdraw", args=[submitted.pk]))
        api = post(client, f"/api/v1/handovers/{submitted.pk}/withdraw/", {}, user)
        assert page.status_code in (403, 404) and api.status_code in (403, 404)
        submitted.refresh_from_db()
        assert submitted.status == Status.SUBMITTED

    def test_only_while_submitted(self, submitted, staf_hk, manajer_hk):
        approved = disbursement_approve(disbursement=submitted, actor=manajer_hk)
        assert not can_withdraw(staf_hk, approved)
        with pytest.raises(ValidationError):
            disbursement_withdraw(disbursement=approved, actor=staf_hk)
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED

    @pytest.mark.parametrize(
        ("language", "button", "done"),
        [
            ("id", "Tarik pengajuan", "Pengajuan ditarik; penyaluran kembali menjadi draf."),
            ("en", "Withdraw the submission", "Withdrawn; the handover is a draft again."),
        ],
    )
    def test_author_withdraws_with_the_button(self, client, submitted, staf_hk, language, button, done):
        client.cookies["django_language"] = language
        client.force_login(staf_hk)
        page = client.get(detail(submitted))
        assert button in page.content.decode()
        response = client.post(
            reverse("disbursements:handover-withdraw", args=[submitted.pk]),
            {"reason": "Foto kurang"},
            follow=True,
        )
        assert done in response.content.decode()
        submitted.refresh_from_db()
        assert submitted.status == Status.DRAFT and submitted.transitions.last().reason == "Foto kurang"

    def test_the_approver_sees_no_withdraw_button(self, client, submitted, manajer_hk):
        client.force_login(manajer_hk)
        client.cookies["django_language"] = "en"
        assert "Withdraw the submission" not in client.get(detail(submitted)).content.decode()

    def test_api_withdraw(self, client, submitted, staf_hk):
        response = post(client, f"/api/v1/handovers/{submitted.pk}/withdraw/", {"reason": "Revisi"}, staf_hk)
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "draft"
        assert response.json()["transitions"][-1]["reason"] == "Revisi"


def _approved_by(approver, staf_hk, program, partner):
    return disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=partner), actor=approver)


class TestOnePersonNeverDoesEveryStep:
    @pytest.mark.parametrize("separate", [True, False])
    @pytest.mark.parametrize("handed_by", ["approver", "staff"])
    @pytest.mark.parametrize("verified_by", ["approver", "other manager"])
    def test_each_combination(
        self, hk, staf_hk, manajer_hk, manajer2_hk, program, partner, separate, handed_by, verified_by
    ):
        hk.separate_duties = separate
        hk.save(update_fields=["separate_duties"])
        handover = _approved_by(manajer_hk, staf_hk, program, partner)
        hander = manajer_hk if handed_by == "approver" else staf_hk
        handover = disbursement_hand_over(disbursement=handover, actor=hander, bast_scan=bast_scan(), photos=[photo()])
        verifier = manajer_hk if verified_by == "approver" else manajer2_hk
        refused = separate and handed_by == "approver" and verified_by == "approver"
        assert can_verify(verifier, handover) is not refused
        if refused:
            with pytest.raises(PermissionDenied, match="manajer lain yang harus memverifikasinya"):
                disbursement_verify(disbursement=handover, actor=verifier)
            handover.refresh_from_db()
            assert handover.status == Status.HANDED_OVER
        else:
            assert disbursement_verify(disbursement=handover, actor=verifier).status == Status.VERIFIED

    def test_companies_separate_duties_unless_they_choose_otherwise(self, hk):
        assert hk.separate_duties is True

    @pytest.mark.parametrize(
        ("language", "explanation"),
        [
            ("id", "manajer lain yang harus memverifikasinya"),
            ("en", "another manager must verify it"),
        ],
    )
    def test_the_verify_button_hides_with_an_explanation(
        self, client, staf_hk, manajer_hk, manajer2_hk, program, partner, language, explanation
    ):
        client.cookies["django_language"] = language
        handover = _approved_by(manajer_hk, staf_hk, program, partner)
        handover = disbursement_hand_over(
            disbursement=handover, actor=manajer_hk, bast_scan=bast_scan(), photos=[photo()]
        )
        verify_url = reverse("disbursements:handover-verify", args=[handover.pk])
        client.force_login(manajer_hk)
        page = client.get(detail(handover)).content.decode()
        assert explanation in page and verify_url not in page
        client.force_login(manajer2_hk)
        page = client.get(detail(handover)).content.decode()
        assert explanation not in page and verify_url in page

    def test_the_page_and_the_api_refuse_the_third_step(self, client, staf_hk, manajer_hk, program, partner):
        handover = _approved_by(manajer_hk, staf_hk, program, partner)
        handover = disbursement_hand_over(
            disbursement=handover, actor=manajer_hk, bast_scan=bast_scan(), photos=[photo()]
        )
        client.force_login(manajer_hk)
        assert client.post(reverse("disbursements:handover-verify", args=[handover.pk])).status_code == 403
        assert post(client, f"/api/v1/handovers/{handover.pk}/verify/", {}, manajer_hk).status_code == 403
        handover.refresh_from_db()
        assert handover.status == Status.HANDED_OVER


class TestBudgetBesideTheAmount:
    @pytest.mark.parametrize(
        ("language", "title", "after"),
        [
            ("id", "Anggaran program 2023", "Sisa setelah disetujui"),
            ("en", "Program budget 2023", "Remaining after approval"),
        ],
    )
    def test_the_approver_sees_budget_committed_and_remaining(
        self, client, staf_hk, manajer_hk, program, partner, language, title, after
    ):
        client.cookies["django_language"] = language
        _approved_by(manajer_hk, staf_hk, program, partner)  # Rp200.000.000 committed
        waiting = submitted_for(staf_hk, program, recipient=partner, total=100_000_000)
        client.force_login(manajer_hk)
        page = client.get(detail(waiting)).content.decode()
        box = page[page.index('id="budget-position"') :]
        box = box[: box.index("</div>\n</div>")]
        assert title in box
        for amount in ("750.000.000", "200.000.000", "550.000.000", "100.000.000", "450.000.000"):
            assert f"Rp{amount}" in box  # rupiah keep the Indonesian grouping in both languages
        assert after in box and box.index(after) < box.index("Rp450.000.000")
        assert "melampaui" not in box and "exceed" not in box

    @pytest.mark.parametrize(
        ("language", "warning"),
        [
            ("id", "Menyetujui penyaluran ini akan melampaui anggaran tahun tersebut."),
            ("en", "Approving this handover would exceed the year"),
        ],
    )
    def test_a_warning_when_approval_would_exceed(
        self, client, staf_hk, manajer_hk, program, partner, language, warning
    ):
        client.cookies["django_language"] = language
        _approved_by(manajer_hk, staf_hk, program, partner)
        waiting = submitted_for(staf_hk, program, recipient=partner, total=600_000_000)
        client.force_login(manajer_hk)
        page = client.get(detail(waiting)).content.decode()
        assert warning in page

    @pytest.mark.parametrize("role", ["staf_hk", "staf2_hk", "pejabat_sumsel", "auditor", "admin_user"])
    def test_only_someone_who_can_approve_sees_it(self, request, client, submitted, role):
        client.force_login(request.getfixturevalue(role))
        page = client.get(detail(submitted)).content.decode()
        assert 'id="budget-position"' not in page

    def test_the_author_who_is_a_manager_does_not_see_it_either(self, client, manajer_hk, program, partner):
        own = submitted_for(manajer_hk, program, recipient=partner)
        client.force_login(manajer_hk)
        assert 'id="budget-position"' not in client.get(detail(own)).content.decode()


def _with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


class TestNotifications:
    def test_a_submission_goes_to_the_managers_who_may_approve_it(
        self, staf_hk, staf2_hk, manajer_hk, manajer2_hk, manajer_pln, pejabat_sumsel, program, partner
    ):
        _with_email(manajer_hk, "manajer@hk.example")
        handover = submitted_for(staf_hk, program, recipient=partner)
        notified = Notification.objects.filter(handover=handover, verb="submitted")
        assert sorted(n.recipient.username for n in notified) == ["manajer.hk", "manajer2.hk"]
        queued = OutboxMessage.objects.filter(task=EMAIL_TASK).values_list("args", flat=True)
        assert sorted(queued) == sorted([n.pk] for n in notified)

    def test_a_manager_who_entered_it_is_not_asked_to_approve_it(self, manajer_hk, manajer2_hk, program, partner):
        handover = submitted_for(manajer_hk, program, recipient=partner)
        notified = Notification.objects.filter(handover=handover, verb="submitted")
        assert [n.recipient for n in notified] == [manajer2_hk]

    def test_return_approval_and_handover_go_to_the_author_and_contributors(
        self, staf_hk, staf2_hk, manajer_hk, program, partner
    ):
        draft = draft_for(staf_hk, program, recipient=partner)
        disbursement_update_draft(disbursement=draft, actor=staf2_hk, notes="Dilengkapi")
        handover = disbursement_submit(disbursement=draft, actor=staf_hk)
        disbursement_return(disbursement=handover, actor=manajer_hk, reason="NIK salah")
        returned = Notification.objects.filter(handover=handover, verb="returned")
        assert sorted((n.recipient.username, n.reason) for n in returned) == [
            ("staf.hk", "NIK salah"),
            ("staf2.hk", "NIK salah"),
        ]
        handover = disbursement_submit(disbursement=handover, actor=staf_hk)
        handover = disbursement_approve(disbursement=handover, actor=manajer_hk)
        disbursement_hand_over(disbursement=handover, actor=staf2_hk, bast_scan=bast_scan(), photos=[photo()])
        approved = Notification.objects.filter(handover=handover, verb="approved")
        handed = Notification.objects.filter(handover=handover, verb="handed_over")
        assert sorted(n.recipient.username for n in approved) == ["staf.hk", "staf2.hk"]
        assert [n.recipient.username for n in handed] == ["staf.hk"]  # not the one who did it

    def test_a_withdrawal_notifies_nobody(self, submitted, staf_hk):
        before = Notification.objects.count()
        disbursement_withdraw(disbursement=submitted, actor=staf_hk)
        assert Notification.objects.count() == before

    def test_the_email_is_indonesian_links_the_site_and_is_sent_once(
        self, settings, staf_hk, manajer_hk, program, partner
    ):
        settings.TJSL_SITE_URL = "https://tjsl.example"
        _with_email(staf_hk, "staf@hk.example")
        handover = submitted_for(staf_hk, program, recipient=partner)
        disbursement_return(disbursement=handover, actor=manajer_hk, reason="NIK salah")
        notification = Notification.objects.get(handover=handover, verb="returned")
        mail.outbox.clear()
        with translation.override("en"):  # the request's language does not matter
            assert notification_email_send(notification_id=notification.pk) is True
            assert notification_email_send(notification_id=notification.pk) is False
        [message] = mail.outbox
        assert message.to == ["staf@hk.example"]
        assert message.subject.startswith("Penyaluran dikembalikan kepada Anda")
        assert "Alasan: NIK salah" in message.body
        assert f"https://tjsl.example/handovers/{handover.pk}/" in message.body

    def test_the_email_speaks_the_recipients_language_when_the_account_has_one(self):
        assert _language(SimpleNamespace(language="en")) == "en"
        assert _language(SimpleNamespace(language="")) == "id"
        assert _language(SimpleNamespace()) == "id"
        assert _language(SimpleNamespace(language="xx")) == "id"

    @pytest.mark.parametrize(
        ("language", "title", "mark"),
        [("id", "Notifikasi", "Tandai sudah dibaca"), ("en", "Notifications", "Mark as read")],
    )
    def test_the_list_the_count_and_mark_as_read(
        self, client, staf_hk, manajer_hk, program, partner, language, title, mark
    ):
        client.cookies["django_language"] = language
        handover = submitted_for(staf_hk, program, recipient=partner)
        client.force_login(manajer_hk)
        page = client.get(reverse("disbursements:notification-list")).content.decode()
        assert title in page and mark in page and str(handover) in page
        assert 'id="nav-unread-count">1<' in page
        notification = Notification.objects.get(recipient=manajer_hk)
        response = client.post(
            reverse("disbursements:notifications-read"), {"notification": notification.pk, "next": detail(handover)}
        )
        assert response.status_code == 302 and response["Location"] == detail(handover)
        notification.refresh_from_db()
        assert notification.read_at is not None
        page = client.get(reverse("disbursements:notification-list")).content.decode()
        assert 'id="nav-unread-count"' not in page

    def test_mark_all_as_read_touches_only_ones_own(self, client, staf_hk, manajer_hk, manajer2_hk, program, partner):
        submitted_for(staf_hk, program, recipient=partner)
        client.force_login(manajer_hk)
        client.post(reverse("disbursements:notifications-read"))
        assert not Notification.objects.filter(recipient=manajer_hk, read_at__isnull=True).exists()
        assert Notification.objects.filter(recipient=manajer2_hk, read_at__isnull=True).exists()

    def test_nobody_reads_or_marks_another_persons_notification(self, client, staf_hk, manajer_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        notification = Notification.objects.get(recipient=manajer_hk)
        client.force_login(staf_hk)
        page = client.get(reverse("disbursements:notification-list")).content.decode()
        assert str(handover) not in page
        client.post(reverse("disbursements:notifications-read"), {"notification": notification.pk})
        notification.refresh_from_db()
        assert notification.read_at is None

    def test_the_navigation_counts_what_awaits_my_approval(self, client, staf_hk, manajer_hk, program, partner):
        submitted_for(staf_hk, program, recipient=partner)
        submitted_for(staf_hk, program, recipient=partner, total=10_000_000)
        submitted_for(manajer_hk, program, recipient=partner, total=5_000_000)  # own: not mine to approve
        client.force_login(manajer_hk)
        page = client.get(reverse("disbursements:handover-list")).content.decode()
        assert 'Menunggu persetujuan <span class="badge rounded-pill text-bg-light" id="nav-awaiting-count">2<' in page

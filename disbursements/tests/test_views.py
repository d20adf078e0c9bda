import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disbursements.models import Disbursement, Status
from disbursements.services import disbursement_approve
from disbursements.tests.conftest import draft_for, submitted_for
from disbursements.tests.test_services import PDF, PNG

pytestmark = pytest.mark.django_db


def entry_post(program, recipient, *, key=None, **overrides):
    from regions.models import Region

    data = {
        "submission_key": str(key or uuid.uuid4()),
        "program": program.pk,
        "recipient": recipient,
        "handed_on": "09/11/2023",
        "place_regency": Region.objects.get(code="16.10").pk,
        "place": "Kantor Bupati Ogan Ilir, Tanjung Senai",
        "giver_name": "Kepala Unit TJSL",
        "giver_position": "Kepala Unit TJSL",
        "receiver_name": "Kepala Dinas",
        "receiver_position": "Kepala Dinas",
        "receiver_nik": "",
        "receiver_organisation": "Pemerintah Kabupaten Ogan Ilir",
        "basis": "SK-01/2023",
        "notes": "",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
        "items-0-kind": "peralatan",
        "items-0-description": "Alat produksi perak",
        "items-0-quantity": "2",
        "items-0-unit": "set",
        "items-0-unit_value": "60.000.000",
        "items-1-kind": "bahan_baku",
        "items-1-description": "Bahan baku tembaga",
        "items-1-quantity": "1,5",
        "items-1-unit": "paket",
        "items-1-unit_value": "53333333",
        "witnesses-TOTAL_FORMS": "1",
        "witnesses-INITIAL_FORMS": "0",
        "witnesses-MIN_NUM_FORMS": "0",
        "witnesses-MAX_NUM_FORMS": "10",
        "witnesses-0-name": "Wakil Bupati Ogan Ilir",
        "witnesses-0-position": "Wakil Bupati",
    }
    data.update(overrides)
    return data


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client, staf_hk, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner)
        response = client.get(reverse("disbursements:handover-detail", args=[handover.pk]))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_scope_decides_who_sees_a_handover(
        self, client, staf_hk, staf_pln, pejabat_sumsel, pejabat_maluku, auditor, program, partner
    ):
        handover = draft_for(staf_hk, program, recipient=partner)
        url = reverse("disbursements:handover-detail", args=[handover.pk])
        for user, status in (
            (staf_hk, 200),
            (pejabat_sumsel, 200),
            (auditor, 200),
            (pejabat_maluku, 404),
            (staf_pln, 404),
        ):
            client.force_login(user)
            assert client.get(url).status_code == status, user.username

    def test_official_in_scope_may_not_approve(self, client, staf_hk, pejabat_sumsel, pejabat_maluku, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        url = reverse("disbursements:handover-approve", args=[handover.pk])
        client.force_login(pejabat_sumsel)
        assert client.post(url).status_code == 403
        client.force_login(pejabat_maluku)
        assert client.post(url).status_code == 404
        handover.refresh_from_db()
        assert handover.status == Status.SUBMITTED

    def test_official_does_not_find_other_regions_in_the_list(self, client, staf_hk, pejabat_maluku, program, partner):
        draft_for(staf_hk, program, recipient=partner)
        client.force_login(pejabat_maluku)
        response = client.get(reverse("disbursements:handover-list"))
        assert response.status_code == 200 and list(response.context["handovers"]) == []


class TestEntryPage:
    def test_staff_enter_a_group_handover_with_items(self, client, staf_hk, program, group):
        client.force_login(staf_hk)
        response = client.post(reverse("disbursements:handover-create"), entry_post(program, f"g:{group.pk}"))
        assert response.status_code == 302
        handover = Disbursement.objects.get()
        assert handover.total == 200_000_000 and handover.group == group
        assert handover.witnesses.get().name == "Wakil Bupati Ogan Ilir"

    def test_posting_the_same_form_twice_creates_one_handover(self, client, staf_hk, program, partner):
        client.force_login(staf_hk)
        data = entry_post(program, f"p:{partner.pk}")
        first = client.post(reverse("disbursements:handover-create"), data)
        second = client.post(reverse("disbursements:handover-create"), data)
        assert first["Location"] == second["Location"]
        assert Disbursement.objects.count() == 1

    def test_bad_input_gets_field_messages_and_saves_nothing(self, client, staf_hk, program, partner):
        client.force_login(staf_hk)
        data = entry_post(
            program, f"p:{partner.pk}", receiver_nik="12345", **{"items-0-unit_value": "-5", "handed_on": "31/02/2023"}
        )
        response = client.post(reverse("disbursements:handover-create"), data, HTTP_ACCEPT_LANGUAGE="id")
        assert response.status_code == 400
        form = response.context["form"]
        assert set(form.errors) >= {"receiver_nik", "handed_on"}
        assert response.context["items"].forms[0].errors["unit_value"]
        assert "16 digit" in response.content.decode()
        assert not Disbursement.objects.exists()

    def test_recipient_outside_scope_is_refused(self, client, staf_hk, program, partner):
        from accounts.roles import Role
        from conftest import make_user

        narrow = make_user("staf.maluku.hk", Role.STAF, company=program.company, region_code="81")
        client.force_login(narrow)
        response = client.post(reverse("disbursements:handover-create"), entry_post(program, f"p:{partner.pk}"))
        assert response.status_code == 400 and "recipient" in response.context["form"].errors

    def test_save_and_submit_in_one_step(self, client, staf_hk, program, partner):
        client.force_login(staf_hk)
        client.post(reverse("disbursements:handover-create"), entry_post(program, f"p:{partner.pk}", submit="1"))
        assert Disbursement.objects.get().status == Status.SUBMITTED

    def test_incomplete_submit_keeps_the_draft_and_names_the_gap(self, client, staf_hk, program, partner):
        client.force_login(staf_hk)
        data = entry_post(program, f"p:{partner.pk}", submit="1", place="")
        response = client.post(reverse("disbursements:handover-create"), data)
        assert response.status_code == 400 and "place" in response.context["form"].errors
        draft = Disbursement.objects.get()
        assert draft.status == Status.DRAFT and draft.total == 200_000_000

    def test_recipient_search_finds_groups_and_businesses_in_scope(self, client, staf_hk, pejabat_maluku, group):
        client.force_login(staf_hk)
        page = client.get(reverse("disbursements:recipient-search"), {"q": "Sungging"}).content.decode()
        assert f'data-recipient="g:{group.pk}"' in page


class TestWorkflowPages:
    def test_manager_approves_and_sees_the_number(self, client, staf_hk, manajer_hk, program, group):
        handover = submitted_for(staf_hk, program, recipient=group)
        client.force_login(manajer_hk)
        queue = client.get(reverse("disbursements:handover-queue"))
        assert handover in queue.context["handovers"]
        client.post(reverse("disbursements:handover-approve", args=[handover.pk]))
        page = client.get(reverse("disbursements:handover-detail", args=[handover.pk])).content.decode()
        assert "HK/TJSL/2023/0001" in page and "Rp200.000.000" in page

    def test_staff_cannot_approve(self, client, staf_hk, staf2_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        client.force_login(staf2_hk)
        assert client.post(reverse("disbursements:handover-approve", args=[handover.pk])).status_code == 403

    def test_over_budget_approval_shows_the_remaining_budget(self, client, staf_hk, manajer_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner, total=800_000_000)
        client.force_login(manajer_hk)
        response = client.post(reverse("disbursements:handover-approve", args=[handover.pk]), follow=True)
        assert "Rp750.000.000" in response.content.decode()
        handover.refresh_from_db()
        assert handover.status == Status.SUBMITTED

    def test_hand_over_with_scan_and_photo(self, client, staf_hk, manajer_hk, program, partner):
        handover = disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk
        )
        client.force_login(staf_hk)
        response = client.post(
            reverse("disbursements:handover-hand-over", args=[handover.pk]),
            {"bast_scan": SimpleUploadedFile("bast.pdf", PDF), "photos": [SimpleUploadedFile("a.png", PNG)]},
        )
        assert response.status_code == 302
        handover.refresh_from_db()
        assert handover.status == Status.HANDED_OVER and handover.evidence.count() == 1

    def test_photo_that_lies_about_its_type_is_refused(self, client, staf_hk, manajer_hk, program, partner):
        handover = disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk
        )
        client.force_login(staf_hk)
        response = client.post(
            reverse("disbursements:handover-hand-over", args=[handover.pk]),
            {
                "bast_scan": SimpleUploadedFile("bast.pdf", PDF),
                "photos": [SimpleUploadedFile("foto.jpg", b"#!/bin/sh\necho not an image\n")],
            },
            follow=True,
        )
        assert "foto.jpg" in response.content.decode()
        handover.refresh_from_db()
        assert handover.status == Status.APPROVED and not handover.evidence.exists()


class TestListPage:
    def test_keyset_pages_cover_every_row_once(self, client, staf_hk, program, partner):
        for _ in range(55):
            draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        client.force_login(staf_hk)
        first = client.get(reverse("disbursements:handover-list"))
        assert len(first.context["handovers"]) == 50
        second = client.get(reverse("disbursements:handover-list") + first.context["next_url"])
        seen = [h.pk for h in first.context["handovers"]] + [h.pk for h in second.context["handovers"]]
        assert sorted(seen) == sorted(Disbursement.objects.values_list("pk", flat=True))
        assert "next_url" not in second.context

    def test_query_count_does_not_grow_with_rows(
        self, client, staf_hk, program, partner, group, django_assert_max_num_queries
    ):
        client.force_login(staf_hk)
        for _ in range(3):
            draft_for(staf_hk, program, recipient=partner)
        with django_assert_max_num_queries(12) as small:
            client.get(reverse("disbursements:handover-list"))
        for _ in range(30):
            draft_for(staf_hk, program, recipient=group)
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(reverse("disbursements:handover-list"))

    def test_filters_by_province_and_item_kind(self, client, staf_hk, program, partner):
        draft_for(staf_hk, program, recipient=partner)
        client.force_login(staf_hk)
        from regions.models import Region

        sumsel, maluku = Region.objects.get(code="16"), Region.objects.get(code="81")
        url = reverse("disbursements:handover-list")
        assert len(client.get(url, {"province": sumsel.pk}).context["handovers"]) == 1
        assert len(client.get(url, {"province": maluku.pk}).context["handovers"]) == 0
        assert len(client.get(url, {"item_kind": "peralatan"}).context["handovers"]) == 1
        assert len(client.get(url, {"item_kind": "uang"}).context["handovers"]) == 0

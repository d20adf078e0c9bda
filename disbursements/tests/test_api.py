"""Handovers through the API: contract, role and scope matrix, and the journey from draft to handed over."""

import datetime

import pytest
from django.core.cache import cache

from accounts.services import api_token_create
from conftest import problem_fields
from disbursements.models import Disbursement, Evidence, Status
from programs.models import ProgramBudget

from .conftest import HANDOVER_DAY, draft_for, submitted_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
URL = "/api/v1/handovers/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


def handover_body(program, *, group=None, partner=None, unit_value=120_000_000) -> dict:
    recipient = {"group": group.pk} if group else {"partner": partner.pk}
    return {
        "program": program.pk,
        "recipient": recipient,
        "handed_on": HANDOVER_DAY.isoformat(),
        "place_regency": "16.10",
        "place": "Kantor Bupati Ogan Ilir, Tanjung Senai",
        "giver_name": "Kepala Unit TJSL",
        "giver_position": "Kepala Unit TJSL Hutama Karya",
        "receiver_name": "Kepala Dinas Perindustrian",
        "receiver_organisation": "Pemerintah Kabupaten Ogan Ilir",
        "items": [
            {
                "kind": "peralatan",
                "description": "Alat cetak perak",
                "quantity": "1",
                "unit": "paket",
                "unit_value": unit_value,
            },
            {
                "kind": "bahan_baku",
                "description": "Bahan baku perak dan tembaga",
                "quantity": "2",
                "unit": "paket",
                "unit_value": 40_000_000,
            },
        ],
        "witnesses": [{"name": "Wakil Bupati Ogan Ilir", "position": "Wakil Bupati"}],
    }


def post(client, url, body, user, **extra):
    return client.post(url, body, content_type="application/json", **bearer(user), **extra)


class TestHandoverJourney:
    def test_staff_creates_submits_manager_approves_and_staff_hands_over(
        self, client, staf_hk, manajer_hk, program, group
    ):
        headers = {"HTTP_IDEMPOTENCY_KEY": "bast-2023-11-09"}
        body = handover_body(program, group=group)
        created = post(client, URL, body, staf_hk, **headers)
        assert created.status_code == 201, created.json()
        replay = post(client, URL, body, staf_hk, **headers)
        assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
        assert Disbursement.objects.count() == 1
        data = created.json()
        assert data["status"] == "draft" and data["total"] == 200_000_000 and data["number"] == ""
        assert data["recipient"]["type"] == "group" and data["region_code"] == "16.10"
        assert [item["total"] for item in data["items"]] == [120_000_000, 80_000_000]
        assert data["witnesses"] == [{"name": "Wakil Bupati Ogan Ilir", "position": "Wakil Bupati"}]
        pk = data["id"]

        submitted = post(client, f"{URL}{pk}/submit/", {}, staf_hk)
        assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
        assert len(submitted.json()["allocations"]) == 30  # split equally over the members

        approved = post(client, f"{URL}{pk}/approve/", {}, manajer_hk)
        assert approved.status_code == 200, approved.json()
        assert approved.json()["number"] == "HK/TJSL/2023/0001" and approved.json()["status"] == "approved"
        assert approved.json()["approved_by"] == manajer_hk.pk

        handed = client.post(
            f"{URL}{pk}/hand-over/",
            {"bast_scan": _file("bast.pdf", PDF), "photos": [_file("foto1.png", PNG), _file("foto2.png", PNG)]},
            **bearer(staf_hk),
        )
        assert handed.status_code == 200, handed.json()
        assert handed.json()["status"] == "handed_over" and handed.json()["has_bast_scan"] is True
        assert Evidence.objects.filter(disbursement_id=pk).count() == 2
        transitions = handed.json()["transitions"]
        assert [(t["to_status"], t["actor"]) for t in transitions] == [
            ("draft", "staf.hk"),
            ("submitted", "staf.hk"),
            ("approved", "manajer.hk"),
            ("handed_over", "staf.hk"),
        ]

        verified = post(client, f"{URL}{pk}/verify/", {}, manajer_hk)
        assert verified.status_code == 200 and verified.json()["status"] == "verified"

    def test_over_budget_approval_is_400_naming_the_remaining_budget(self, client, staf_hk, manajer_hk, program, group):
        ProgramBudget.objects.filter(program=program, year=2023).update(amount=150_000_000)
        handover = submitted_for(staf_hk, program, recipient=group)
        response = post(client, f"{URL}{handover.pk}/approve/", {}, manajer_hk)
        assert response.status_code == 422 and response.json()["code"] == "budget_exceeded"
        message = problem_fields(response)[None][0]
        assert "Rp150.000.000" in message and "Over budget" in message
        handover.refresh_from_db()
        assert handover.status == Status.SUBMITTED and handover.number == ""

    def test_hand_over_without_files_names_both_fields(self, client, staf_hk, manajer_hk, program, partner):
        from disbursements.services import disbursement_approve

        handover = disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk
        )
        response = client.post(f"{URL}{handover.pk}/hand-over/", {}, **bearer(staf_hk))
        assert response.status_code == 422 and {"bast_scan", "photos"} <= set(problem_fields(response))

    def test_return_and_cancel_need_the_right_role_and_a_reason(self, client, staf_hk, manajer_hk, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        assert post(client, f"{URL}{handover.pk}/return/", {"reason": "x"}, staf_hk).status_code == 403
        assert "reason" in problem_fields(post(client, f"{URL}{handover.pk}/return/", {}, manajer_hk))
        returned = post(client, f"{URL}{handover.pk}/return/", {"reason": "Lengkapi saksi"}, manajer_hk)
        assert returned.status_code == 200 and returned.json()["status"] == "draft"
        cancelled = post(client, f"{URL}{handover.pk}/cancel/", {"reason": "Dobel"}, staf_hk)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    def test_reverse_creates_one_submitted_reversal(self, client, staf_hk, manajer_hk, program, partner):
        from disbursements.services import disbursement_approve

        handover = disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk
        )
        headers = {"HTTP_IDEMPOTENCY_KEY": "reverse-1"}
        response = post(client, f"{URL}{handover.pk}/reverse/", {"reason": "Salah penerima"}, staf_hk, **headers)
        assert response.status_code == 201, response.json()
        assert post(client, f"{URL}{handover.pk}/reverse/", {"reason": "Salah penerima"}, staf_hk, **headers)[
            "Idempotent-Replayed"
        ]
        assert response.json()["kind"] == "reversal" and response.json()["status"] == "submitted"
        assert response.json()["reverses"] == handover.pk
        assert Disbursement.objects.filter(kind="reversal").count() == 1


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


class TestDraftEditing:
    def test_patch_replaces_items_and_keeps_the_rest(self, client, staf_hk, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner)
        body = {"items": [{"kind": "uang", "description": "Modal", "quantity": "1", "unit": "paket", "unit_value": 5}]}
        response = client.patch(f"{URL}{handover.pk}/", body, content_type="application/json", **bearer(staf_hk))
        assert response.status_code == 200, response.json()
        assert response.json()["total"] == 5 and response.json()["place"] == handover.place

    def test_sent_workflow_fields_change_nothing(self, client, staf_hk, program, partner, pln):
        body = {
            **handover_body(program, partner=partner),
            "status": "approved",
            "company": pln.pk,
            "region_code": "81",
            "total": 1,
            "number": "HK/TJSL/2023/9999",
            "approved_by": staf_hk.pk,
            "created_by": 999,
        }
        response = post(client, URL, body, staf_hk)
        assert response.status_code == 201
        handover = Disbursement.objects.get()
        assert (handover.status, handover.company.code, handover.region_code) == ("draft", "HK", partner.region_code)
        assert (handover.total, handover.number, handover.approved_by, handover.created_by) == (
            200_000_000,
            "",
            None,
            staf_hk,
        )
        patched = client.patch(
            f"{URL}{handover.pk}/",
            {"status": "verified", "total": 3},
            content_type="application/json",
            **bearer(staf_hk),
        )
        assert patched.status_code == 200 and patched.json()["status"] == "draft" and patched.json()["total"] > 3

    def test_allocations_must_add_up_to_the_total(self, client, staf_hk, program, group):
        handover = draft_for(staf_hk, program, recipient=group, total=30)
        members = list(group.memberships.values_list("partner_id", flat=True))
        wrong = {"allocations": [{"partner": pk, "amount": 2} for pk in members]}
        url = f"{URL}{handover.pk}/allocations/"
        response = client.put(url, wrong, content_type="application/json", **bearer(staf_hk))
        assert response.status_code == 422 and "Rp60" in problem_fields(response)[None][0]
        right = {"allocations": [{"partner": pk, "amount": 30 if i == 0 else 0} for i, pk in enumerate(members)]}
        response = client.put(url, right, content_type="application/json", **bearer(staf_hk))
        assert response.status_code == 200 and sorted(a["amount"] for a in response.json())[-1] == 30

    def test_invalid_items_are_field_errors(self, client, staf_hk, program, partner):
        body = handover_body(program, partner=partner)
        body["items"][0]["quantity"] = "0"
        body["recipient"] = {"partner": partner.pk, "group": None}
        response = post(client, URL, body, staf_hk)
        assert response.status_code == 400 and "items[0].quantity" in problem_fields(response)

    def test_recipient_outside_scope_or_both_is_refused(self, client, staf_hk, program, partner, group):
        body = handover_body(program, partner=partner)
        body["recipient"] = {"partner": partner.pk, "group": group.pk}
        assert "recipient.group" in problem_fields(post(client, URL, body, staf_hk))


class TestRoleAndScope:
    @pytest.fixture
    def handover(self, staf_hk, program, partner):
        return submitted_for(staf_hk, program, recipient=partner)

    @pytest.mark.parametrize(
        ("username", "status"),
        [
            ("staf_hk", 200),
            ("manajer_hk", 200),
            ("staf_pln", 404),
            ("pejabat_sumsel", 200),
            ("pejabat_maluku", 404),
            ("auditor", 200),
        ],
    )
    def test_who_reads_a_handover_in_ogan_ilir(self, request, client, handover, username, status):
        user = request.getfixturevalue(username)
        assert client.get(f"{URL}{handover.pk}/", **bearer(user)).status_code == status

    @pytest.mark.parametrize(
        ("username", "status"),
        [("staf_hk", 403), ("staf_pln", 404), ("pejabat_sumsel", 403), ("auditor", 403), ("manajer_hk", 200)],
    )
    def test_who_approves(self, request, client, handover, username, status):
        user = request.getfixturevalue(username)
        assert post(client, f"{URL}{handover.pk}/approve/", {}, user).status_code == status

    @pytest.mark.parametrize("username", ["pejabat_sumsel", "auditor"])
    def test_read_only_roles_cannot_create(self, request, client, program, partner, username):
        user = request.getfixturevalue(username)
        assert post(client, URL, handover_body(program, partner=partner), user).status_code == 403

    def test_staff_of_another_company_cannot_use_the_program(self, client, staf_pln, program, partner):
        response = post(client, URL, handover_body(program, partner=partner), staf_pln)
        assert response.status_code == 400 and "program" in problem_fields(response)

    def test_official_sees_only_handovers_of_the_region(self, client, handover, pejabat_sumsel, pejabat_maluku):
        assert [h["id"] for h in client.get(URL, **bearer(pejabat_sumsel)).json()["results"]] == [handover.pk]
        assert client.get(URL, **bearer(pejabat_maluku)).json()["results"] == []

    def test_receiver_nik_is_masked_for_officials(self, client, staf_hk, program, partner, pejabat_sumsel):
        handover = draft_for(staf_hk, program, recipient=partner, receiver_nik="1610014509870003")
        assert client.get(f"{URL}{handover.pk}/", **bearer(staf_hk)).json()["receiver_nik"] == "1610014509870003"
        masked = client.get(f"{URL}{handover.pk}/", **bearer(pejabat_sumsel)).json()["receiver_nik"]
        assert masked.startswith("1610") and "0145" not in masked


class TestList:
    def test_filters(self, client, staf_hk, program, partner, group):
        submitted = submitted_for(staf_hk, program, recipient=partner)
        draft = draft_for(staf_hk, program, recipient=group)
        headers = bearer(staf_hk)

        def ids(query):
            response = client.get(f"{URL}?{query}", **headers)
            assert response.status_code == 200, response.json()
            return [h["id"] for h in response.json()["results"]]

        assert ids("status=submitted") == [submitted.pk]
        assert ids("province=16") == [draft.pk, submitted.pk]
        assert ids("province=81") == []
        assert ids(f"program={program.pk}&regency=16.10") == [draft.pk, submitted.pk]
        assert ids("date_from=2023-11-10") == []
        assert ids("item_kind=peralatan") == [draft.pk, submitted.pk]
        assert client.get(f"{URL}?status=lost", **headers).status_code == 400

    def test_list_takes_a_fixed_number_of_queries(
        self, client, staf_hk, program, partner, group, django_assert_max_num_queries
    ):
        for day in range(1, 6):
            draft_for(staf_hk, program, recipient=partner, day=datetime.date(2023, 11, day))
            draft_for(staf_hk, program, recipient=group, day=datetime.date(2023, 10, day))
        headers = bearer(staf_hk)
        with django_assert_max_num_queries(10):
            response = client.get(URL, **headers)
        assert len(response.json()["results"]) == 10


class TestHandoverDocumentsApi:
    @pytest.fixture
    def handed_over(self, client, staf_hk, manajer_hk, program, partner):
        from disbursements.services import disbursement_approve

        handover = disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk
        )
        response = client.post(
            f"{URL}{handover.pk}/hand-over/",
            {"bast_scan": _file("bast.pdf", PDF), "photos": [_file("foto1.png", PNG)]},
            **bearer(staf_hk),
        )
        assert response.status_code == 200, response.json()
        return handover

    def test_bast_download_is_a_pdf_attachment(self, client, staf_hk, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner)
        response = client.get(f"{URL}{handover.pk}/bast/", **bearer(staf_hk))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response.content.startswith(b"%PDF")

    def test_signed_scan_and_photo_are_private_downloads(self, client, staf_hk, pejabat_sumsel, handed_over):
        scan = client.get(f"{URL}{handed_over.pk}/signed-bast/", **bearer(pejabat_sumsel))
        assert scan.status_code == 200 and b"".join(scan.streaming_content) == PDF
        assert scan["Content-Disposition"].startswith("attachment")
        evidence = Evidence.objects.get(disbursement=handed_over)
        photo = client.get(f"{URL}{handed_over.pk}/evidence/{evidence.pk}/", **bearer(staf_hk))
        assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
        assert b"".join(photo.streaming_content) == PNG

    def test_outside_scope_and_other_handovers_are_404(
        self, client, staf_hk, pejabat_maluku, handed_over, program, partner
    ):
        evidence = Evidence.objects.get(disbursement=handed_over)
        for path in ("bast/", "signed-bast/", f"evidence/{evidence.pk}/"):
            assert client.get(f"{URL}{handed_over.pk}/{path}", **bearer(pejabat_maluku)).status_code == 404
        other = draft_for(staf_hk, program, recipient=partner)
        assert client.get(f"{URL}{other.pk}/evidence/{evidence.pk}/", **bearer(staf_hk)).status_code == 404
        assert client.get(f"{URL}{other.pk}/signed-bast/", **bearer(staf_hk)).status_code == 404

"""Attack class: segregation of duties and rights gained by one's own write.

1. A manager rewrites a staff member's draft (another recipient, Rp1.000.000 raised
   to Rp50.000.000), submits it and approves it: refused whichever way he edits
   (service, page, API) and whichever way he approves (service, page, API, raw SQL).
2. A company user enrols another company's partner in their own program to gain
   its personal data and edit rights: nothing is gained until another manager of
   the enrolling company approves, and even then no edit right nor unmasked NIK.
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.roles import Role
from accounts.services import api_token_create
from conftest import make_user, requires_postgres
from disbursements.models import Disbursement, Status
from disbursements.services import disbursement_approve, disbursement_submit, disbursement_update_draft
from disbursements.tests.conftest import draft_for, items_worth, make_partner
from disbursements.tests.test_views import entry_post
from programs.models import Program, ProgramBudget
from regions.models import Region

pytestmark = pytest.mark.django_db

HANDOVERS = "/api/v1/handovers/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def ogan_ilir(db) -> Region:
    return Region.objects.get(code="16.10")


@pytest.fixture
def program(hk) -> Program:
    program = Program.objects.create(
        company=hk,
        code="HK-PK",
        name="HK Peduli Kreatif",
        pillar="ekonomi",
        support_form="bantuan",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        status="aktif",
    )
    ProgramBudget.objects.create(program=program, year=2023, amount=750_000_000)
    return program


@pytest.fixture
def partner(ogan_ilir):
    return make_partner("Perak Tanjung Senai", ogan_ilir)


@pytest.fixture
def writers(hk):
    """Every role of HK that can write something, with the user each one acts as."""
    return {
        Role.STAF: make_user("staf.x.hk", Role.STAF, company=hk),
        Role.MANAJER: make_user("manajer.x.hk", Role.MANAJER, company=hk),
        Role.ADMINISTRATOR: make_user("admin.x.hk", Role.ADMINISTRATOR, company=hk),
    }


# --- 1. A handover approved by someone who changed it ---------------------------------


def _edit_by_service(client, handover, editor, other):
    disbursement_update_draft(disbursement=handover, actor=editor, partner=other, items=items_worth(50_000_000))


def _edit_by_page(client, handover, editor, other):
    client.force_login(editor)
    data = entry_post(
        handover.program,
        f"p:{other.pk}",
        **{"items-TOTAL_FORMS": "1", "items-0-quantity": "1", "items-0-unit_value": "50.000.000"},
    )
    response = client.post(reverse("disbursements:handover-update", args=[handover.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _edit_by_api(client, handover, editor, other):
    body = {
        "recipient": {"partner": other.pk},
        "items": [{"kind": "uang", "description": "Modal", "quantity": "1", "unit": "paket", "unit_value": 50_000_000}],
    }
    response = client.patch(f"{HANDOVERS}{handover.pk}/", body, content_type="application/json", **bearer(editor))
    assert response.status_code == 200, response.json()


def _approve_by_service(client, handover, actor) -> None:
    with pytest.raises(PermissionDenied):
        disbursement_approve(disbursement=handover, actor=actor)


def _approve_by_page(client, handover, actor) -> None:
    client.force_login(actor)
    assert client.post(reverse("disbursements:handover-approve", args=[handover.pk])).status_code == 403


def _approve_by_api(client, handover, actor) -> None:
    assert client.post(f"{HANDOVERS}{handover.pk}/approve/", **bearer(actor)).status_code == 403


EDITS = {"service": _edit_by_service, "page": _edit_by_page, "api": _edit_by_api}
APPROVALS = {"service": _approve_by_service, "page": _approve_by_page, "api": _approve_by_api}


class TestNobodyApprovesAHandoverTheyChanged:
    @pytest.mark.parametrize("approve_via", APPROVALS)
    @pytest.mark.parametrize("edit_via", EDITS)
    def test_manager_who_rewrote_a_staff_draft_cannot_approve_it(
        self, client, staf_hk, program, partner, ogan_ilir, writers, edit_via, approve_via
    ):
        manager = writers[Role.MANAJER]
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        other = make_partner("Penerima Lain", ogan_ilir)
        EDITS[edit_via](client, handover, manager, other)
        handover = disbursement_submit(disbursement=handover, actor=manager)
        assert (handover.partner_id, handover.total) == (other.pk, 50_000_000)
        client.logout()
        APPROVALS[approve_via](client, handover, manager)
        handover.refresh_from_db()
        assert handover.status == Status.SUBMITTED and handover.approved_by_id is None and handover.number == ""

    @pytest.mark.parametrize("approve_via", APPROVALS)
    @pytest.mark.parametrize("role", [Role.STAF, Role.ADMINISTRATOR])
    def test_other_writing_roles_cannot_approve_at_all(
        self, client, staf_hk, program, partner, writers, role, approve_via
    ):
        handover = disbursement_submit(disbursement=draft_for(staf_hk, program, recipient=partner), actor=staf_hk)
        APPROVALS[approve_via](client, handover, writers[role])
        handover.refresh_from_db()
        assert handover.status == Status.SUBMITTED

    def test_a_manager_who_changed_nothing_still_approves(self, client, staf_hk, program, partner, writers, hk):
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        _edit_by_page(client, handover, writers[Role.MANAJER], partner)
        disbursement_submit(disbursement=handover, actor=staf_hk)
        second = make_user("manajer.y.hk", Role.MANAJER, company=hk)
        assert client.post(f"{HANDOVERS}{handover.pk}/approve/", **bearer(second)).status_code == 200
        handover.refresh_from_db()
        assert handover.status == Status.APPROVED and handover.approved_by == second

    def test_the_page_tells_the_editing_manager_why_there_is_no_approve_button(
        self, client, staf_hk, program, partner, ogan_ilir, writers
    ):
        manager = writers[Role.MANAJER]
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        _edit_by_service(client, handover, manager, make_partner("Penerima Lain", ogan_ilir))
        disbursement_submit(disbursement=handover, actor=manager)
        client.force_login(manager)
        page = client.get(reverse("disbursements:handover-detail", args=[handover.pk]), HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        assert reverse("disbursements:handover-approve", args=[handover.pk]) not in html
        assert "another manager must approve it" in html

    def test_the_api_lists_the_contributors(self, client, staf_hk, program, partner, writers):
        manager = writers[Role.MANAJER]
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        _edit_by_api(client, handover, manager, partner)
        body = client.get(f"{HANDOVERS}{handover.pk}/", **bearer(staf_hk)).json()
        assert sorted(body["contributors"]) == sorted([staf_hk.pk, manager.pk])


@requires_postgres
class TestTheDatabaseRefusesAContributorAsApprover:
    @pytest.mark.parametrize("edit_via", EDITS)
    def test_raw_update_is_refused(self, client, staf_hk, program, partner, ogan_ilir, writers, edit_via):
        manager = writers[Role.MANAJER]
        handover = draft_for(staf_hk, program, recipient=partner, total=1_000_000)
        EDITS[edit_via](client, handover, manager, make_partner("Penerima Lain", ogan_ilir))
        disbursement_submit(disbursement=handover, actor=manager)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE disbursements_disbursement SET approved_by_id = %s, approved_at = now() WHERE id = %s",
                [manager.pk, handover.pk],
            )
        assert Disbursement.objects.get(pk=handover.pk).approved_by_id is None

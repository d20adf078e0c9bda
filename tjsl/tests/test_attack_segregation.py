"""Attack class: segregation of duties and rights gained by one's own write.

1. A manager rewrites a staff member's draft (another recipient, Rp1.000.000 raised
   to Rp50.000.000), submits it and approves it: refused whichever way he edits
   (service, page, API) and whichever way he approves (service, page, API, raw SQL).
2. A company user enrols another company's partner in their own program to gain
   its personal data and edit rights: nothing is gained until another manager of
   the enrolling company approves, and even then no edit right nor unmasked NIK.
"""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.roles import Role
from accounts.services import api_token_create
from conftest import make_program, make_user, requires_postgres
from disbursements.models import Disbursement, Status
from disbursements.services import disbursement_approve, disbursement_submit, disbursement_update_draft
from disbursements.tests.conftest import draft_for, items_worth, make_partner
from disbursements.tests.test_views import entry_post
from programs.models import Program
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
    return make_program(hk)


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
        client.cookies["django_language"] = "en"
        html = client.get(reverse("disbursements:handover-detail", args=[handover.pk])).content.decode()
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


# --- 2. Rights over another company's partner, gained by enrolling it ---------------------

NIK = "1610014507900003"
WRITING_ROLES = [Role.STAF, Role.MANAJER, Role.ADMINISTRATOR]
COMPANIES = ["hk", "pln"]


@pytest.fixture
def world(hk, pln):
    """Both companies with a program, writers of every role, and for each company a partner it
    registered and assists (with a NIK), which the other company will try to take over."""
    from programs.services import enrollment_create
    from programs.tests.conftest import make_partner as registry_partner
    from programs.tests.conftest import make_program

    world = {}
    for company in (hk, pln):
        code = company.code.lower()
        users = {role: make_user(f"{role.name.lower()}.{code}.w", role, company=company) for role in WRITING_ROLES}
        users["manager2"] = make_user(f"manajer2.{code}.w", Role.MANAJER, company=company)
        program = make_program(company, users[Role.MANAJER], code=f"{company.code}-W", name=f"Program {company.code}")
        nik = NIK[:-1] + ("3" if company.code == "HK" else "7")
        partner = registry_partner(f"Mitra {company.code}", owner_nik=nik, registered_by_company=company)
        enrollment_create(program=program, partner=partner, actor=users[Role.STAF])
        world[code] = {"company": company, "users": users, "program": program, "partner": partner}
    return world


def _sides(world, company: str):
    other = "pln" if company == "hk" else "hk"
    return world[company], world[other]


def _ask_by_service(client, program, partner, actor):
    from programs.services import enrollment_create

    enrollment_create(program=program, partner=partner, actor=actor, confirm_other_company=True)


def _ask_by_page(client, program, partner, actor):
    client.force_login(actor)
    url = reverse("programs:enrollment-create", args=[program.pk])
    response = client.post(url, {"partner": partner.pk, "confirm_other_company": "on"})
    assert response.status_code == 302


def _ask_by_api(client, program, partner, actor):
    url = f"/api/v1/programs/{program.pk}/enrollments/"
    body = {"partner": partner.pk, "confirm_other_company": True}
    response = client.post(url, body, content_type="application/json", **bearer(actor))
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "pending"


ASKS = {"service": _ask_by_service, "page": _ask_by_page, "api": _ask_by_api}


def assert_no_rights(client, user, partner):
    """What the attack was after: the full NIK (page, API, export) and the right to edit."""
    from partners.privacy import partner_pii_visible
    from partners.services import partner_editable_by

    assert not partner_pii_visible(user, partner) and not partner_editable_by(user, partner)
    client.force_login(user)
    page = client.get(reverse("partners:partner-detail", args=[partner.pk])).content.decode()
    assert partner.owner_name in page and partner.owner_nik not in page
    assert client.get(reverse("partners:partner-update", args=[partner.pk])).status_code == 403
    export = client.get(reverse("partners:partner-export", args=["csv"]), {"q": partner.business_name})
    assert partner.business_name in export.content.decode() and partner.owner_nik not in export.content.decode()
    api = f"/api/v1/partners/{partner.pk}/"
    assert client.get(api, **bearer(user)).json()["owner_nik"] != partner.owner_nik
    patch = client.patch(api, {"owner_name": "Diganti"}, content_type="application/json", **bearer(user))
    assert patch.status_code == 403
    partner.refresh_from_db()
    assert partner.owner_name != "Diganti"


class TestEnrollingAnotherCompanysPartnerGivesNothing:
    @pytest.mark.parametrize("via", ASKS)
    @pytest.mark.parametrize("role", WRITING_ROLES)
    @pytest.mark.parametrize("company", COMPANIES)
    def test_asking_enrols_nothing_and_gives_no_access(self, client, world, company, role, via):
        mine, theirs = _sides(world, company)
        actor, program, partner = mine["users"][role], mine["program"], theirs["partner"]
        ASKS[via](client, program, partner, actor)
        assert not program.enrollments.filter(partner=partner).exists()
        assert program.enrollment_requests.get(partner=partner).status == "pending"
        client.logout()
        assert_no_rights(client, actor, partner)

    @pytest.mark.parametrize("role", WRITING_ROLES)
    @pytest.mark.parametrize("company", COMPANIES)
    def test_nobody_approves_their_own_request(self, client, world, company, role):
        from programs.services import enrollment_request_approve

        mine, theirs = _sides(world, company)
        actor, program = mine["users"][role], mine["program"]
        _ask_by_service(client, program, theirs["partner"], actor)
        request = program.enrollment_requests.get()
        with pytest.raises(PermissionDenied):
            enrollment_request_approve(request=request, actor=actor)
        client.force_login(actor)
        client.post(reverse("programs:enrollment-request-approve", args=[request.pk]))
        api = client.post(
            f"/api/v1/enrollment-requests/{request.pk}/approve/", content_type="application/json", **bearer(actor)
        )
        assert api.status_code == 403
        request.refresh_from_db()
        assert request.status == "pending" and not program.enrollments.filter(partner=theirs["partner"]).exists()

    @pytest.mark.parametrize("role", WRITING_ROLES)
    @pytest.mark.parametrize("company", COMPANIES)
    def test_once_approved_it_counts_but_still_gives_no_rights(self, client, world, company, role):
        mine, theirs = _sides(world, company)
        actor, program, partner = mine["users"][role], mine["program"], theirs["partner"]
        _ask_by_service(client, program, partner, actor)
        request = program.enrollment_requests.get()
        approver = mine["users"]["manager2"]
        response = client.post(
            f"/api/v1/enrollment-requests/{request.pk}/approve/", content_type="application/json", **bearer(approver)
        )
        assert response.status_code == 200 and response.json()["decided_by"] == approver.pk
        assert program.enrollments.get(partner=partner).cross_company
        for user in (actor, approver):
            client.logout()
            assert_no_rights(client, user, partner)

    @pytest.mark.parametrize("role", WRITING_ROLES)
    @pytest.mark.parametrize("company", COMPANIES)
    def test_removal_leaves_a_record(self, client, world, company, role):
        from programs.models import Enrollment
        from programs.services import enrollment_request_approve

        mine, theirs = _sides(world, company)
        actor, program, partner = mine["users"][role], mine["program"], theirs["partner"]
        _ask_by_service(client, program, partner, actor)
        enrollment_request_approve(request=program.enrollment_requests.get(), actor=mine["users"]["manager2"])
        url = f"/api/v1/programs/{program.pk}/enrollments/{partner.pk}/"
        assert client.delete(url, **bearer(actor)).status_code == 204
        assert not program.enrollments.filter(partner=partner).exists()
        removed = Enrollment.history.filter(program=program, partner=partner, history_type="-").get()
        assert removed.history_user == actor and removed.history_date is not None
        assert program.enrollment_requests.get().decided_by == mine["users"]["manager2"]

    @pytest.mark.parametrize("company", COMPANIES)
    def test_the_holding_company_keeps_its_rights(self, client, world, company):
        from partners.privacy import partner_pii_visible
        from partners.services import partner_editable_by

        mine, theirs = _sides(world, company)
        partner = mine["partner"]
        _ask_by_service(client, theirs["program"], partner, theirs["users"][Role.STAF])
        for role in WRITING_ROLES:
            user = mine["users"][role]
            assert partner_pii_visible(user, partner)
            assert partner_editable_by(user, partner) == user.has_perm("partners.change_partner")

"""Enrolling another company's partner: a request, another manager's decision, no rights gained."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from conftest import make_user
from partners.privacy import partner_pii_visible
from partners.services import partner_editable_by
from programs import services
from programs.models import Enrollment, EnrollmentRequest
from programs.tests.conftest import make_partner

pytestmark = pytest.mark.django_db

NIK = "1610014507900003"


@pytest.fixture
def pln_partner(pln, pln_program, manajer_pln):
    """A partner PLN registered and assists: its data is PLN's."""
    partner = make_partner("Tenun Songket Palembang", owner_nik=NIK, registered_by_company=pln)
    services.enrollment_create(program=pln_program, partner=partner, actor=manajer_pln)
    return partner


@pytest.fixture
def manajer2_hk(hk):
    return make_user("manajer2.hk", Role.MANAJER, company=hk)


def ask(program, partner, actor) -> EnrollmentRequest:
    return services.enrollment_create(program=program, partner=partner, actor=actor, confirm_other_company=True)


class TestAsking:
    def test_without_confirmation_the_user_is_told_whose_partner_it_is(self, hk_program, pln_partner, staf_hk):
        with translation.override("en"), pytest.raises(ValidationError, match="partner of PLN") as error:
            services.enrollment_create(program=hk_program, partner=pln_partner, actor=staf_hk)
        assert error.value.code == "other_company"
        assert not EnrollmentRequest.objects.exists()

    def test_confirming_asks_and_enrols_nothing(self, hk_program, pln_partner, staf_hk):
        request = ask(hk_program, pln_partner, staf_hk)
        assert isinstance(request, EnrollmentRequest)
        assert (request.status, request.requested_by, request.other_companies) == ("pending", staf_hk, "PLN")
        assert not Enrollment.objects.filter(program=hk_program).exists()
        assert not partner_pii_visible(staf_hk, pln_partner) and not partner_editable_by(staf_hk, pln_partner)

    def test_a_second_request_while_one_waits_is_refused(self, hk_program, pln_partner, staf_hk, manajer_hk):
        ask(hk_program, pln_partner, staf_hk)
        with pytest.raises(ValidationError):
            ask(hk_program, pln_partner, manajer_hk)
        assert EnrollmentRequest.objects.count() == 1

    def test_a_partner_nobody_holds_is_enrolled_at_once_with_its_rights(self, hk_program, staf_hk):
        partner = make_partner("Perak Sungging", owner_nik=NIK)
        enrollment = services.enrollment_create(program=hk_program, partner=partner, actor=staf_hk)
        assert isinstance(enrollment, Enrollment) and not enrollment.cross_company
        assert partner_pii_visible(staf_hk, partner) and partner_editable_by(staf_hk, partner)

    def test_own_partner_assisted_elsewhere_too_is_enrolled_at_once(
        self, hk, hk_program, pln_program, staf_hk, manajer_pln
    ):
        partner = make_partner("Perak Sungging", registered_by_company=hk)
        ask(pln_program, partner, manajer_pln)  # PLN asks; HK still holds the data
        enrollment = services.enrollment_create(program=hk_program, partner=partner, actor=staf_hk)
        assert isinstance(enrollment, Enrollment) and not enrollment.cross_company


class TestDeciding:
    def test_the_requester_cannot_approve_their_own_request(self, hk_program, pln_partner, manajer_hk):
        request = ask(hk_program, pln_partner, manajer_hk)
        assert not services.can_decide_enrollment(manajer_hk, request)
        for decide in (services.enrollment_request_approve, services.enrollment_request_refuse):
            with pytest.raises(PermissionDenied):
                decide(request=request, actor=manajer_hk)
        request.refresh_from_db()
        assert request.status == "pending" and not Enrollment.objects.filter(program=hk_program).exists()

    def test_staff_and_other_companies_cannot_decide(self, hk_program, pln_partner, staf_hk, manajer_hk, manajer_pln):
        request = ask(hk_program, pln_partner, manajer_hk)
        for actor in (make_user("staf2.hk", Role.STAF, company=request.program.company), manajer_pln):
            with pytest.raises(PermissionDenied):
                services.enrollment_request_approve(request=request, actor=actor)

    def test_another_manager_approves_without_giving_rights(self, hk_program, pln_partner, staf_hk, manajer_hk):
        request = ask(hk_program, pln_partner, staf_hk)
        enrollment = services.enrollment_request_approve(request=request, actor=manajer_hk, note="Pameran bersama")
        request.refresh_from_db()
        assert (request.status, request.decided_by, request.decision_note) == (
            "approved",
            manajer_hk,
            "Pameran bersama",
        )
        assert enrollment.cross_company and enrollment.request == request and enrollment.added_by == staf_hk
        for user in (staf_hk, manajer_hk):
            assert not partner_pii_visible(user, pln_partner)
        assert not partner_editable_by(staf_hk, pln_partner)

    def test_the_company_administrator_may_decide(self, hk_program, pln_partner, manajer_hk, admin_hk):
        request = ask(hk_program, pln_partner, manajer_hk)
        services.enrollment_request_refuse(request=request, actor=admin_hk, note="Bukan wilayah kami")
        request.refresh_from_db()
        assert request.status == "refused" and not Enrollment.objects.filter(program=hk_program).exists()

    def test_a_decided_request_is_not_decided_again(self, hk_program, pln_partner, staf_hk, manajer_hk, manajer2_hk):
        request = ask(hk_program, pln_partner, staf_hk)
        services.enrollment_request_refuse(request=request, actor=manajer_hk)
        with pytest.raises(ValidationError):
            services.enrollment_request_approve(request=request, actor=manajer2_hk)

    def test_the_database_refuses_a_requester_as_decider(self, hk_program, pln_partner, manajer_hk):
        request = ask(hk_program, pln_partner, manajer_hk)
        with pytest.raises(IntegrityError), transaction.atomic():
            EnrollmentRequest.objects.filter(pk=request.pk).update(
                status="approved", decided_by=manajer_hk, decided_at=timezone.now()
            )

    def test_every_decision_is_in_the_history(self, hk_program, pln_partner, staf_hk, manajer_hk):
        request = ask(hk_program, pln_partner, staf_hk)
        services.enrollment_request_approve(request=request, actor=manajer_hk)
        rows = list(request.history.order_by("history_date").values_list("status", "history_user__username"))
        assert rows == [("pending", "staf.hk"), ("approved", "manajer.hk")]


class TestRemoval:
    def test_removal_leaves_who_and_when_in_the_history(self, hk_program, pln_partner, staf_hk, manajer_hk):
        enrollment = services.enrollment_request_approve(
            request=ask(hk_program, pln_partner, staf_hk), actor=manajer_hk
        )
        pk = enrollment.pk
        services.enrollment_remove(enrollment=enrollment, actor=staf_hk)
        assert not Enrollment.objects.filter(pk=pk).exists()
        removed = Enrollment.history.get(id=pk, history_type="-")
        assert removed.history_user == staf_hk and removed.cross_company and removed.request_id is not None

    def test_after_removal_it_can_be_asked_again(self, hk_program, pln_partner, staf_hk, manajer_hk):
        enrollment = services.enrollment_request_approve(
            request=ask(hk_program, pln_partner, staf_hk), actor=manajer_hk
        )
        services.enrollment_remove(enrollment=enrollment, actor=staf_hk)
        assert ask(hk_program, pln_partner, staf_hk).status == "pending"


class TestPages:
    def test_the_queue_shows_buttons_to_another_manager_only(
        self, client, hk_program, pln_partner, manajer_hk, manajer2_hk
    ):
        request = ask(hk_program, pln_partner, manajer_hk)
        url = reverse("programs:enrollment-request-list")
        approve = reverse("programs:enrollment-request-approve", args=[request.pk])
        client.force_login(manajer_hk)
        page = client.get(url).content.decode()
        assert "Tenun Songket Palembang" in page and approve not in page
        client.force_login(manajer2_hk)
        assert approve in client.get(url).content.decode()
        client.post(approve, {"note": "Setuju"})
        assert Enrollment.objects.get(program=hk_program, partner=pln_partner).cross_company

    def test_the_queue_in_indonesian(self, client, hk_program, pln_partner, staf_hk):
        ask(hk_program, pln_partner, staf_hk)
        client.force_login(staf_hk)
        client.cookies["django_language"] = "id"
        page = client.get(reverse("programs:enrollment-request-list")).content.decode()
        assert "Menunggu persetujuan" in page

    def test_the_program_page_links_to_the_waiting_requests(self, client, hk_program, pln_partner, staf_hk, manajer_hk):
        ask(hk_program, pln_partner, staf_hk)
        client.force_login(manajer_hk)
        client.cookies["django_language"] = "id"
        page = client.get(reverse("programs:program-detail", args=[hk_program.pk])).content.decode()
        assert reverse("programs:enrollment-request-list") in page and "1 menunggu" in page

    def test_another_company_sees_no_request(self, client, hk_program, pln_partner, staf_hk, manajer_pln):
        request = ask(hk_program, pln_partner, staf_hk)
        client.force_login(manajer_pln)
        assert "Tenun Songket" not in client.get(reverse("programs:enrollment-request-list")).content.decode()
        response = client.post(reverse("programs:enrollment-request-approve", args=[request.pk]))
        assert response.status_code == 404

    def test_removals_are_listed(self, client, hk_program, pln_partner, staf_hk, manajer_hk):
        enrollment = services.enrollment_request_approve(
            request=ask(hk_program, pln_partner, staf_hk), actor=manajer_hk
        )
        client.force_login(staf_hk)
        client.post(reverse("programs:enrollment-remove", args=[enrollment.pk]))
        page = client.get(reverse("programs:enrollment-request-list")).content.decode()
        removed = page[page.index('id="removed-enrollments"') :]
        assert "Tenun Songket Palembang" in removed and staf_hk.display_name in removed


class TestApi:
    def test_requests_are_listed_within_the_company_and_decided_by_another_manager(
        self, client, hk_program, pln_partner, staf_hk, manajer_hk, manajer_pln
    ):
        from programs.tests.test_api import bearer

        request = ask(hk_program, pln_partner, staf_hk)
        url = "/api/v1/enrollment-requests/"
        approve = f"{url}{request.pk}/approve/"
        listed = client.get(url, {"status": "pending"}, **bearer(manajer_hk)).json()["results"]
        assert [(r["id"], r["status"], r["requested_by"]) for r in listed] == [(request.pk, "pending", staf_hk.pk)]
        assert client.get(url, **bearer(manajer_pln)).json()["results"] == []
        assert client.post(approve, content_type="application/json", **bearer(manajer_pln)).status_code == 404
        assert client.post(approve, content_type="application/json", **bearer(staf_hk)).status_code == 403
        refused = client.post(
            f"{url}{request.pk}/refuse/",
            {"note": "Bukan sasaran"},
            content_type="application/json",
            **bearer(manajer_hk),
        )
        assert refused.status_code == 200 and refused.json()["status"] == "refused"
        assert refused.json()["decision_note"] == "Bukan sasaran"
        again = client.post(
            approve,
            content_type="application/json",
            **bearer(make_user("m3.hk", Role.MANAJER, company=hk_program.company)),
        )
        assert again.status_code == 422 and not Enrollment.objects.filter(program=hk_program).exists()

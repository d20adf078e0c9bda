import pytest
from django.urls import reverse

from disbursements.services import disbursement_approve
from disbursements.tests.conftest import submitted_for

pytestmark = pytest.mark.django_db


def test_member_page_shows_its_share_of_a_group_handover(client, staf_hk, manajer_hk, program, group):
    handover = disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=group), actor=manajer_hk)
    member = handover.allocations.order_by("partner__business_name").first()
    client.force_login(staf_hk)
    page = client.get(reverse("partners:partner-detail", args=[member.partner_id])).content.decode()
    assert "HK/TJSL/2023/0001" in page and "Rp6.666.667" in page


def test_group_page_shows_the_handover(client, staf_hk, manajer_hk, program, group):
    disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=group), actor=manajer_hk)
    client.force_login(staf_hk)
    page = client.get(reverse("partners:businessgroup-detail", args=[group.pk])).content.decode()
    assert "HK/TJSL/2023/0001" in page and "Rp200.000.000" in page


def test_other_company_staff_do_not_see_the_aid(client, staf_hk, manajer_hk, staf_pln, program, partner):
    disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk)
    client.force_login(staf_pln)
    response = client.get(reverse("partners:partner-detail", args=[partner.pk]))
    assert response.status_code == 200 and "HK/TJSL/2023/0001" not in response.content.decode()

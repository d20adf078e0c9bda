"""The allocation editor page: what it shows, what it keeps, and whom it names."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from conftest import make_user
from disbursements.tests.conftest import draft_for, make_partner
from partners.models import Membership
from regions.models import Region

pytestmark = pytest.mark.django_db


def equal_amounts(handover, each: str) -> dict:
    return {f"amount_{m.pk}": each for m in handover.group.members_on(handover.handed_on)}


@pytest.fixture
def ambon_member(group):
    member = make_partner("Mutiara Ambon", Region.objects.get(code="81.71"))
    Membership.objects.create(group=group, partner=member, joined_on=datetime.date(2022, 6, 1))
    return member


class TestAllocationEditor:
    def test_an_error_keeps_what_was_typed_and_saves_nothing(self, client, staf_hk, program, group):
        handover = draft_for(staf_hk, program, recipient=group, total=30_000_000)
        first = sorted(group.members_on(handover.handed_on), key=lambda p: p.business_name)[0]
        client.force_login(staf_hk)
        url = reverse("disbursements:handover-allocations", args=[handover.pk])
        page = client.get(url).content.decode()
        assert "1.000.000" in page  # the equal split, grouped

        response = client.post(url, {**equal_amounts(handover, "1.000.000"), f"amount_{first.pk}": "7.500.000"})
        html = response.content.decode()
        assert response.status_code == 400
        assert 'value="7.500.000"' in html
        assert "Jumlah alokasi" in html
        assert not handover.allocations.exists()

    def test_a_regional_editor_sees_no_member_outside_the_region_and_keeps_their_amount(
        self, client, hk, program, group, ambon_member
    ):
        regional = make_user("staf.hk.sumsel", Role.STAF, company=hk, region_code="16")
        handover = draft_for(regional, program, recipient=group, total=31_000_000)
        kept = 1_000_000  # the equal split of Rp31.000.000 over 31 members
        client.force_login(regional)
        url = reverse("disbursements:handover-allocations", args=[handover.pk])
        html = client.get(url).content.decode()
        assert "Mutiara Ambon" not in html
        assert f"amount_{ambon_member.pk}" not in html
        assert "1 anggota di luar wilayah Anda (tidak diubah)" in html

        members = sorted(
            (m for m in group.members_on(handover.handed_on) if m.pk != ambon_member.pk), key=lambda p: p.business_name
        )
        data = {f"amount_{m.pk}": "1.000.000" for m in members}
        data[f"amount_{members[0].pk}"] = "500.000"
        data[f"amount_{members[1].pk}"] = "1.500.000"
        data[f"amount_{ambon_member.pk}"] = "0"  # posted by hand: not a field of this editor, ignored
        response = client.post(url, data)
        assert response.status_code == 302
        assert handover.allocations.get(partner=ambon_member).amount == kept
        assert handover.allocations.get(partner=members[0]).amount == 500_000
        assert sum(a.amount for a in handover.allocations.all()) == handover.total

    def test_only_an_editor_of_a_group_draft_opens_it(
        self, client, staf_hk, manajer_hk, pejabat_sumsel, program, group
    ):
        handover = draft_for(staf_hk, program, recipient=group)
        url = reverse("disbursements:handover-allocations", args=[handover.pk])
        client.force_login(pejabat_sumsel)
        assert client.get(url).status_code == 403

"""A handover's change history: who changed what and when, for auditors, administrators and
managers; 404 outside the reader's scope, 403 (and no link) for the other roles."""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.urls import reverse
from simple_history.models import HistoricalRecords

from disbursements.services import allocations_set, disbursement_update_draft
from disbursements.tests.conftest import draft_for, items_worth, submitted_for

pytestmark = pytest.mark.django_db


@contextmanager
def acting_as(user):
    """Who django-simple-history records, as the request middleware gives it on every page."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def history_url(handover) -> str:
    return reverse("disbursements:handover-history", args=[handover.pk])


def rows(client, user, handover) -> list[str]:
    client.force_login(user)
    response = client.get(history_url(handover))
    assert response.status_code == 200
    return [
        " | ".join([e.what, e.kind, e.who, *(f"{a}: {b} → {c}" for a, b, c in e.changes)])
        for e in response.context["history"]
    ]


@pytest.fixture
def corrected(staf_hk, staf2_hk, program, partner):
    """Rina enters a draft; a colleague then raises the price of the equipment."""
    with acting_as(staf_hk):
        handover = draft_for(staf_hk, program, recipient=partner, total=200_000_000)
    items = items_worth(250_000_000)  # the equipment Rp150.000.000 instead of Rp120.000.000
    with acting_as(staf2_hk):
        disbursement_update_draft(disbursement=handover, actor=staf2_hk, items=items, basis="SK-07/2023")
    return handover


class TestWhatItShows:
    def test_every_change_with_who_and_old_and_new_values_in_rupiah(self, client, corrected, manajer_hk):
        shown = rows(client, manajer_hk, corrected)
        assert any(
            r.startswith("Penyaluran | diubah | staf2.hk")
            and "Dasar (nomor surat keputusan atau perjanjian): – → SK-07/2023" in r
            for r in shown
        ), shown
        assert any(
            r.startswith("Barang: Alat cetak perak | dibuat | staf2.hk")
            and "Harga satuan (Rp): – → Rp150.000.000" in r
            and "Jumlah: – → 1" in r
            for r in shown
        ), shown
        assert any(
            r.startswith("Barang: Alat cetak perak | dihapus | staf2.hk") and "Rp120.000.000 → –" in r for r in shown
        )
        assert any(
            r.startswith("Penyaluran | diubah | staf2.hk") and "Rp200.000.000 → Rp250.000.000" in r for r in shown
        )
        created = [r for r in shown if r.startswith("Penyaluran | dibuat | Rina")]
        assert created and "Program: – → HK-PK · HK Peduli Kreatif" in created[0] and "Status: – → Draf" in created[0]

    def test_the_page_gives_date_and_time(self, client, corrected, auditor):
        client.force_login(auditor)
        html = client.get(history_url(corrected)).content.decode()
        assert " WIB" in html and "Riwayat perubahan" in html

    def test_approval_shows_number_and_approver(self, client, staf_hk, manajer_hk, auditor, program, partner):
        handover = submitted_for(staf_hk, program, recipient=partner)
        client.force_login(manajer_hk)
        client.post(reverse("disbursements:handover-approve", args=[handover.pk]))
        shown = rows(client, auditor, handover)
        assert any("Nomor: – → HK/TJSL/2023/0001" in r and "manajer.hk" in r for r in shown), shown

    def test_allocations_to_members_outside_the_readers_region_are_left_out(
        self, client, staf_hk, hk, program, group, ogan_ilir
    ):
        from accounts.roles import Role
        from conftest import make_user
        from disbursements.tests.conftest import make_partner
        from partners.models import Membership
        from regions.models import Region

        outsider = make_partner("Perajin Palembang", Region.objects.get(code="16.71"))
        Membership.objects.create(group=group, partner=outsider, joined_on=group.memberships.first().joined_on)
        handover = draft_for(staf_hk, program, recipient=group, total=31_000_000)
        allocations_set(
            disbursement=handover, actor=staf_hk, amounts={m.partner_id: 1_000_000 for m in group.memberships.all()}
        )
        manager_ogan_ilir = make_user("manajer.oi", Role.MANAJER, company=hk, region_code="16.10")
        shown = rows(client, manager_ogan_ilir, handover)
        assert any(r.startswith("Alokasi: Perajin 01") for r in shown), shown
        assert not any("Perajin Palembang" in r for r in shown)


class TestWhoMaySee:
    @pytest.mark.parametrize("role", ["manajer_hk", "auditor", "admin_user"])
    def test_auditors_administrators_and_managers_see_it_linked_from_the_handover(
        self, client, request, role, corrected
    ):
        client.force_login(request.getfixturevalue(role))
        assert (
            history_url(corrected)
            in client.get(reverse("disbursements:handover-detail", args=[corrected.pk])).content.decode()
        )
        assert client.get(history_url(corrected)).status_code == 200

    @pytest.mark.parametrize("role", ["staf_hk", "pejabat_sumsel"])
    def test_staff_and_officials_get_no_link_and_403(self, client, request, role, corrected):
        client.force_login(request.getfixturevalue(role))
        assert (
            history_url(corrected)
            not in client.get(reverse("disbursements:handover-detail", args=[corrected.pk])).content.decode()
        )
        assert client.get(history_url(corrected)).status_code == 403

    @pytest.mark.parametrize("role", ["manajer_pln", "pejabat_maluku"])
    def test_out_of_scope_is_404(self, client, request, role, corrected):
        client.force_login(request.getfixturevalue(role))
        assert client.get(history_url(corrected)).status_code == 404

    def test_a_whole_nik_of_the_second_party_is_masked_for_auditors(
        self, client, staf_hk, manajer_hk, auditor, program, partner
    ):
        with acting_as(staf_hk):
            handover = draft_for(staf_hk, program, recipient=partner, receiver_nik="1610015508850003")
        assert any("1610015508850003" in r for r in rows(client, manajer_hk, handover))
        assert not any("1610015508850003" in r for r in rows(client, auditor, handover))

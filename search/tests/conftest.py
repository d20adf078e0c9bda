"""Two regions, two companies: what each role's search may and may not find."""

from dataclasses import dataclass

import pytest

from accounts.roles import Role
from conftest import make_program, make_user
from disbursements.models import Disbursement
from disbursements.services import disbursement_approve
from disbursements.tests.conftest import make_partner, submitted_for
from partners.models import BusinessGroup, Partner
from regions.models import Region

SUMSEL_NIK = "1610015508850003"
MALUKU_NIK = "8171015508850777"


@dataclass
class World:
    sumsel_partner: Partner
    maluku_partner: Partner
    sumsel_group: BusinessGroup
    maluku_group: BusinessGroup
    hk_handover: Disbursement
    pln_handover: Disbursement


def _approved(staff, manager, program, partner) -> Disbursement:
    handover = submitted_for(staff, program, recipient=partner, total=20_000_000)
    return disbursement_approve(disbursement=handover, actor=manager)


@pytest.fixture
def world(hk, pln, staf_hk, manajer_hk, staf_pln) -> World:
    ogan_ilir, ambon = Region.objects.get(code="16.10"), Region.objects.get(code="81.71")
    sumsel_partner = make_partner(
        "Perak Tanjung Senai", ogan_ilir, nib="9120000000011", owner_nik=SUMSEL_NIK, registered_by_company=hk
    )
    maluku_partner = make_partner(
        "Mutiara Ambon Lestari", ambon, nib="9120000000022", owner_nik=MALUKU_NIK, registered_by_company=pln
    )
    manajer_pln = make_user("manajer.pln", Role.MANAJER, company=pln)
    return World(
        sumsel_partner=sumsel_partner,
        maluku_partner=maluku_partner,
        sumsel_group=BusinessGroup.objects.create(name="Kelompok Perak Sungging", regency=ogan_ilir),
        maluku_group=BusinessGroup.objects.create(name="Kelompok Mutiara Hitu", regency=ambon),
        hk_handover=_approved(staf_hk, manajer_hk, make_program(hk), sumsel_partner),
        pln_handover=_approved(staf_pln, manajer_pln, make_program(pln, code="PLN-PK"), maluku_partner),
    )

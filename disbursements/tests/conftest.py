import datetime
from decimal import Decimal

import pytest

from accounts.roles import Role
from conftest import make_program, make_user
from disbursements.services import ItemData, disbursement_create_draft, disbursement_submit
from partners.models import BusinessGroup, Membership, Partner
from programs.models import Program
from regions.models import Region

HANDOVER_DAY = datetime.date(2023, 11, 9)


@pytest.fixture
def ogan_ilir(db) -> Region:
    return Region.objects.get(code="16.10")


@pytest.fixture
def program(hk) -> Program:
    return make_program(hk)


def make_partner(name: str, region: Region, **extra) -> Partner:
    return Partner.objects.create(
        business_name=name,
        owner_name=f"Pemilik {name}",
        regency=region,
        sector="kerajinan",
        joined_on=datetime.date(2022, 1, 1),
        **extra,
    )


@pytest.fixture
def partner(ogan_ilir) -> Partner:
    return make_partner("Perak Tanjung Senai", ogan_ilir)


@pytest.fixture
def group(ogan_ilir) -> BusinessGroup:
    group = BusinessGroup.objects.create(name="Kelompok Usaha Karya Usang Sungging", regency=ogan_ilir)
    for i in range(30):
        member = make_partner(f"Perajin {i + 1:02d}", ogan_ilir)
        Membership.objects.create(group=group, partner=member, joined_on=datetime.date(2022, 6, 1))
    return group


@pytest.fixture
def staf2_hk(hk):
    return make_user("staf2.hk", Role.STAF, company=hk)


@pytest.fixture
def manajer_pln(pln):
    return make_user("manajer.pln", Role.MANAJER, company=pln)


def items_worth(total: int) -> list[ItemData]:
    """Production equipment and raw materials adding up to `total`."""
    equipment = total * 3 // 5
    return [
        ItemData(
            kind="peralatan", description="Alat cetak perak", quantity=Decimal("1"), unit="paket", unit_value=equipment
        ),
        ItemData(
            kind="bahan_baku",
            description="Bahan baku perak dan tembaga",
            quantity=Decimal("1"),
            unit="paket",
            unit_value=total - equipment,
        ),
    ]


def draft_for(actor, program, *, recipient, total=200_000_000, day=HANDOVER_DAY, items=None, **extra):
    recipient_field = {"group": recipient} if isinstance(recipient, BusinessGroup) else {"partner": recipient}
    return disbursement_create_draft(
        actor=actor,
        program=program,
        items=items or items_worth(total),
        handed_on=day,
        place_regency=Region.objects.get(code="16.10"),
        place="Kantor Bupati Ogan Ilir, Tanjung Senai",
        giver_name="Kepala Unit TJSL",
        giver_position="Kepala Unit TJSL Hutama Karya",
        receiver_name="Kepala Dinas Perindustrian, Perdagangan, Koperasi dan UKM",
        receiver_position="Kepala Dinas",
        receiver_organisation="Pemerintah Kabupaten Ogan Ilir",
        **recipient_field,
        **extra,
    )


def three_items() -> list[ItemData]:
    """Silver, copper wire and a course: 2,5 kg at Rp1.900.000, 12 rolls, 1 course (Rp10.350.000 in all)."""
    return [
        ItemData(
            kind="bahan_baku", description="Perak murni", quantity=Decimal("2.50"), unit="kg", unit_value=1_900_000
        ),
        ItemData(
            kind="bahan_baku", description="Kawat tembaga", quantity=Decimal("12.00"), unit="gulung", unit_value=300_000
        ),
        ItemData(
            kind="pelatihan",
            description="Pelatihan desain perhiasan",
            quantity=Decimal("1"),
            unit="kegiatan",
            unit_value=2_000_000,
        ),
    ]


def submitted_for(actor, program, **kwargs):
    return disbursement_submit(disbursement=draft_for(actor, program, **kwargs), actor=actor)

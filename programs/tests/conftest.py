"""Fixtures of the programs app: more users, partners and programs built with the real services."""

import datetime

import pytest

from accounts.roles import Role
from conftest import make_user
from partners.models import Partner, Sector
from programs import services
from programs.models import Pillar, Program, Sdg
from programs.sdgs import sdgs_ensure
from regions.models import Region


@pytest.fixture(autouse=True)
def sdgs(db):
    """Seeded by a data migration; a transactional test's flush removes them."""
    if Sdg.objects.count() < 17:
        sdgs_ensure()


@pytest.fixture
def manajer_pln(pln):
    return make_user("manajer.pln", Role.MANAJER, company=pln)


@pytest.fixture
def admin_hk(hk):
    """The company's own Administrator (not a platform superuser)."""
    return make_user("admin.hk", Role.ADMINISTRATOR, company=hk)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_partner(name: str, regency_code: str = "16.10", **extra) -> Partner:
    defaults = {
        "owner_name": f"Pemilik {name}",
        "regency": region(regency_code),
        "sector": Sector.KERAJINAN,
        "joined_on": datetime.date(2023, 1, 10),
    }
    return Partner.objects.create(business_name=name, **{**defaults, **extra})


def make_program(company, actor, **overrides) -> Program:
    fields = {
        "code": "HK-PK",
        "name": "HK Peduli Kreatif",
        "pillar": Pillar.EKONOMI,
        "support_form": Program.SupportForm.BANTUAN,
        "start_date": datetime.date(2023, 1, 1),
        "end_date": datetime.date(2025, 12, 31),
        "status": Program.Status.AKTIF,
        "sdgs": Sdg.objects.filter(number=8),
        "target_regions": [region("16.10")],
    }
    fields.update(overrides)
    return services.program_create(company=company, actor=actor, **fields)


@pytest.fixture
def hk_program(hk, manajer_hk) -> Program:
    return make_program(hk, manajer_hk)


@pytest.fixture
def pln_program(pln, manajer_pln) -> Program:
    return make_program(
        pln,
        manajer_pln,
        code="PLN-NK",
        name="PLN Peduli UMK Naik Kelas",
        support_form=Program.SupportForm.AKSES_PASAR,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        sdgs=Sdg.objects.filter(number__in=[8, 9]),
        target_regions=[region("31")],
    )

"""Factories for the registry's tests, built with the real services."""

import datetime
import itertools

import pytest

from partners import services
from regions.models import Region

_serial = itertools.count(1)


def nik(prefix: str = "161001", *, day: int = 15, month: int = 8, year: int = 85, serial: int | None = None) -> str:
    """A valid-format NIK (women: pass day + 40)."""
    serial = next(_serial) if serial is None else serial
    return f"{prefix}{day:02d}{month:02d}{year:02d}{serial:04d}"


def nib(serial: int | None = None) -> str:
    return f"9120{(next(_serial) if serial is None else serial):09d}"


def partner_data(**overrides) -> dict:
    data = {
        "business_name": "Kerajinan Perak Sungging",
        "owner_name": "Ahmad Fauzi",
        "owner_nik": nik(),
        "nib": "",
        "npwp": "",
        "phone": "+6281234567890",
        "address": "Desa Sungging, Tanjung Batu",
        "regency": Region.objects.get(code="16.10"),
        "district": None,
        "sector": "kerajinan",
        "kbli": "",
        "products": "Cincin perak",
        "joined_on": datetime.date(2023, 11, 9),
        "status": "aktif",
        "notes": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_partner():
    def make(actor, **overrides):
        return services.partner_create(actor=actor, **partner_data(**overrides))

    return make


@pytest.fixture
def ogan_ilir(db) -> Region:
    return Region.objects.get(code="16.10")


@pytest.fixture
def ambon(db) -> Region:
    return Region.objects.get(code="81.71")


@pytest.fixture
def make_user_without_role(db):
    from conftest import make_user

    return make_user("tanpa.peran", None)


@pytest.fixture
def staf_hk_live(live_db):
    from accounts.models import Company
    from accounts.roles import Role
    from conftest import make_user

    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    return make_user("staf.hk", Role.STAF, company=hk)

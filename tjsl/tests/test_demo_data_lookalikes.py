"""`load_demo_data` is safe on any database: `make run` restarts on data people entered.

It runs twice without duplicating anything, and next to records that look like the
demo's (same names, usernames, NIK, NIB, codes, in another case or another role) it
neither crashes nor changes them: it skips what would clash and says so.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import override_settings

from accounts.models import Company, User
from accounts.roles import Role
from conftest import make_user
from disbursements.models import Disbursement
from partners.demo import GROUP_NAME, _nik
from partners.models import Assessment, BusinessGroup, ExportMilestone, Membership, Partner
from programs.demo import _exhibitor_specs
from programs.models import Activity, Enrollment, Program, ProgramBudget
from regions.models import Region
from reports.models import ImpactReport

pytestmark = pytest.mark.django_db

COUNTED = [
    Company,
    User,
    Partner,
    Assessment,
    ExportMilestone,
    BusinessGroup,
    Membership,
    Program,
    ProgramBudget,
    Enrollment,
    Activity,
    Disbursement,
    ImpactReport,
]


def load_demo() -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo_data", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def snapshot(*records) -> list[dict]:
    """What a user entered, as stored (fresh from the database)."""
    return [model_to_dict(type(record).objects.get(pk=record.pk)) for record in records]


def partner(name: str, regency_code: str = "16.71", **extra) -> Partner:
    return Partner.objects.create(
        business_name=name,
        owner_name=f"Pemilik {name}",
        regency=Region.objects.get(code=regency_code),
        sector="kuliner",
        joined_on=datetime.date(2024, 1, 1),
        **extra,
    )


def assert_safe_twice(records) -> str:
    """Two runs: neither crashes, the second adds nothing, the user's records are unchanged."""
    before = snapshot(*records)
    first = load_demo()
    after_first = counts()
    second = load_demo()
    assert counts() == after_first
    assert snapshot(*records) == before
    return first + second


@pytest.fixture
def no_report_pdf(monkeypatch):
    """The impact report's PDF takes seconds and is not what these tests are about."""
    monkeypatch.setattr("reports.demo.services.impact_report_produce", lambda *, report_id: None)


class TestOnItsOwnData:
    def test_a_second_run_changes_nothing_and_keeps_what_users_changed(self):
        load_demo()
        program = Program.objects.get(code="HK-PK")
        program.description = "Diubah oleh pengguna"
        program.save(update_fields=["description"])
        ProgramBudget.objects.filter(program=program, year=2023).update(amount=900_000_000)
        member = Partner.objects.get(owner_nik=_nik("161002", 0, False))
        Partner.objects.filter(pk=member.pk).update(phone="+6281111111111")
        admin = User.objects.get(username="admin")
        admin.set_password("password-of-my-own-42")
        admin.save(update_fields=["password"])
        before, records = counts(), [program, member, admin, ProgramBudget.objects.get(program=program, year=2023)]
        kept = snapshot(*records)
        load_demo()
        assert counts() == before
        assert snapshot(*records) == kept
        assert User.objects.get(username="admin").check_password("password-of-my-own-42")


class TestNextToLookAlikes:
    def test_companies_with_the_demo_code_or_name(self, no_report_pdf):
        other_hk = Company.objects.create(code="HK", name="PT Harapan Kita", short_name="Harapan Kita")
        other_pln = Company.objects.create(code="PLNX", name="pt pln (persero)", short_name="PLN Lain")
        output = assert_safe_twice([other_hk, other_pln])
        assert "skipped company HK" in output and "skipped company PLN" in output
        assert Company.objects.count() == 2
        assert not Program.objects.exists() and not Disbursement.objects.exists()
        assert not User.objects.filter(company__isnull=False).exists()

    def test_users_with_the_demo_usernames(self, no_report_pdf):
        hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
        # Someone's own accounts: a platform superuser called admin without a role, staf.pln as
        # a manager of another company, and an auditor spelt with capitals.
        admin = User.objects.create_user(username="admin", password="mine-and-only-mine-7", email="ops@bumn.test")
        staf_pln = make_user("staf.pln", Role.MANAJER, company=hk, email="staf.pln@example.org")
        auditor = make_user("Auditor", Role.STAF, company=hk)
        output = assert_safe_twice([admin, staf_pln, auditor])
        assert "skipped user admin" in output and "skipped user staf.pln" in output and "skipped user auditor" in output
        admin.refresh_from_db()
        assert not admin.is_superuser and not admin.is_staff and not admin.groups.exists()
        assert admin.check_password("mine-and-only-mine-7")
        assert not User.objects.filter(username__iexact="auditor").exclude(pk=auditor.pk).exists()
        # The HK side of the demo is all there; nothing was entered in the name of someone else's user.
        assert Disbursement.objects.filter(company=hk, status="verified", group__name=GROUP_NAME).exists()
        assert not Disbursement.objects.filter(created_by=staf_pln).exists()
        assert not Partner.objects.filter(created_by=staf_pln).exists()

    def test_partners_groups_programs_and_reports_like_the_demo_ones(self):
        hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
        someone = make_user("pengguna.hk", Role.STAF, company=hk)
        same_nik = partner("Warung Milik Orang Lain", owner_nik=_nik("161002", 0, False))
        same_nib = partner("Usaha NIB Sama", nib=f"91200{10000000 + 1:08d}")
        same_name = partner("Kemplang Tunu Bu Ida", regency_code="16.10")
        exhibitor = next(iter(_exhibitor_specs()))[0]
        twins = [partner(exhibitor, regency_code="31.71") for _ in range(2)]
        group = BusinessGroup.objects.create(name=GROUP_NAME.upper(), regency=Region.objects.get(code="81.71"))
        program = Program.objects.create(
            company=hk,
            code="HK-LAIN",
            name="hk peduli kreatif",
            pillar="ekonomi",
            support_form="bantuan",
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2025, 12, 31),
            status="aktif",
        )
        queued = ImpactReport.objects.create(
            kind="quarter",
            period_start=datetime.date(2023, 10, 1),
            period_end=datetime.date(2023, 12, 31),
            period_key="2023-Q4",
            company=hk,
            language="id",
            version=1,
            trigger=ImpactReport.Trigger.USER,
            requested_by=someone,
        )
        records = [same_nik, same_nib, same_name, *twins, group, program, queued]
        output = assert_safe_twice(records)
        for name in ("Kerajinan Perak Ahmad", "Songket Palembang Indah", "Kemplang Tunu Bu Ida", exhibitor):
            assert f"skipped partner {name}" in output or f"skipped exhibitor {name}" in output, name
        assert f"skipped {GROUP_NAME}" in output and "skipped program HK Peduli Kreatif" in output
        # No second look-alike next to the user's, and the user's records took no demo data.
        assert Partner.objects.filter(business_name__iexact="Kemplang Tunu Bu Ida").count() == 1
        assert Partner.objects.filter(business_name__iexact=exhibitor).count() == 2
        assert BusinessGroup.objects.filter(name__iexact=GROUP_NAME).count() == 1
        assert Program.objects.filter(company=hk, name__iexact="HK Peduli Kreatif").count() == 1
        assert not Enrollment.objects.filter(program=program).exists()
        assert not Disbursement.objects.filter(program=program).exists()
        assert not Assessment.objects.filter(partner__in=[same_nik, same_nib, same_name, *twins]).exists()
        assert ImpactReport.objects.filter(company=hk).count() == 1
        # The rest of the demo (PLN, the other partners) is there.
        assert Program.objects.filter(code="PLN-UMK-NK").exists() and Partner.objects.count() > 60

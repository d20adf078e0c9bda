"""The home page is a work list for the person signed in, in their scope."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from conftest import make_user
from disbursements.services import disbursement_approve, disbursement_return, disbursement_withdraw
from disbursements.tests.conftest import draft_for, make_partner, submitted_for
from programs.models import Program, ProgramBudget
from regions.models import Region
from reports.dashboard import dashboard_data, dashboard_query, figures_for
from reports.models import ImpactReport

HOME = "/"


@pytest.fixture
def program(hk):
    """A program open this year, so the dashboard's default period holds its handovers."""
    program = Program.objects.create(
        company=hk,
        code="HK-PK",
        name="HK Peduli Kreatif",
        pillar="ekonomi",
        support_form="bantuan",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(timezone.localdate().year + 1, 12, 31),
        status="aktif",
    )
    ProgramBudget.objects.create(program=program, year=timezone.localdate().year, amount=5_000_000_000)
    return program


@pytest.fixture
def partner(db):
    return make_partner("Perak Tanjung Senai", Region.objects.get(code="16.10"))


@pytest.fixture
def staf2_hk(hk):
    return make_user("staf2.hk", Role.STAF, company=hk)


@pytest.fixture
def manajer_pln(pln):
    return make_user("manajer.pln", Role.MANAJER, company=pln)


def today():
    return timezone.localdate()


def section(page: str, key: str) -> str:
    start = page.index(f'id="work-{key}"')
    return page[start : page.index("</section>", start)]


def home(client, user, language="id") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


class TestStaff:
    def test_returned_with_the_reason_drafts_and_approved_not_handed_over(
        self, client, staf_hk, manajer_hk, program, partner
    ):
        returned = submitted_for(staf_hk, program, recipient=partner, day=today())
        disbursement_return(disbursement=returned, actor=manajer_hk, reason="NIK penerima salah")
        withdrawn = submitted_for(staf_hk, program, recipient=partner, day=today(), total=3_000_000)
        disbursement_withdraw(disbursement=withdrawn, actor=staf_hk, reason="Mau saya ubah")
        draft = draft_for(staf_hk, program, recipient=partner, day=today(), total=1_000_000)
        approved = disbursement_approve(
            disbursement=submitted_for(staf_hk, program, recipient=partner, day=today(), total=2_000_000),
            actor=manajer_hk,
        )
        page = home(client, staf_hk)
        returned_list = section(page, "returned")
        assert "Dikembalikan kepada Anda" in returned_list
        assert f"/handovers/{returned.pk}/" in returned_list and "NIK penerima salah" in returned_list
        assert f"/handovers/{withdrawn.pk}/" not in returned_list  # withdrawn by me: a plain draft
        drafts = section(page, "drafts")
        assert f"/handovers/{draft.pk}/" in drafts and f"/handovers/{withdrawn.pk}/" in drafts
        assert f"/handovers/{returned.pk}/" not in drafts
        assert f"/handovers/{approved.pk}/" in section(page, "approved")
        assert 'id="work-awaiting"' not in page  # staff approve nothing

    def test_many_newer_drafts_never_hide_an_older_return(self, client, staf_hk, manajer_hk, program, partner):
        returned = submitted_for(staf_hk, program, recipient=partner, day=today())
        disbursement_return(disbursement=returned, actor=manajer_hk, reason="Lampiran kurang")
        for n in range(25):
            draft_for(staf_hk, program, recipient=partner, day=today(), total=n + 1)
        assert f"/handovers/{returned.pk}/" in section(home(client, staf_hk), "returned")

    def test_another_persons_drafts_and_another_companys_work_are_not_listed(
        self, client, staf_hk, staf2_hk, staf_pln, program, partner
    ):
        mine = draft_for(staf_hk, program, recipient=partner, day=today())
        page = home(client, staf2_hk)
        assert f"/handovers/{mine.pk}/" not in page
        page = home(client, staf_pln)
        assert f"/handovers/{mine.pk}/" not in page and "Anda tidak memiliki draf." in page

    @pytest.mark.parametrize(
        ("language", "titles"),
        [
            ("id", ["Dikembalikan kepada Anda", "Draf Anda", "Disetujui, belum diserahterimakan", "Laporan siap"]),
            ("en", ["Returned to you", "Your drafts", "Approved, not yet handed over", "Reports ready"]),
        ],
    )
    def test_both_languages(self, client, staf_hk, language, titles):
        page = home(client, staf_hk, language)
        for title in titles:
            assert title in page


class TestManager:
    def test_what_awaits_my_approval_and_its_count_in_the_navigation(
        self, client, staf_hk, manajer_hk, manajer_pln, program, partner
    ):
        waiting = [submitted_for(staf_hk, program, recipient=partner, day=today(), total=n) for n in (1, 2, 3)]
        own = submitted_for(manajer_hk, program, recipient=partner, day=today(), total=4)
        page = home(client, manajer_hk)
        awaiting = section(page, "awaiting")
        assert "Menunggu persetujuan Anda" in awaiting
        assert all(f"/handovers/{h.pk}/" in awaiting for h in waiting)
        assert f"/handovers/{own.pk}/" not in awaiting
        assert 'id="nav-awaiting-count">3<' in page
        page = home(client, manajer_pln)
        assert "Tidak ada yang menunggu persetujuan Anda." in page and 'id="nav-awaiting-count"' not in page

    def test_the_query_count_does_not_grow_with_the_lists(
        self, client, staf_hk, manajer_hk, program, partner, django_assert_max_num_queries
    ):
        def count() -> int:
            client.force_login(manajer_hk)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(HOME).status_code == 200
            return len(queries)

        def add_one_of_each(n):
            submitted_for(staf_hk, program, recipient=partner, day=today(), total=n)
            draft_for(manajer_hk, program, recipient=partner, day=today(), total=n)
            returned = submitted_for(manajer_hk, program, recipient=partner, day=today(), total=n)
            disbursement_return(disbursement=returned, actor=manajer_hk, reason=f"Alasan {n}")
            disbursement_approve(
                disbursement=submitted_for(staf_hk, program, recipient=partner, day=today(), total=n), actor=manajer_hk
            )

        add_one_of_each(1)
        few = count()
        for n in range(2, 14):
            add_one_of_each(n)
        assert count() == few
        client.force_login(manajer_hk)
        with django_assert_max_num_queries(few):
            page = client.get(HOME).content.decode()
        assert "Lihat semua" in section(page, "awaiting")


class TestOfficial:
    def test_region_headline_figures_are_the_dashboards(
        self, client, staf_hk, manajer_hk, pejabat_sumsel, program, partner, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            disbursement_approve(
                disbursement=submitted_for(staf_hk, program, recipient=partner, day=today(), total=37_650_000),
                actor=manajer_hk,
            )
        query, refs = dashboard_query(pejabat_sumsel, QueryDict())
        headline = figures_for(pejabat_sumsel, dashboard_data(query, refs))["headline"]
        assert headline["net"] == 37_650_000
        page = home(client, pejabat_sumsel)
        figures = section(page, "region")
        assert "Sumatera Selatan" in figures and "Rp37.650.000" in figures
        assert f'href="{reverse("reports:dashboard")}"' in figures and "Buka dasbor" in figures
        assert 'id="work-drafts"' not in page and 'id="work-awaiting"' not in page

    def test_another_regions_official_sees_none_of_it(
        self, client, staf_hk, manajer_hk, pejabat_maluku, program, partner, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            disbursement_approve(
                disbursement=submitted_for(staf_hk, program, recipient=partner, day=today(), total=37_650_000),
                actor=manajer_hk,
            )
        figures = section(home(client, pejabat_maluku, "en"), "region")
        assert "Open the dashboard" in figures and "Rp37.650.000" not in figures


def test_a_company_administrator_gets_no_handover_work(client, hk, staf_hk, program, partner):
    admin_hk = make_user("admin.hk", Role.ADMINISTRATOR, company=hk)
    draft_for(staf_hk, program, recipient=partner, day=today())
    page = home(client, admin_hk)
    assert 'id="work-drafts"' not in page and 'id="work-returned"' not in page and 'id="work-reports"' in page


class TestReportsReady:
    def _report(self, company, region=None, status=ImpactReport.Status.DONE, version=1):
        return ImpactReport.objects.create(
            kind="year",
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 12, 31),
            period_key="2023",
            version=version,
            company=company,
            region=region,
            region_code=region.code if region else "",
            scope_key=ImpactReport.make_scope_key(company.pk if company else None, region.code if region else ""),
            status=status,
        )

    def test_my_companys_finished_reports_only(self, client, hk, pln, manajer_hk):
        ours = self._report(hk)
        queued = self._report(hk, status=ImpactReport.Status.QUEUED, version=2)
        theirs = self._report(pln)
        listed = section(home(client, manajer_hk), "reports")
        assert f"/reports/{ours.pk}/" in listed
        assert f"/reports/{queued.pk}/" not in listed and f"/reports/{theirs.pk}/" not in listed


@pytest.mark.parametrize(
    "role", ["staf_hk", "manajer_hk", "staf_pln", "pejabat_sumsel", "pejabat_maluku", "auditor", "admin_user"]
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_role_gets_a_home_page_without_anyone_elses_work(
    request, client, staf_hk, program, partner, role, language
):
    draft = draft_for(staf_hk, program, recipient=partner, day=today())
    user = request.getfixturevalue(role)
    page = home(client, user, language)
    if user != staf_hk:
        assert f"/handovers/{draft.pk}/" not in page
    assert "None" not in page.replace("NoneType", "")

"""Attack class: lists and summaries nested inside a record the reader may see.

A record can be visible while some of its rows are not: a program is visible to a regional
official once one enrolment lies in their region, a group of Ogan Ilir may count a member
from Ambon. Every nested list and every figure computed over one (enrolments, activities
and their participants, per-province summaries, group members and their count, a group
leader, allocations of a group handover, the BAST's member list) shows only the rows the
reader may see, through the pages, the API and the PDF. For every role, each of those
entry points is read and no name, count or sum from outside the reader's scope appears.

Budgets (RKA) and targets are program-wide: only roles holding view_programbudget /
view_programtarget read them (finding 8), in pages, API, dashboard and reports.
"""

import datetime
import json
import subprocess
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.roles import Role
from conftest import make_user
from disbursements.models import Allocation
from disbursements.services import (
    ItemData,
    disbursement_approve,
    disbursement_create_draft,
    disbursement_submit,
)
from partners.models import BusinessGroup, Membership, Partner
from programs import services as program_services
from programs.models import Activity, Pillar, Program, Sdg
from programs.sdgs import sdgs_ensure
from regions.models import Region
from reports.models import ImpactReport

SUMSEL = [f"Usaha Sumsel {i:02d}" for i in range(1, 31)]
MALUKU = "Usaha Maluku Ambon"
EVERYONE = [*SUMSEL, MALUKU]
BUDGET = 750_000_000
BUDGET_TEXT = "750.000.000"
TARGET_REACHED = 987
COST_OGAN_ILIR, COST_AMBON = 111_000_000, 22_000_000


def owner(name: str) -> str:
    return name.replace("Usaha", "Pemilik")


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@dataclass
class World:
    program: Program
    ogan_ilir_activity: Activity
    ambon_activity: Activity
    group: BusinessGroup
    handover: object
    partners: dict


def _partner(name: str, regency: str, hk) -> Partner:
    return Partner.objects.create(
        business_name=name,
        owner_name=owner(name),
        regency=region(regency),
        sector="kerajinan",
        joined_on=datetime.date(2022, 1, 1),
        registered_by_company=hk,
    )


def _activity(program, actor, *, title, regency, cost, participants):
    activity = program_services.activity_create(
        program=program,
        actor=actor,
        kind=Activity.Kind.PELATIHAN,
        title=title,
        start_date=datetime.date(2023, 8, 1),
        end_date=datetime.date(2023, 8, 2),
        place="Balai desa",
        regency=region(regency),
        cost=cost,
    )
    for partner in participants:
        program_services.activity_participant_add(activity=activity, partner=partner, actor=actor, product_count=3)
    return activity


def _group_handover(program, group, staff, manager):
    items = [
        ItemData(
            kind="peralatan", description="Alat cetak perak", quantity=Decimal("1"), unit="paket", unit_value=31_000_000
        )
    ]
    draft = disbursement_create_draft(
        actor=staff,
        program=program,
        group=group,
        items=items,
        handed_on=datetime.date(2023, 11, 9),
        place_regency=region("16.10"),
        place="Kantor Bupati Ogan Ilir, Tanjung Senai",
        giver_name="Kepala Unit TJSL",
        giver_position="Kepala Unit TJSL Hutama Karya",
        receiver_name="Kepala Dinas Perindustrian",
        receiver_position="Kepala Dinas",
        receiver_organisation="Pemerintah Kabupaten Ogan Ilir",
    )
    return disbursement_approve(disbursement=disbursement_submit(disbursement=draft, actor=staff), actor=manager)


@pytest.fixture
def world(hk, staf_hk, manajer_hk) -> World:
    if Sdg.objects.count() < 17:
        sdgs_ensure()
    partners = {name: _partner(name, "16.10", hk) for name in SUMSEL}
    partners[MALUKU] = _partner(MALUKU, "81.71", hk)
    program = program_services.program_create(
        company=hk,
        actor=manajer_hk,
        code="HK-PK",
        name="HK Peduli Kreatif",
        pillar=Pillar.EKONOMI,
        support_form=Program.SupportForm.BANTUAN,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        status=Program.Status.AKTIF,
        sdgs=Sdg.objects.filter(number=8),
        target_regions=[region("16.10")],
    )
    program_services.program_budget_set(program=program, year=2023, amount=BUDGET, reason="RKA", actor=manajer_hk)
    program_services.program_target_set(program=program, year=None, actor=manajer_hk, partners_reached=TARGET_REACHED)
    for partner in partners.values():
        program_services.enrollment_create(program=program, partner=partner, actor=staf_hk)
    sumsel = [partners[name] for name in SUMSEL]
    ogan_ilir_activity = _activity(
        program,
        staf_hk,
        title="Pelatihan Ogan Ilir",
        regency="16.10",
        cost=COST_OGAN_ILIR,
        participants=[sumsel[0], sumsel[1], partners[MALUKU]],
    )
    ambon_activity = _activity(
        program,
        staf_hk,
        title="Pelatihan Ambon",
        regency="81.71",
        cost=COST_AMBON,
        participants=[partners[MALUKU], sumsel[2]],
    )
    group = BusinessGroup.objects.create(
        name="Kelompok Usaha Karya Usang Sungging",
        regency=region("16.10"),
        leader=partners[MALUKU],
        registered_by_company=hk,
    )
    for partner in partners.values():
        Membership.objects.create(group=group, partner=partner, joined_on=datetime.date(2022, 6, 1))
    handover = _group_handover(program, group, staf_hk, manajer_hk)
    assert Allocation.objects.filter(disbursement=handover).count() == 31
    return World(program, ogan_ilir_activity, ambon_activity, group, handover, partners)


# --- Who sees what -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """A role, with what it must see: the partners of its region, the records of its company."""

    fixture: str
    partners: tuple[str, ...]  # the partners whose rows the reader may see
    program: bool  # the HK program (and its handover) is within reach
    ogan_ilir: bool  # the group, the Ogan Ilir activity and the group handover lie in reach
    ambon_activity: bool
    budgets: bool  # holds programs.view_programbudget

    @property
    def hidden(self) -> list[str]:
        return [name for name in EVERYONE if name not in self.partners]


ALL, ONLY_SUMSEL, ONLY_MALUKU = tuple(EVERYONE), tuple(SUMSEL), (MALUKU,)
READERS = [
    Reader("staf_hk", ALL, True, True, True, True),
    Reader("manajer_hk", ALL, True, True, True, True),
    Reader("admin_hk", ALL, True, True, True, True),
    Reader("staf_hk_sumsel", ONLY_SUMSEL, True, True, False, True),
    Reader("staf_pln", ALL, False, True, False, True),
    Reader("manajer_pln", ALL, False, True, False, True),
    Reader("auditor", ALL, True, True, True, True),
    Reader("pejabat_nasional", ALL, True, True, True, False),
    Reader("pejabat_sumsel", ONLY_SUMSEL, True, True, False, False),
    Reader("pejabat_ogan_ilir", ONLY_SUMSEL, True, True, False, False),
    Reader("pejabat_maluku", ONLY_MALUKU, True, False, True, False),
    Reader("pejabat_ambon", ONLY_MALUKU, True, False, True, False),
]


@pytest.fixture
def manajer_pln(pln):
    return make_user("manajer.pln", Role.MANAJER, company=pln)


@pytest.fixture
def admin_hk(hk):
    return make_user("admin.hk", Role.ADMINISTRATOR, company=hk)


@pytest.fixture
def staf_hk_sumsel(hk):
    return make_user("staf.hk.sumsel", Role.STAF, company=hk, region_code="16")


@pytest.fixture
def pejabat_nasional(db):
    return make_user("pejabat.nasional", Role.PEJABAT)


@pytest.fixture
def pejabat_ogan_ilir(db):
    return make_user("pejabat.oganilir", Role.PEJABAT, region_code="16.10")


@pytest.fixture
def pejabat_ambon(db):
    return make_user("pejabat.ambon", Role.PEJABAT, region_code="81.71")


def read(client, url: str, status: int = 200) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == status, (url, response.status_code)
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(response.content)
    return response.content.decode()


def pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def shows_only(text: str, reader: Reader, listed) -> None:
    """Every partner of `listed` the reader may see is named; no other partner nor its owner is."""
    for name in reader.hidden:
        assert name not in text and owner(name) not in text, name
    for name in listed:
        if name in reader.partners:
            assert name in text, name


@pytest.fixture
def as_reader(request, client, world):
    def login(reader: Reader):
        user = request.getfixturevalue(reader.fixture)
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.fixture)
class TestProgramNestedLists:
    def test_program_page(self, as_reader, world, reader):
        client = as_reader(reader)
        url = reverse("programs:program-detail", args=[world.program.pk])
        if not reader.program:
            read(client, url, 404)
            return
        page = read(client, url)
        shows_only(page, reader, EVERYONE)
        assert (BUDGET_TEXT in page) is reader.budgets
        assert ("Pelatihan Ogan Ilir" in page) is reader.ogan_ilir
        assert ("Pelatihan Ambon" in page) is reader.ambon_activity
        assert ("111.000.000" in page) is reader.ogan_ilir
        assert ("22.000.000" in page) is reader.ambon_activity
        sees_sumsel, sees_maluku = SUMSEL[0] in reader.partners, MALUKU in reader.partners
        assert ("Sumatera Selatan" in page) is sees_sumsel
        assert (">Maluku<" in page) is sees_maluku
        enrolled = len(reader.partners)
        assert f'border">{enrolled}</span>' in page
        assert (f" / {TARGET_REACHED}" in page) is reader.budgets  # the roles with budgets also read targets

    def test_program_api(self, as_reader, world, reader):
        client = as_reader(reader)
        base = f"/api/v1/programs/{world.program.pk}/"
        if not reader.program:
            read(client, base, 404)
            read(client, base + "enrollments/", 404)
            return
        body = json.loads(read(client, base))
        if reader.budgets:
            assert body["budgets"] == [{"year": 2023, "amount": BUDGET}]
            assert body["budget_lines"][0]["budget"] == BUDGET
        else:
            assert body["budgets"] is None and body["budget_lines"] is None
        listed = json.loads(read(client, base + "enrollments/"))
        assert sorted(row["business_name"] for row in listed) == sorted(reader.partners)
        targets = client.get(base + "targets/")
        assert targets.status_code == (200 if reader.budgets else 403)
        if reader.budgets:
            assert targets.json()[0]["partners_reached"] == TARGET_REACHED
        listing = read(client, "/api/v1/programs/")
        assert (str(BUDGET) in listing) is reader.budgets

    def test_activities(self, as_reader, world, reader):
        client = as_reader(reader)
        for activity, reachable, listed in (
            (world.ogan_ilir_activity, reader.ogan_ilir, [SUMSEL[0], SUMSEL[1], MALUKU]),
            (world.ambon_activity, reader.ambon_activity, [MALUKU, SUMSEL[2]]),
        ):
            reachable = reachable and reader.program
            page_url = reverse("programs:activity-detail", args=[activity.pk])
            api_url = f"/api/v1/activities/{activity.pk}/"
            if not reachable:
                read(client, page_url, 404)
                read(client, api_url, 404)
                continue
            seen = [name for name in listed if name in reader.partners]
            shows_only(read(client, page_url), reader, listed)
            body = json.loads(read(client, api_url))
            assert sorted(p["business_name"] for p in body["participants"]) == sorted(seen)
            assert body["participant_count"] == len(seen)
        if reader.program:
            rows = json.loads(read(client, f"/api/v1/activities/?program={world.program.pk}"))["results"]
            counts = {row["title"]: row["participant_count"] for row in rows}
            expected = {}
            if reader.ogan_ilir:
                expected["Pelatihan Ogan Ilir"] = len(
                    [n for n in (SUMSEL[0], SUMSEL[1], MALUKU) if n in reader.partners]
                )
            if reader.ambon_activity:
                expected["Pelatihan Ambon"] = len([n for n in (MALUKU, SUMSEL[2]) if n in reader.partners])
            assert counts == expected


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.fixture)
class TestGroupAndPartnerNestedLists:
    def test_group_page_and_list(self, as_reader, world, reader):
        client = as_reader(reader)
        url = reverse("partners:businessgroup-detail", args=[world.group.pk])
        if not reader.ogan_ilir:
            read(client, url, 404)
            assert world.group.name not in read(client, reverse("partners:businessgroup-list"))
            return
        page = read(client, url)
        shows_only(page, reader, EVERYONE)
        assert f"{len(reader.partners)} anggota" in page
        listing = read(client, reverse("partners:businessgroup-list"))
        assert f'<td class="text-end">{len(reader.partners)}</td>' in listing
        shows_only(listing, reader, [])

    def test_group_api(self, as_reader, world, reader):
        client = as_reader(reader)
        url = f"/api/v1/groups/{world.group.pk}/"
        if not reader.ogan_ilir:
            read(client, url, 404)
            return
        body = json.loads(read(client, url))
        assert sorted(m["business_name"] for m in body["members"]) == sorted(reader.partners)
        assert body["member_count"] == len(reader.partners)
        assert body["leader"] == (world.partners[MALUKU].pk if MALUKU in reader.partners else None)
        row = next(r for r in json.loads(read(client, "/api/v1/groups/"))["results"] if r["id"] == world.group.pk)
        assert row["member_count"] == len(reader.partners)

    def test_partner_filters_by_group_and_program(self, as_reader, world, reader):
        client = as_reader(reader)
        names = []
        url = f"/api/v1/partners/?group={world.group.pk}&page_size=100"
        response = client.get(url)
        if response.status_code == 200:
            names = [row["business_name"] for row in response.json()["results"]]
        assert not set(names) - set(reader.partners)
        if reader.program:
            response = client.get(f"/api/v1/partners/?program={world.program.pk}&page_size=100")
            assert response.status_code == 200
            assert sorted(row["business_name"] for row in response.json()["results"]) == sorted(reader.partners)

    def test_partner_exports_of_a_program_or_a_group(self, as_reader, world, reader):
        client = as_reader(reader)
        for query, reachable in ((f"program={world.program.pk}", reader.program), (f"group={world.group.pk}", True)):
            for fmt in ("csv", "xlsx"):
                response = client.get(f"{reverse('partners:partner-export', args=[fmt])}?{query}")
                assert response.status_code == 200
                if fmt == "csv":
                    shows_only(response.content.decode("utf-8-sig"), reader, reader.partners if reachable else [])

    def test_partner_page_lists_only_groups_in_reach(self, as_reader, world, reader):
        client = as_reader(reader)
        maluku = world.partners[MALUKU]
        url = reverse("partners:partner-detail", args=[maluku.pk])
        if MALUKU not in reader.partners:
            read(client, url, 404)
            return
        page = read(client, url)
        assert (world.group.name in page) is reader.ogan_ilir


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.fixture)
class TestHandoverNestedLists:
    def test_page_api_and_bast(self, as_reader, world, reader, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client = as_reader(reader)
        pk = world.handover.pk
        page_url = reverse("disbursements:handover-detail", args=[pk])
        bast_url = reverse("disbursements:handover-bast", args=[pk])
        api_url = f"/api/v1/handovers/{pk}/"
        if not (reader.program and reader.ogan_ilir):
            for url in (page_url, bast_url, api_url):
                read(client, url, 404)
            return
        shows_only(read(client, page_url), reader, EVERYONE)
        body = json.loads(read(client, api_url))
        listed = {row["business_name"] for row in body["allocations"]}
        assert listed == set(reader.partners)
        bast = read(client, bast_url)
        shows_only(bast, reader, EVERYONE)
        assert ("hanya anggota di wilayah tersebut" in bast) is (len(reader.partners) < len(EVERYONE))


# --- Finding 8: budgets follow the permission ---------------------------------------------


BUDGET_READERS = [r for r in READERS if r.program]


@pytest.mark.parametrize("reader", BUDGET_READERS, ids=lambda r: r.fixture)
def test_dashboard_shows_budgets_only_to_roles_that_may_read_them(as_reader, world, reader, hk):
    client = as_reader(reader)
    query = f"?period=2023&company={hk.pk}"
    page = read(client, reverse("reports:dashboard") + query)
    assert ('id="figure-budget"' in page) is reader.budgets
    assert (BUDGET_TEXT in page) is reader.budgets
    headline = json.loads(read(client, "/api/v1/dashboard/" + query))["headline"]
    if reader.budgets:
        assert headline["budget"] == BUDGET
    else:
        assert headline["budget"] is None and headline["realisation_pct"] is None


def _company_report(hk, region_code=""):
    report = ImpactReport(
        kind="year",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        period_key="2023",
        company=hk,
        region_code=region_code,
        scope_key=f"{hk.pk}:{region_code or '*'}",
        status=ImpactReport.Status.DONE,
        version=2,
        figures={"summary": {"budget": BUDGET, "net": 31_000_000, "realised": 0}, "programs": []},
        diff={
            "previous_version": 1,
            "changes": [
                {"key": "summary.budget", "section": "summary", "label": "budget", "before": 1, "after": BUDGET},
                {"key": "summary.net", "section": "summary", "label": "net", "before": 0, "after": 31_000_000},
            ],
        },
    )
    report.pdf.save("r.pdf", ContentFile(b"%PDF-1.4 laporan"), save=False)
    report.xlsx.save("r.xlsx", ContentFile(b"PK workbook"), save=False)
    report.save()
    return report


@pytest.mark.parametrize(
    "reader", [r for r in READERS if r.fixture in ("staf_hk", "auditor", "pejabat_nasional")], ids=lambda r: r.fixture
)
def test_a_company_report_gives_its_budgets_only_to_roles_that_may_read_them(
    as_reader, world, reader, hk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = as_reader(reader)
    report = _company_report(hk)
    page = read(client, reverse("reports:report-detail", args=[report.pk]))
    assert (BUDGET_TEXT in page) is reader.budgets
    assert ("summary.budget" in page) is reader.budgets
    assert "summary.net" in page
    status = 200 if reader.budgets else 403
    for fmt in ("pdf", "xlsx"):
        assert client.get(reverse("reports:report-download", args=[report.pk, fmt])).status_code == status
        assert client.get(f"/api/v1/reports/{report.pk}/{fmt}/").status_code == status


@pytest.mark.parametrize("action", ["enrollment", "participant"])
def test_regional_staff_cannot_remove_a_row_outside_their_region_by_its_id(client, world, staf_hk_sumsel, action):
    """The remove buttons of rows one may not see: 404, nothing removed, no name in the answer."""
    maluku = world.partners[MALUKU]
    if action == "enrollment":
        row = world.program.enrollments.get(partner=maluku)
        url = reverse("programs:enrollment-remove", args=[row.pk])
    else:
        row = world.ogan_ilir_activity.participants.get(partner=maluku)
        url = reverse("programs:participant-remove", args=[row.pk])
    client.force_login(staf_hk_sumsel)
    response = client.post(url, follow=True)
    assert response.status_code == 404
    assert MALUKU not in response.content.decode()
    assert type(row).objects.filter(pk=row.pk).exists()

"""The three journeys of the product, end to end in headless Chromium.

(a) a staff member registers a partner and enters a group handover;
(b) a manager approves it, follows the programme budget and downloads the quarterly PDF;
(c) a regional official finds the partner and the handover in their region, and another
    region's official cannot reach them (404).
"""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from conftest import browser_login, make_user, requires_chromium
from disbursements.models import Disbursement, Status
from partners.models import BusinessGroup, Membership, Partner
from regions.models import Region
from tjsl.tests.test_hostile_input import make_program

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_db):
    from accounts.models import Company

    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    users = {
        "staf": make_user("staf.hk", Role.STAF, company=hk, first_name="Rina"),
        "manajer": make_user("manajer.hk", Role.MANAJER, company=hk),
        "sumsel": make_user("pejabat.sumsel", Role.PEJABAT, region_code="16"),
        "maluku": make_user("pejabat.maluku", Role.PEJABAT, region_code="81"),
    }
    ogan_ilir = Region.objects.get(code="16.10")
    group = BusinessGroup.objects.create(name="Kelompok Perajin Tanjung Senai", regency=ogan_ilir)
    for i in range(3):
        member = Partner.objects.create(
            business_name=f"Perajin Songket {i + 1}",
            owner_name=f"Pemilik {i + 1}",
            regency=ogan_ilir,
            sector="kerajinan",
            joined_on=datetime.date(2022, 1, 1),
        )
        Membership.objects.create(group=group, partner=member, joined_on=datetime.date(2022, 6, 1))
    return {"program": make_program(hk), "group": group, "ogan_ilir": ogan_ilir, **users}


def register_partner(page, ogan_ilir) -> Partner:
    page.goto(reverse("partners:partner-create"))
    page.fill("#id_business_name", "Songket Tanjung Senai")
    page.fill("#id_owner_name", "Siti Rahmah")
    page.fill("#id_owner_nik", "1610025508850002")
    page.fill("#id_phone", "0812 3456 7890")
    page.select_option("#id_regency", str(ogan_ilir.pk))
    page.select_option("#id_sector", "kerajinan")
    page.fill("#id_joined_on", "09/11/2023")
    page.click("main [type=submit]")
    page.wait_for_url("**/partners/*/")
    return Partner.objects.get(owner_nik="1610025508850002")


def enter_group_handover(page, program, group) -> Disbursement:
    page.goto(reverse("disbursements:handover-create"))
    page.select_option("select[name=program]", str(program.pk))
    page.fill("#recipient-search", "Tanjung Senai")
    page.click(f"[data-recipient='g:{group.pk}']")
    page.fill("input[name=handed_on]", "09/11/2023")
    page.select_option("select[name=place_province]", label="Sumatera Selatan")
    page.wait_for_selector("select[name=place_regency] option:has-text('Kabupaten Ogan Ilir')", state="attached")
    page.select_option("select[name=place_regency]", label="Kabupaten Ogan Ilir")
    page.fill("input[name=place]", "Balai Desa Tanjung Senai")
    page.fill("input[name=giver_name]", "Kepala Unit TJSL")
    page.fill("input[name=receiver_name]", "Ketua Kelompok")
    page.select_option("select[name=items-0-kind]", "peralatan")
    page.fill("input[name=items-0-description]", "Alat tenun songket")
    page.fill("input[name=items-0-quantity]", "3")
    page.fill("input[name=items-0-unit]", "unit")
    page.fill("input[name=items-0-unit_value]", "15000000")
    expect(page.locator("#items-grand-total")).to_have_text("Rp45.000.000")
    page.click("button[name=submit]")
    page.wait_for_url("**/handovers/*/")
    return Disbursement.objects.get()


def test_staff_enters_manager_approves_and_reports_official_sees_only_their_region(
    page, world, tmp_path, settings, monkeypatch
):
    from reports.tasks import impact_report_produce

    settings.MEDIA_ROOT = tmp_path / "media"
    # The report job is run below in this process, as a worker would; nothing goes to the broker.
    monkeypatch.setattr(impact_report_produce, "apply_async", lambda *args, **kwargs: None)

    # (a) Staff: a new partner, then a handover to the group, submitted for approval.
    browser_login(page, "staf.hk")
    partner = register_partner(page, world["ogan_ilir"])
    assert "Songket Tanjung Senai" in page.inner_text("h1")
    handover = enter_group_handover(page, world["program"], world["group"])
    assert handover.status == Status.SUBMITTED and handover.total == 45_000_000
    assert handover.allocations.count() == 3

    # (b) Manager: approve from the queue, see the budget committed, take the quarterly report.
    page.context.clear_cookies()
    browser_login(page, "manajer.hk")
    page.goto(reverse("disbursements:handover-queue"))
    page.click(f"a[href='/handovers/{handover.pk}/']")
    page.click("form[action$='/approve/'] button[type=submit]")
    page.wait_for_selector("text=HK/TJSL/2023/0001")
    handover.refresh_from_db()
    assert handover.status == Status.APPROVED and handover.approved_by == world["manajer"]
    page.goto(reverse("programs:program-detail", args=[world["program"].pk]))
    assert "Rp45.000.000" in page.inner_text("main")  # committed against the 2023 budget
    assert "Rp750.000.000" in page.inner_text("main")

    pdf = request_and_download_quarterly_report(page, tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-"

    # (c) The Sumatera Selatan official finds both; the Maluku official reaches neither.
    page.context.clear_cookies()
    browser_login(page, "pejabat.sumsel")
    page.goto(reverse("partners:partner-list") + "?q=songket+tanjung")
    assert "Songket Tanjung Senai" in page.inner_text("main")
    page.goto(reverse("disbursements:handover-list"))
    assert "HK/TJSL/2023/0001" in page.inner_text("main")
    response = page.goto(reverse("reports:dashboard") + "?period=2023-11&region=16.10")
    assert response.status == 200
    assert page.locator("#figure-net").inner_text().strip() == "Rp45.000.000"

    page.context.clear_cookies()
    browser_login(page, "pejabat.maluku")
    for url in (
        reverse("partners:partner-detail", args=[partner.pk]),
        reverse("disbursements:handover-detail", args=[handover.pk]),
        reverse("reports:dashboard") + "?period=2023-11&region=16.10",
    ):
        assert page.goto(url).status == 404, url
    page.goto(reverse("disbursements:handover-list"))
    assert "HK/TJSL/2023/0001" not in page.inner_text("main")


def request_and_download_quarterly_report(page, tmp_path):
    """The manager asks for Q4 2023; the job runs as a worker would run it; the PDF downloads."""
    from reports.impact.services import impact_report_produce
    from reports.models import ImpactReport

    page.goto(reverse("reports:report-request"))
    page.select_option("select[name=kind]", "quarter")
    page.fill("input[name=year]", "2023")
    page.fill("input[name=number]", "4")
    page.click("main [type=submit]")
    page.wait_for_url("**/reports/*/")
    report = ImpactReport.objects.get()
    impact_report_produce(report_id=report.pk)  # the worker's work, in this process
    page.goto(reverse("reports:report-detail", args=[report.pk]))
    with page.expect_download() as download:
        page.click("a[data-download=pdf]")
    target = tmp_path / "laporan-q4.pdf"
    download.value.save_as(target)
    return target

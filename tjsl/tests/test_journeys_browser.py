"""The three journeys of the product, end to end in headless Chromium, acted as a person acts:
through links and buttons they can see, typing with the keyboard, reading the screen.

(a) a staff member registers a partner and enters a group handover;
(b) a manager approves it, follows the programme budget and downloads the quarterly PDF;
(c) a regional official finds the partner and the handover in their region, and another
    region's official cannot reach them, not even by typing their addresses (404).

Each page visited is checked at 1366 and 360 px by `tjsl.tests.person.Screen`.
"""

import datetime
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from conftest import make_user, requires_chromium
from disbursements.models import Disbursement, Status
from partners.models import BusinessGroup, Membership, Partner
from regions.models import Region
from tjsl.tests.person import screen_for
from tjsl.tests.test_hostile_input import make_program
from tjsl.tests.test_journey_handover_items import choose_date_then_program, enter_item, log_in

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


def register_partner(page, screen) -> Partner:
    page.get_by_role("link", name="Mitra binaan", exact=True).click()
    page.get_by_role("link", name="Daftarkan mitra binaan").click()
    screen.check("partner-form")
    page.get_by_label("Nama usaha").press_sequentially("Songket Tanjung Senai")
    page.get_by_label("Nama pemilik").press_sequentially("Siti Rahmah")
    page.get_by_label("NIK pemilik").press_sequentially("1610025508850002")
    page.get_by_label("Telepon").press_sequentially("0812 3456 7890")
    page.get_by_label("Provinsi").select_option(label="Sumatera Selatan")
    regency = page.get_by_label("Kabupaten/kota")
    expect(regency.get_by_role("option", name="Kabupaten Ogan Ilir")).to_be_attached()
    regency.select_option(label="Kabupaten Ogan Ilir")
    expect(page.get_by_label("Kecamatan").get_by_role("option", name="Tanjung Batu")).to_be_attached()
    page.get_by_label("Kecamatan").select_option(label="Tanjung Batu")
    page.get_by_label("Sektor").select_option(label="Kerajinan")
    page.get_by_label("Tanggal bergabung").press_sequentially("09/11/2023")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url("**/partners/*/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Songket Tanjung Senai")
    screen.check("partner-detail")
    return Partner.objects.get(business_name="Songket Tanjung Senai")


def enter_group_handover(page, screen, program) -> Disbursement:
    page.get_by_role("link", name="Penyaluran", exact=True).click()
    page.get_by_role("link", name="Penyaluran baru").click()
    choose_date_then_program(page, "09/11/2023", program)
    page.get_by_label("Penerima").press_sequentially("Tanjung Senai")
    page.get_by_role("option", name="Kelompok Perajin Tanjung Senai").click()
    page.get_by_label("Provinsi tempat").select_option(label="Sumatera Selatan")
    regency = page.get_by_label("Tempat (kabupaten/kota)")
    expect(regency.get_by_role("option", name="Kabupaten Ogan Ilir")).to_be_attached()
    regency.select_option(label="Kabupaten Ogan Ilir")
    page.get_by_label("Tempat", exact=True).press_sequentially("Balai Desa Tanjung Senai")
    page.get_by_label("Pihak Pertama: nama").press_sequentially("Kepala Unit TJSL")
    page.get_by_label("Pihak Kedua: nama").press_sequentially("Ketua Kelompok")
    if page.locator("#items-body").get_by_role("row").count() == 0:
        page.get_by_role("button", name="Tambah barang").click()
    row = page.locator("#items-body").get_by_role("row").first
    enter_item(row, "Peralatan produksi", "Alat tenun songket", "3", "unit", "15.000.000")
    expect(page.get_by_role("table").first.locator("tfoot")).to_contain_text("Rp45.000.000")
    screen.check("handover-form")
    page.get_by_role("button", name="Simpan dan ajukan untuk persetujuan").click()
    page.wait_for_url("**/handovers/*/")
    expect(page.get_by_role("alert").first).to_contain_text("Diajukan untuk persetujuan")
    screen.check("handover-submitted")
    return Disbursement.objects.get()


def approve_and_read_budget(page, screen, handover, program) -> None:
    page.get_by_role("link", name="Menunggu persetujuan").click()
    screen.check("approval-queue")
    row = page.get_by_role("row").filter(has_text="Kelompok Perajin Tanjung Senai")
    expect(row).to_contain_text("Diajukan")
    expect(row).not_to_contain_text("draf")
    row.get_by_role("link", name=f"Penyaluran #{handover.pk}").click()
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_role("main")).to_contain_text("HK/TJSL/2023/0001")
    screen.check("handover-approved")
    page.get_by_role("link", name="Program", exact=True).click()
    page.get_by_role("link", name=program.name).first.click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Rp45.000.000")  # committed against the 2023 budget
    expect(main).to_contain_text("Rp750.000.000")
    screen.check("program-detail")


def request_and_download_quarterly_report(page, screen, tmp_path):
    """The manager asks for Q4 2023; the job runs as a worker would run it; the PDF downloads."""
    from reports.impact.services import impact_report_produce
    from reports.models import ImpactReport

    page.get_by_role("link", name="Laporan", exact=True).click()
    page.get_by_role("link", name="Minta laporan").click()
    page.get_by_label("Periode").select_option(label="Triwulan")
    year = page.get_by_label("Tahun")
    year.press("ControlOrMeta+a")
    year.press_sequentially("2023")
    number = page.get_by_label("Bulan atau triwulan")
    number.press("ControlOrMeta+a")
    number.press_sequentially("4")
    screen.check("report-request")
    page.get_by_role("button", name="Susun laporan").click()
    page.wait_for_url("**/reports/*/")
    report = ImpactReport.objects.get()
    impact_report_produce(report_id=report.pk)  # the worker's work, in this process
    page.reload()
    screen.check("report-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).first.click()
    target = tmp_path / "laporan-q4.pdf"
    download.value.save_as(target)
    return target


def test_staff_enters_manager_approves_and_reports_official_sees_only_their_region(
    page, world, tmp_path, settings, monkeypatch, request
):
    from reports.tasks import impact_report_produce

    settings.MEDIA_ROOT = tmp_path / "media"
    # The report job is run below in this process, as a worker would; nothing goes to the broker.
    monkeypatch.setattr(impact_report_produce, "apply_async", lambda *args, **kwargs: None)
    screen = screen_for(page, request)

    # (a) Staff: a new partner, then a handover to the group, submitted for approval.
    log_in(page, "staf.hk")
    partner = register_partner(page, screen)
    handover = enter_group_handover(page, screen, world["program"])
    assert handover.status == Status.SUBMITTED and handover.total == 45_000_000
    assert handover.allocations.count() == 3

    # (b) Manager: approve from the queue, see the budget committed, take the quarterly report.
    page.get_by_role("button", name="Keluar").click()
    log_in(page, "manajer.hk")
    approve_and_read_budget(page, screen, handover, world["program"])
    handover.refresh_from_db()
    assert handover.status == Status.APPROVED and handover.approved_by == world["manajer"]
    pdf = request_and_download_quarterly_report(page, screen, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Rp45.000.000" in text

    # (c) The Sumatera Selatan official finds both; the Maluku official reaches neither.
    page.get_by_role("button", name="Keluar").click()
    log_in(page, "pejabat.sumsel")
    page.get_by_role("link", name="Mitra binaan", exact=True).click()
    page.get_by_label("Cari", exact=True).press_sequentially("songket tanjung")
    page.get_by_label("Cari", exact=True).press("Enter")
    expect(page.get_by_role("main")).to_contain_text("Songket Tanjung Senai")
    screen.check("official-partners")
    page.get_by_role("link", name="Penyaluran", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("HK/TJSL/2023/0001")
    screen.check("official-handovers")

    page.get_by_role("button", name="Keluar").click()
    log_in(page, "pejabat.maluku")
    for url in (
        reverse("partners:partner-detail", args=[partner.pk]),
        reverse("disbursements:handover-detail", args=[handover.pk]),
        reverse("reports:dashboard") + "?period=2023-11&region=16.10",
    ):
        assert page.goto(url).status == 404, url  # typed by someone trying their luck
        expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    page.get_by_role("link", name="Ke beranda").click()
    page.get_by_role("link", name="Penyaluran", exact=True).click()
    expect(page.get_by_role("main")).not_to_contain_text("HK/TJSL/2023/0001")
    screen.check("other-official-handovers")

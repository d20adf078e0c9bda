"""More journeys a person makes, in Chromium: an incomplete submission and its errors, paging
through the partner list, and the same pages in the English interface."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Company
from accounts.roles import Role
from conftest import make_user, requires_chromium
from disbursements.models import Disbursement, Status
from partners.models import Partner
from regions.models import Region
from tjsl.tests.person import screen_for
from tjsl.tests.test_hostile_input import make_program
from tjsl.tests.test_journey_handover_items import choose_date_then_program, enter_item, item_row, log_in

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_db):
    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    make_user("staf.hk", Role.STAF, company=hk, first_name="Rina")
    ogan_ilir = Region.objects.get(code="16.10")
    Partner.objects.bulk_create(
        Partner(
            business_name=f"Songket {i:02d}",
            owner_name=f"Pemilik {i:02d}",
            regency=ogan_ilir,
            region_code=ogan_ilir.code,
            sector="kerajinan",
            joined_on=datetime.date(2022, 1, 1),
        )
        for i in range(1, 31)
    )
    return {"program": make_program(hk)}


def test_an_incomplete_submission_says_what_is_missing_at_each_field(page, world, request):
    screen = screen_for(page, request)
    log_in(page, "staf.hk")
    page.get_by_role("link", name="Penyaluran", exact=True).click()
    page.get_by_role("link", name="Penyaluran baru").click()
    choose_date_then_program(page, "09/11/2023", world["program"])
    page.get_by_label("Pihak Kedua: NIK").press_sequentially("12345")
    page.get_by_role("button", name="Simpan dan ajukan untuk persetujuan").click()

    nik = page.get_by_label("Pihak Kedua: NIK")
    expect(page.get_by_text("NIK terdiri atas 16 digit.")).to_be_visible()
    expect(nik).to_have_value("12345")  # nothing typed is lost
    screen.check("submission-refused-nik")
    assert not Disbursement.objects.exists()

    nik.press("ControlOrMeta+a")
    nik.press("Backspace")
    page.get_by_role("button", name="Simpan dan ajukan untuk persetujuan").click()
    for message in (
        "Pilih usaha atau kelompok usaha penerima.",
        "Isi nama Pihak Kedua.",
        "Tambahkan minimal satu barang",
    ):
        expect(page.get_by_text(message, exact=False).first).to_be_visible()
    screen.check("submission-refused-missing")
    draft = Disbursement.objects.get()
    assert draft.status == Status.DRAFT  # kept as a draft to complete

    page.get_by_label("Penerima").press_sequentially("Songket 07")
    page.get_by_role("option", name="Songket 07").click()
    page.get_by_label("Provinsi tempat").select_option(label="Sumatera Selatan")
    regency = page.get_by_label("Tempat (kabupaten/kota)")
    expect(regency.get_by_role("option", name="Kabupaten Ogan Ilir")).to_be_attached()
    regency.select_option(label="Kabupaten Ogan Ilir")
    page.get_by_label("Tempat", exact=True).press_sequentially("Balai Desa")
    page.get_by_label("Pihak Pertama: nama").press_sequentially("Kepala Unit TJSL")
    page.get_by_label("Pihak Kedua: nama").press_sequentially("Pemilik 07")
    if page.locator("#items-body").get_by_role("row").count() == 0:
        page.get_by_role("button", name="Tambah barang").click()
    enter_item(item_row(page, 0), "Bahan baku", "Benang", "2,5", "kg", "1.900.000")
    page.get_by_role("button", name="Simpan dan ajukan untuk persetujuan").click()
    page.wait_for_url("**/handovers/*/")
    expect(page.get_by_role("alert").first).to_contain_text("Diajukan untuk persetujuan")
    submitted = Disbursement.objects.get(status=Status.SUBMITTED)
    assert submitted.total == 4_750_000


def test_paging_through_the_partner_list(page, world, request):
    screen = screen_for(page, request)
    log_in(page, "staf.hk")
    page.get_by_role("link", name="Mitra binaan", exact=True).click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Songket 01")
    expect(main).not_to_contain_text("Songket 30")
    screen.check("partners-page-1")
    page.get_by_role("link", name="Berikutnya").click()
    expect(main).to_contain_text("Songket 30")
    expect(main).not_to_contain_text("Songket 01")
    assert "page=2" in page.url and "??" not in page.url
    screen.check("partners-page-2")
    page.get_by_role("link", name="Sebelumnya").click()
    expect(main).to_contain_text("Songket 01")


def test_the_same_pages_in_english(page, world, request):
    screen = screen_for(page, request, language="en")
    log_in(page, "staf.hk")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("link", name="Partners", exact=True)).to_be_visible()
    screen.check("home-en")
    page.get_by_role("link", name="Partners", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Songket 01")
    screen.check("partners-en")
    page.get_by_role("link", name="Handovers", exact=True).click()
    page.get_by_role("link", name="New handover").click()
    page.get_by_label("Date", exact=True).press_sequentially("09/11/2023")
    page.get_by_label("Date", exact=True).press("Tab")
    program = page.get_by_label("Program")
    expect(program.get_by_role("option", name=str(world["program"]))).to_be_attached()
    program.select_option(label=str(world["program"]))
    page.get_by_label("Recipient").press_sequentially("Songket 07")
    page.get_by_role("option", name="Songket 07").click()
    if page.locator("#items-body").get_by_role("row").count() == 0:
        page.get_by_role("button", name="Add item").click()
    row = item_row(page, 0)
    row.get_by_label("Kind").select_option(label="Raw materials")
    row.get_by_label("Description").press_sequentially("Thread")
    row.get_by_label("Quantity").press_sequentially("2.5")
    row.get_by_label("Unit", exact=True).press_sequentially("kg")
    row.get_by_label("Unit value (Rp)").press_sequentially("1.900.000")
    row.get_by_label("Unit value (Rp)").press("Tab")
    expect(row).to_contain_text("Rp4.750.000")
    screen.check("handover-form-en")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/handovers/*/")
    expect(page.get_by_role("alert").first).to_contain_text("Handover saved.")
    assert Disbursement.objects.get().total == 4_750_000
    # Typed "2.5" is two and a half, shown as every number is shown: "2,5" beside "Rp4.750.000".
    expect(page.get_by_role("main")).to_contain_text("2,5")
    screen.check("handover-detail-en")

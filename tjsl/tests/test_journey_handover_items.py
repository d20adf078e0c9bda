"""A member of staff enters a handover of three items, then corrects it, the way a person does:
typing amounts with Indonesian grouping ("12.500.000") and quantities with a decimal comma
("2,5"), clicking by visible labels, reading totals off the screen. What the screen says is
what the database stores, to the rupiah."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Company
from accounts.roles import Role
from conftest import TEST_PASSWORD, make_user, requires_chromium
from disbursements.models import Disbursement
from partners.models import Partner
from regions.models import Region
from tjsl.tests.person import screen_for
from tjsl.tests.test_hostile_input import make_program

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_db):
    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    make_user("staf.hk", Role.STAF, company=hk, first_name="Rina")
    ogan_ilir = Region.objects.get(code="16.10")
    Partner.objects.create(
        business_name="Songket Tanjung Senai",
        owner_name="Siti Rahmah",
        regency=ogan_ilir,
        sector="kerajinan",
        joined_on=datetime.date(2022, 1, 1),
    )
    return {"program": make_program(hk)}


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").press_sequentially(username)
    page.get_by_label("Sandi").press_sequentially(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def item_row(page, index: int):
    return page.locator("#items-body").get_by_role("row").nth(index)


def enter_item(row, kind: str, description: str, quantity: str, unit: str, unit_value: str) -> None:
    row.get_by_label("Jenis").select_option(label=kind)
    row.get_by_label("Uraian").press_sequentially(description)
    row.get_by_label("Jumlah").press_sequentially(quantity)
    row.get_by_label("Satuan", exact=True).press_sequentially(unit)
    row.get_by_label("Harga satuan (Rp)").press_sequentially(unit_value)
    row.get_by_label("Harga satuan (Rp)").press("Tab")


def choose_date_then_program(page, day: str, program) -> None:
    """The date first: the program select then offers the programs running on that day."""
    # As a person does, wait until the page has loaded (its scripts included) before typing: a
    # date typed earlier fires its change before htmx listens, and no programs are offered.
    page.wait_for_load_state("load")
    page.get_by_label("Tanggal", exact=True).press_sequentially(day)
    page.get_by_label("Tanggal", exact=True).press("Tab")
    select = page.get_by_label("Program")
    expect(select.get_by_role("option", name=str(program))).to_be_attached()
    # The warning that no program runs today does not stay beside the date's programs.
    expect(page.get_by_text("Tidak ada program aktif", exact=False)).to_have_count(0)
    expect(page.get_by_text("Program yang berjalan pada tanggal penyaluran.")).to_be_visible()
    select.select_option(label=str(program))


def retype(field, text: str) -> None:
    field.click()
    field.press("ControlOrMeta+a")
    field.press("Backspace")
    field.press_sequentially(text)
    field.press("Tab")


def test_staff_enters_three_items_then_corrects_them(page, world, request):
    screen = screen_for(page, request)
    log_in(page, "staf.hk")
    page.get_by_role("link", name="Penyaluran", exact=True).click()
    page.get_by_role("link", name="Penyaluran baru").click()
    screen.check("form-empty")

    choose_date_then_program(page, "09/11/2023", world["program"])
    page.get_by_label("Penerima").press_sequentially("Songket")
    page.get_by_role("option", name="Songket Tanjung Senai").click()
    expect(page.get_by_text("Dipilih: Songket Tanjung Senai")).to_be_visible()
    page.get_by_label("Provinsi tempat").select_option(label="Sumatera Selatan")
    regency = page.get_by_label("Tempat (kabupaten/kota)")
    expect(regency.get_by_role("option", name="Kabupaten Ogan Ilir")).to_be_attached()
    regency.select_option(label="Kabupaten Ogan Ilir")
    page.get_by_label("Tempat", exact=True).press_sequentially("Balai Desa Tanjung Senai")
    page.get_by_label("Pihak Pertama: nama").press_sequentially("Kepala Unit TJSL")
    page.get_by_label("Pihak Kedua: nama").press_sequentially("Siti Rahmah")

    for _ in range(3 - page.locator("#items-body").get_by_role("row").count()):
        page.get_by_role("button", name="Tambah barang").click()
    enter_item(item_row(page, 0), "Peralatan produksi", "Alat tenun songket", "2", "unit", "12.500.000")
    enter_item(item_row(page, 1), "Bahan baku", "Benang emas", "2,5", "kg", "1.900.000")
    enter_item(item_row(page, 2), "Peralatan produksi", "Gunting kain", "4", "buah", "75000")

    # The amounts read back grouped, and the live totals are those the server will store.
    expect(item_row(page, 0).get_by_label("Harga satuan (Rp)")).to_have_value("12.500.000")
    expect(item_row(page, 2).get_by_label("Harga satuan (Rp)")).to_have_value("75.000")
    expect(item_row(page, 0)).to_contain_text("Rp25.000.000")
    expect(item_row(page, 1)).to_contain_text("Rp4.750.000")
    expect(item_row(page, 2)).to_contain_text("Rp300.000")
    expect(page.get_by_role("table").first.locator("tfoot")).to_contain_text("Rp30.050.000")
    screen.check("form-three-items")

    page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_url("**/handovers/*/")
    handover = Disbursement.objects.get()
    assert handover.total == 30_050_000
    assert sorted((i.description, i.quantity, i.unit_value, i.total) for i in handover.items.all()) == [
        ("Alat tenun songket", 2, 12_500_000, 25_000_000),
        ("Benang emas", 2.5, 1_900_000, 4_750_000),
        ("Gunting kain", 4, 75_000, 300_000),
    ]
    expect(page.get_by_role("main")).to_contain_text("Rp30.050.000")
    screen.check("detail-draft")

    # Corrected: the thread cost more than typed, and the scissors were never part of it.
    page.get_by_role("link", name="Ubah", exact=True).click()
    expect(item_row(page, 1).get_by_label("Harga satuan (Rp)")).to_have_value("1.900.000")
    retype(item_row(page, 1).get_by_label("Harga satuan (Rp)"), "2.100.000")
    item_row(page, 2).get_by_role("button", name="Hapus barang").click()
    expect(item_row(page, 1)).to_contain_text("Rp5.250.000")
    expect(page.get_by_role("table").first.locator("tfoot")).to_contain_text("Rp30.250.000")
    screen.check("form-corrected")
    page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_url(f"**/handovers/{handover.pk}/")

    handover.refresh_from_db()
    assert handover.total == 30_250_000
    assert sorted(i.description for i in handover.items.all()) == ["Alat tenun songket", "Benang emas"]
    assert handover.items.get(description="Benang emas").total == 5_250_000
    expect(page.get_by_role("main")).to_contain_text("Rp30.250.000")
    screen.check("detail-corrected")

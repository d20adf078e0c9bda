"""A member of staff works with the registry in a real browser (headless Chromium)."""

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from accounts.roles import Role
from conftest import browser_login, make_user, requires_chromium
from partners import services
from partners.imports import COLUMN_NAMES
from partners.models import Partner

from .conftest import partner_data

pytestmark = requires_chromium


@pytest.fixture
def rina(live_db):
    from accounts.models import Company

    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    return make_user("staf.hk", Role.STAF, company=hk, first_name="Rina")


def spreadsheet(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMN_NAMES)
    for business, nik in rows:
        values = {
            "business_name": business,
            "owner_name": "Pemilik",
            "owner_nik": nik,
            "regency_code": "16.10",
            "sector": "kerajinan",
            "joined_on": "09/11/2023",
        }
        sheet.append([values.get(c, "") for c in COLUMN_NAMES])
    workbook.save(path)
    return str(path)


def test_staff_registers_meets_duplicate_imports_and_searches(page, rina, tmp_path):
    existing = services.partner_create(
        actor=rina, **partner_data(owner_nik="1610011508850777", business_name="Perak Lama")
    )
    browser_login(page, "staf.hk")

    # Register a partner.
    page.goto("/partners/new/")
    page.fill("#id_business_name", "Tembaga Karya Usang")
    page.fill("#id_owner_name", "Siti Rahmah")
    page.fill("#id_owner_nik", "1610025508850002")
    page.fill("#id_phone", "0812 3456 7890")
    page.get_by_label("Provinsi").select_option(label="Sumatera Selatan")
    regency = page.get_by_label("Kabupaten/kota")
    expect(regency.get_by_role("option", name="Kabupaten Ogan Ilir")).to_be_attached()
    regency.select_option(label="Kabupaten Ogan Ilir")
    page.select_option("#id_sector", "kerajinan")
    page.fill("#id_joined_on", "09/11/2023")
    page.click("main [type=submit]")
    page.wait_for_url("**/partners/*/")
    assert "Tembaga Karya Usang" in page.inner_text("h1")
    assert Partner.objects.get(owner_nik="1610025508850002").phone == "+6281234567890"

    # The same NIK again: a field error that links to the existing record.
    page.goto("/partners/new/")
    page.fill("#id_business_name", "Usaha Lain")
    page.fill("#id_owner_name", "Orang Lain")
    page.fill("#id_owner_nik", "1610011508850777")
    page.get_by_label("Provinsi").select_option(label="Sumatera Selatan")
    regency = page.get_by_label("Kabupaten/kota")
    expect(regency.get_by_role("option", name="Kabupaten Ogan Ilir")).to_be_attached()
    regency.select_option(label="Kabupaten Ogan Ilir")
    page.select_option("#id_sector", "kuliner")
    page.fill("#id_joined_on", "01/02/2024")
    page.click("main [type=submit]")
    link = page.locator(f'main a[href="/partners/{existing.pk}/"]')
    link.wait_for()
    assert "Hutama Karya" in page.inner_text("main")
    assert Partner.objects.count() == 2

    # Import a file with one bad row: preview shows the error and nothing is saved.
    page.goto("/partners/import/")
    page.set_input_files(
        "input[name=file]",
        spreadsheet(
            tmp_path / "a.xlsx",
            [
                ("Songket Impor Satu", "1610034101900011"),
                ("Songket Salah", "1610033213900012"),
            ],
        ),
    )
    page.click("main [type=submit]")
    page.wait_for_selector("#import-errors")
    assert "Songket Salah" in page.inner_text("#import-preview")
    assert not Partner.objects.filter(business_name__startswith="Songket").exists()

    # Fixed file: every row valid, imported at once.
    page.goto("/partners/import/")
    page.set_input_files(
        "input[name=file]",
        spreadsheet(
            tmp_path / "b.xlsx",
            [
                ("Songket Impor Satu", "1610034101900011"),
                ("Songket Impor Dua", "1610031502900012"),
            ],
        ),
    )
    page.click("main [type=submit]")
    page.click("#import-commit")
    page.wait_for_selector("#import-state[data-status=committed]")
    assert Partner.objects.filter(business_name__startswith="Songket Impor").count() == 2

    # Find the partner by search (htmx refreshes the results while typing).
    page.goto("/partners/")
    page.fill("#id_q", "impor dua")
    expect(page.locator("#partner-results tbody tr")).to_have_count(1)
    assert "Songket Impor Dua" in page.inner_text("#partner-results")

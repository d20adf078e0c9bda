"""The partner list as a workbook a person can work with: read back with openpyxl."""

import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from partners.imports import parse_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(client, staf_hk, make_partner):
    make_partner(staf_hk, business_name="Perak Tanjung Senai", joined_on=datetime.date(2022, 3, 9))
    make_partner(staf_hk, business_name="Kopi Semendo", joined_on=datetime.date(2023, 11, 9))
    client.force_login(staf_hk)
    response = client.get(reverse("partners:partner-export", args=["xlsx"]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def test_header_is_bold_filled_frozen_and_filtered(exported):
    header = exported[1]
    assert all(cell.font.bold and cell.fill.fill_type == "solid" for cell in header)
    assert exported.freeze_panes == "A2"
    assert exported.auto_filter.ref == f"A1:{header[-1].column_letter}3"


def test_columns_have_widths_for_what_they_hold(exported):
    widths = {cell.value: exported.column_dimensions[cell.column_letter].width for cell in exported[1]}
    assert all(width and width >= 8 for width in widths.values()), widths
    assert widths["Nama usaha"] >= 30 and widths["Alamat"] >= 30


def test_the_join_date_is_a_date_and_identifiers_stay_text(exported):
    headers = [cell.value for cell in exported[1]]
    rows = {row[headers.index("Nama usaha")].value: row for row in exported.iter_rows(min_row=2)}
    joined = rows["Kopi Semendo"][headers.index("Tanggal bergabung")]
    assert joined.is_date and joined.value.date() == datetime.date(2023, 11, 9)
    assert joined.number_format == "[$-421]d mmmm yyyy"  # shown as "9 November 2023"
    assert isinstance(rows["Kopi Semendo"][headers.index("NIK pemilik")].value, str)
    assert rows["Kopi Semendo"][0].number_format == "0"


def test_the_csv_writes_the_date_as_pages_do_and_the_import_reads_it(client, staf_hk, make_partner):
    make_partner(staf_hk, business_name="Kopi Semendo", joined_on=datetime.date(2023, 3, 9))
    client.force_login(staf_hk)
    body = client.get(reverse("partners:partner-export", args=["csv"])).content.decode("utf-8-sig")
    assert "9 Maret 2023" in body and "09/03/2023" not in body and "2023-03-09" not in body
    assert parse_date("9 Maret 2023") == parse_date("9 March 2023") == datetime.date(2023, 3, 9)


def test_the_headers_are_sentences_in_the_users_language(client, staf_hk, make_partner):
    make_partner(staf_hk, business_name="Kopi Semendo", joined_on=datetime.date(2023, 3, 9))
    client.force_login(staf_hk)
    indonesian = client.get(reverse("partners:partner-export", args=["csv"])).content.decode("utf-8-sig")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("partners:partner-export", args=["xlsx"])).content
    headers = [cell.value for cell in load_workbook(io.BytesIO(english)).active[1]]
    assert indonesian.splitlines()[0].startswith("ID,Nama usaha,Nama pemilik,NIK pemilik,NIB,NPWP,Telepon,Alamat")
    assert headers[:3] == ["ID", "Business name", "Owner's name"] and "Date joined" in headers
    assert all(title[0].isupper() for title in headers), headers


def test_an_english_export_spells_the_month_in_english(client, staf_hk, make_partner):
    make_partner(staf_hk, business_name="Kopi Semendo", joined_on=datetime.date(2023, 3, 9))
    client.force_login(staf_hk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("partners:partner-export", args=["csv"])).content.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(client.get(reverse("partners:partner-export", args=["xlsx"])).content)).active
    joined = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("Date joined") + 1)
    assert "9 March 2023" in body
    assert joined.is_date and joined.number_format == "[$-809]d mmmm yyyy"

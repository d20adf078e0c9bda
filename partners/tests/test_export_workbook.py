"""The partner list as a workbook a person can work with: read back with openpyxl."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

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
    assert widths["nama usaha"] >= 30 and widths["alamat"] >= 30


def test_the_join_date_is_a_date_and_identifiers_stay_text(exported):
    headers = [cell.value for cell in exported[1]]
    rows = {row[headers.index("nama usaha")].value: row for row in exported.iter_rows(min_row=2)}
    joined = rows["Kopi Semendo"][headers.index("tanggal bergabung")]
    assert joined.is_date and joined.value.date() == datetime.date(2023, 11, 9)
    assert joined.number_format == "DD/MM/YYYY"
    assert isinstance(rows["Kopi Semendo"][headers.index("NIK pemilik")].value, str)
    assert rows["Kopi Semendo"][0].number_format == "0"


def test_the_csv_keeps_the_date_as_the_import_reads_it(client, staf_hk, make_partner):
    make_partner(staf_hk, business_name="Kopi Semendo", joined_on=datetime.date(2023, 11, 9))
    client.force_login(staf_hk)
    body = client.get(reverse("partners:partner-export", args=["csv"])).content.decode("utf-8-sig")
    assert "09/11/2023" in body and "2023-11-09" not in body

"""The impact report writes dates, times and names the way pages do, in the report's language."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from reports.tests.test_impact import pdf_text, request_and_produce

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def one_line(text: str) -> str:
    return " ".join(text.split())


class TestEnglishReport:
    def test_pillars_dates_and_numbers_are_english(self, world, media, manajer_hk, hk):
        text = one_line(pdf_text(request_and_produce(manajer_hk, company=hk, region_code="16", language="en")))
        assert "Economic" in text and "Ekonomi" not in text
        assert "9 November 2023" in text and "1 October 2023 – 31 December 2023" in text
        assert re.search(r"Generated on \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}\.\d{2} WIB", text), text[:600]
        assert "Rp200.000.000" in text  # rupiah keep the Indonesian grouping in both languages

    def test_the_indonesian_report_names_pillars_in_indonesian(self, world, media, manajer_hk, hk):
        text = one_line(pdf_text(request_and_produce(manajer_hk, company=hk, region_code="16")))
        assert "Ekonomi" in text and "Economic" not in text
        assert "1 Oktober 2023 – 31 Desember 2023" in text
        assert re.search(r"Dibuat pada \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}\.\d{2} WIB", text), text[:600]


class TestWorkbookDates:
    def test_dates_are_real_dates_shown_with_the_month_spelled_out(self, world, media, manajer_hk, hk):
        report = request_and_produce(manajer_hk, company=hk, language="en")
        with report.xlsx.open("rb") as handle:
            sheet = load_workbook(io.BytesIO(handle.read()))["Handovers"]
        headers = [cell.value for cell in sheet[1]]
        dates = [row[headers.index("Date")] for row in sheet.iter_rows(min_row=2)]
        assert dates and all(cell.is_date and cell.number_format == "[$-809]d mmmm yyyy" for cell in dates)
        assert datetime.date(2023, 11, 9) in {cell.value.date() for cell in dates}

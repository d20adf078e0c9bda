"""The impact report's PDF and workbook as a reader gets them: read back with pdftotext and openpyxl."""

import datetime
import io
import re
import subprocess

import pytest
from openpyxl import load_workbook

from disbursements.services import disbursement_approve
from regions.models import Region
from reports.impact import services
from reports.tests.conftest import partner_in, submitted_for

pytestmark = pytest.mark.django_db

Q4 = datetime.date(2023, 10, 1)
AMOUNT = 37_650_000


@pytest.fixture
def one_handover(settings, tmp_path, staf_hk, manajer_hk, program, django_capture_on_commit_callbacks):
    """Rp37.650.000 to one partner in Ogan Ilir on 9 November 2023, approved: October and December are empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        partner = partner_in("Songket Indralaya", Region.objects.get(code="16.10"), "fesyen")
        handover = submitted_for(staf_hk, program, recipient=partner, total=AMOUNT)
        return disbursement_approve(disbursement=handover, actor=manajer_hk)


def produce(actor, *, company, kind="quarter", start=Q4, language="id"):
    report = services.impact_report_request(
        actor=actor, kind=kind, start=start, company=company, region=None, language=language
    )
    return services.impact_report_produce(report_id=report.pk)


def pdf_bytes(report) -> bytes:
    with report.pdf.open("rb") as handle:
        return handle.read()


def pdf_text(report, *options) -> str:
    result = subprocess.run(["pdftotext", *options, "-", "-"], input=pdf_bytes(report), capture_output=True, check=True)
    return result.stdout.decode()


def words(report) -> list[tuple[str, float, float]]:
    """Every word of the PDF with its left and right edge (points), in reading order."""
    html = pdf_text(report, "-bbox")
    return [
        (text, float(x_min), float(x_max))
        for x_min, x_max, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html
        )
    ]


def right_edge_of_first_after(items, anchor: list[str], pattern: str) -> tuple[float, float]:
    """Right edges of the last word of the phrase `anchor` and of the first word after it matching `pattern`."""
    texts = [text for text, _x_min, _x_max in items]
    for start in range(len(texts) - len(anchor) + 1):
        if texts[start : start + len(anchor)] == anchor:
            end = start + len(anchor) - 1
            following = next(i for i in range(end + 1, len(texts)) if re.fullmatch(pattern, texts[i]))
            return items[end][2], items[following][2]
    raise AssertionError(f"{anchor} not in the PDF")


class TestPdfTables:
    def test_headers_of_numbers_stand_over_their_right_edge(self, one_handover, manajer_hk, hk):
        found = words(produce(manajer_hk, company=hk))
        for anchor, number in (
            (["Pilar", "Nilai", "bersih"], r"Rp37\.650\.000"),
            (["2023-Q4"], r"Rp37\.650\.000"),
            (["Sektor", "Nilai", "bersih", "Penerima", "manfaat"], r"\d+"),
        ):
            header, value = right_edge_of_first_after(found, anchor, number)
            assert abs(header - value) < 1.5, (anchor, header, value)

    def test_a_yearly_report_compares_the_previous_year_with_this_one(self, one_handover, manajer_hk, hk):
        text = " ".join(pdf_text(produce(manajer_hk, company=hk, kind="year", start=datetime.date(2023, 1, 1))).split())
        comparison = text[text.index("Perbandingan dengan periode sebelumnya", text.index("Sektor dan penerima")) :]
        assert "Tahun sebelumnya (2022) 2023" in comparison
        assert comparison.count("2022") == 1 and "tahun lalu" not in comparison
        assert "Rp0 Rp37.650.000" in comparison  # the previous year, then this one

    def test_a_quarter_compares_the_same_quarter_last_year_the_previous_quarter_and_this_one(
        self, one_handover, manajer_hk, hk
    ):
        text = " ".join(pdf_text(produce(manajer_hk, company=hk)).split())
        comparison = text[text.index("Perbandingan dengan periode sebelumnya", text.index("Sektor dan penerima")) :]
        assert "Periode yang sama tahun lalu (2022-Q4) Periode sebelumnya (2023-Q3) 2023-Q4" in comparison


class TestPdfCharts:
    def test_short_amounts_are_exact_to_two_decimals(self, one_handover, manajer_hk, hk):
        text = pdf_text(produce(manajer_hk, company=hk))
        assert "Rp37,65 juta" in text and "Rp37,6 juta" not in text
        assert "Rp22,59 juta" in text and "Rp15,06 juta" in text  # 3/5 and 2/5 of it, by kind of item

    def test_empty_months_carry_no_label(self, one_handover, manajer_hk, hk):
        text = " ".join(pdf_text(produce(manajer_hk, company=hk), "-layout").split())
        chart = text[text.index("Nilai bersih per bulan") : text.index("Anggaran dan realisasi per program", 1000)]
        assert "Rp37,65 juta" in chart and "10/23" in chart and "12/23" in chart
        assert "Rp0" not in chart

    def test_the_english_report_is_english_and_the_indonesian_one_indonesian(self, one_handover, manajer_hk, hk):
        english = " ".join(pdf_text(produce(manajer_hk, company=hk, language="en")).split())
        assert "Pillar Net value Economic Rp37.650.000" in english
        assert "Rp37,65 million" in english and "Rp37.65 million" not in english  # one convention with Rp37.650.000
        for indonesian in ("Ekonomi", "juta", "Triwulan"):
            assert indonesian not in english, indonesian
        bahasa = " ".join(pdf_text(produce(manajer_hk, company=hk, language="id")).split())
        assert "Pilar Nilai bersih Ekonomi Rp37.650.000" in bahasa
        assert "Rp37,65 juta" in bahasa
        for english_word in ("Economic", "million"):
            assert english_word not in bahasa, english_word


class TestWorkbook:
    @pytest.fixture
    def workbook(self, one_handover, manajer_hk, hk):
        report = produce(manajer_hk, company=hk)
        with report.xlsx.open("rb") as handle:
            return load_workbook(io.BytesIO(handle.read()))

    def test_every_sheet_has_a_bold_filled_frozen_header_and_an_autofilter(self, workbook):
        for sheet in workbook.worksheets:
            header = sheet[1]
            assert all(cell.font.bold for cell in header), sheet.title
            assert all(cell.fill.fill_type == "solid" for cell in header), sheet.title
            assert sheet.freeze_panes == "A2", sheet.title
            assert sheet.auto_filter.ref == f"A1:{header[-1].column_letter}{max(sheet.max_row, 1)}", sheet.title
            for cell in header:
                width = sheet.column_dimensions[cell.column_letter].width
                assert width and width >= 10, (sheet.title, cell.value, width)

    def test_amounts_counts_and_dates_are_numbers_and_dates_in_their_formats(self, workbook):
        handovers = workbook["Penyaluran"]
        headers = [cell.value for cell in handovers[1]]
        row = handovers[2]
        date = row[headers.index("Tanggal")]
        assert date.is_date and date.value.date() == datetime.date(2023, 11, 9)
        assert date.number_format == "[$-421]d mmmm yyyy"  # shown as "9 November 2023"
        amount = row[headers.index("Jumlah (Rp)")]
        assert amount.value == AMOUNT and amount.number_format == "#,##0"
        assert handovers.column_dimensions["G"].width >= 30  # the recipient's name is readable

        summary = {row[0].value: row[1] for row in workbook["Ringkasan"].iter_rows(min_row=2)}
        assert summary["Dari"].is_date and summary["Dari"].value.date() == Q4
        assert summary["Sampai"].number_format == "[$-421]d mmmm yyyy"
        assert summary["Nilai bersih (Rp)"].value == AMOUNT
        assert summary["Nilai bersih (Rp)"].number_format == "#,##0"
        assert summary["Penyaluran"].number_format == "#,##0"
        share = summary["Realisasi anggaran"]
        assert share.number_format == "0.0%" and share.value == pytest.approx(0.0)

        programs = workbook["Program"]
        headers = [cell.value for cell in programs[1]]
        budget = programs[2][headers.index("Anggaran (Rp)")]
        assert budget.value == 750_000_000 and budget.number_format == "#,##0"
        assert programs[2][headers.index("Realisasi anggaran")].number_format == "0.0%"

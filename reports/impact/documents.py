"""The report's PDF (WeasyPrint through tjsl.pdf) and .xlsx (openpyxl, write-only), from its figures."""

import base64
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from accounts.scope import Scope
from disbursements.models import Disbursement, Status
from tjsl.formats.output import spreadsheet_date_format
from tjsl.pdf import render_pdf
from tjsl.text import printable, spreadsheet_cell

from ..charts import bar_chart_svg, column_chart_svg, count_label, rupiah_short
from .figures import Period, handover_rows, handovers_in, region_names

PDF_TEMPLATE = "reports/impact/report.html"
CHART_ROWS = 15


def period_label(kind: str, start: datetime.date) -> str:
    from django.utils.formats import date_format

    if kind == "month":
        return date_format(start, "F Y")
    if kind == "quarter":
        return _("Quarter %(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
    return _("Year %(year)s") % {"year": start.year}


def scope_labels(figures: dict) -> tuple[str, str]:
    scope = figures["scope"]
    company = scope["company"] or _("All companies")
    region = scope["region"] or _("National")
    if scope.get("province"):
        region = f"{region}, {scope['province']}"
    return company, region


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _bars(title: str, rows: list[dict], value: str = "net", fmt=rupiah_short) -> str | None:
    rows = [r for r in rows if r.get(value)][:CHART_ROWS]
    if not rows:
        return None
    svg = bar_chart_svg(title=title, labels=[r["label"] for r in rows], values=[r[value] for r in rows], fmt=fmt)
    return _data_uri(svg)


def charts(figures: dict) -> dict:
    trend = figures["trend"]
    result = {
        "trend": _data_uri(
            column_chart_svg(
                title=_("Net value by month"),
                labels=[r["label"] for r in trend],
                values=[r["net"] for r in trend],
                fmt=rupiah_short,
            )
        )
        if len(trend) > 1
        else None,
        "pillar": _bars(_("Net value by pillar"), figures["by_pillar"]),
        "kind": _bars(_("Net value by kind of item"), figures["by_kind"]),
        "region": _bars(_("Net value by region"), figures["by_region"]),
        "sector": _bars(_("Beneficiaries by sector"), figures["by_sector"], "beneficiaries", count_label),
    }
    return {k: v for k, v in result.items() if v}


def comparison_columns(figures: dict) -> list[dict]:
    """Oldest first, this period last; each period once, labelled with what it is.

    A year's previous period is the same period last year, so a yearly report
    compares two columns: the previous year and this one."""
    comparison, period = figures["comparison"], figures["period"]
    previous, last_year = comparison["previous"], comparison.get("last_year")
    columns = []
    if last_year and last_year["key"] != previous["key"]:
        columns.append({**last_year, "label": _("Same period last year (%(key)s)") % {"key": last_year["key"]}})
    label = _("Previous year (%(key)s)") if period["kind"] == "year" else _("Previous period (%(key)s)")
    columns.append({**previous, "label": label % {"key": previous["key"]}})
    summary = figures["summary"]
    columns.append(
        {
            "key": period["key"],
            "label": period["key"],
            **{k: summary[k] for k in ("net", "realised", "handovers", "beneficiaries")},
        }
    )
    return columns


def pdf_context(report, figures: dict) -> dict:
    company, region = scope_labels(figures)
    period = figures["period"]
    return {
        "report": report,
        "figures": figures,
        "summary": figures["summary"],
        "charts": charts(figures),
        "company_label": company,
        "region_label": region,
        "period_label": period_label(period["kind"], datetime.date.fromisoformat(period["start"])),
        "period_start": datetime.date.fromisoformat(period["start"]),
        "period_end": datetime.date.fromisoformat(period["end"]),
        "generated_at": timezone.localtime(report.started_at or timezone.now()),
        "annex_rows": [
            {**row, "date": datetime.date.fromisoformat(row["date"])}
            for row in (figures["annex"] or {}).get("rows", [])
        ],
        "comparison": figures["comparison"],
        "comparison_columns": comparison_columns(figures),
    }


def report_pdf(report, figures: dict) -> bytes:
    return render_pdf(PDF_TEMPLATE, pdf_context(report, figures))


# --- .xlsx ------------------------------------------------------------------------------

# Stored text is written whatever it holds (control characters replaced), and never as a formula.
safe_cell = spreadsheet_cell

# Number formats by kind of value: rupiah and counts whole and grouped, shares as percent,
# quantities with decimals; dates are real dates shown as "9 November 2023" (spreadsheet_date_format).
# Excel shows the separators of the reader's locale.
NUMBER_FORMATS = {
    "rupiah": "#,##0",
    "count": "#,##0",
    "percent": "0.0%",
    "quantity": "#,##0.##",
}
HEADER_FONT = Font(bold=True, color="102A43")
HEADER_FILL = PatternFill("solid", fgColor="D9E7F2")
HEADER_BORDER = Border(bottom=Side(style="thin", color="1F5F8B"))


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, rupiah, count, percent, quantity, date
    width: float = 16


@dataclass(frozen=True)
class Typed:
    """A value whose kind differs from its column's (the Value column of the summary)."""

    value: object
    kind: str


def _cell(sheet, value, kind: str):
    if isinstance(value, Typed):
        value, kind = value.value, value.kind
    if kind == "percent" and value is not None:
        value = value / 100  # the figures hold 12.5 for 12.5 %
    if kind == "text" or value is None or isinstance(value, str):
        return safe_cell(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = spreadsheet_date_format() if kind == "date" else NUMBER_FORMATS[kind]
    return cell


def _sheet(workbook: Workbook, title: str, columns: Iterable[Column], rows: Iterable[Iterable]) -> None:
    """One table on its own sheet, always styled the same way: a bold, filled header row that stays
    in view (frozen panes below it), an autofilter over the table, set column widths, and every
    number and date in its format. The one place the impact workbook's look is decided."""
    columns = list(columns)
    title = re.sub(r"[\[\]:*?/\\]", "-", printable(str(title)))[:31]
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(column.header)))
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(horizontal="left" if column.kind == "text" else "right", vertical="center")
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value, column.kind) for value, column in zip(row, columns, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def report_xlsx(report, figures: dict, *, scope: Scope, period: Period, progress=None) -> bytes:
    """Summary, breakdowns and the full handover list, streamed in chunks (bounded memory)."""
    workbook = Workbook(write_only=True)
    company, region = scope_labels(figures)
    s = figures["summary"]
    summary_rows = [
        (_("Report"), _("TJSL Impact Report")),
        (_("Period"), period_label(figures["period"]["kind"], period.start)),
        (_("From"), Typed(period.start, "date")),
        (_("To"), Typed(period.end, "date")),
        (_("Company"), company),
        (_("Region"), region),
        (_("Version"), Typed(report.version, "count")),
        (_("Handovers"), Typed(s["handovers"], "count")),
        (_("Net value (Rp)"), Typed(s["net"], "rupiah")),
        (_("Realised value (Rp)"), Typed(s["realised"], "rupiah")),
        (_("Budget (Rp)"), Typed(s["budget"], "rupiah")),
        (_("Realisation of the budget"), Typed(s.get("realisation_pct"), "percent")),
        (_("Beneficiaries"), Typed(s["beneficiaries"], "count")),
        (_("Partners reached"), Typed(s["reached"], "count")),
        (_("Business groups"), Typed(s["groups"], "count")),
        (_("Moved up a class"), Typed(figures["naik_kelas"]["count"], "count")),
        (_("Reached export"), Typed(figures["export"]["count"], "count")),
        (_("Activities"), Typed(s["activities"], "count")),
        (_("Participants"), Typed(s["participants"], "count")),
    ]
    _sheet(workbook, _("Summary"), (Column(_("Figure"), width=34), Column(_("Value"), width=30)), summary_rows)
    net = Column(_("Net value (Rp)"), "rupiah", 20)
    handovers = Column(_("Handovers"), "count", 13)
    beneficiaries = Column(_("Beneficiaries"), "count", 15)
    if figures["programs"]:
        _sheet(
            workbook,
            _("Programs"),
            (
                Column(_("Code"), width=14),
                Column(_("Program"), width=40),
                Column(_("Budget (Rp)"), "rupiah", 20),
                net,
                Column(_("Realised (Rp)"), "rupiah", 20),
                Column(_("Realisation of the budget"), "percent", 14),
                handovers,
            ),
            [
                (r["code"], r["label"], r["budget"], r["net"], r["realised"], r.get("realisation_pct"), r["handovers"])
                for r in figures["programs"]
            ],
        )
    for key, title in (
        ("by_pillar", _("Pillars")),
        ("by_sdg", _("SDGs")),
        ("by_kind", _("Kinds of item")),
        ("by_company", _("Companies")),
    ):
        if figures[key]:
            _sheet(workbook, title, (Column(_("Name"), width=40), net), ((r["label"], r["net"]) for r in figures[key]))
    _sheet(
        workbook,
        _("Regions"),
        (Column(_("Code"), width=10), Column(_("Region"), width=32), net, handovers, beneficiaries),
        ((r["code"], r["label"], r["net"], r["handovers"], r["beneficiaries"]) for r in figures["by_region"]),
    )
    if figures["by_regency"]:
        _sheet(
            workbook,
            _("Regencies"),
            (Column(_("Code"), width=10), Column(_("Regency/city"), width=32), net, handovers, beneficiaries),
            [(r["code"], r["label"], r["net"], r["handovers"], r["beneficiaries"]) for r in figures["by_regency"]],
        )
    _sheet(
        workbook,
        _("Sectors"),
        (Column(_("Sector"), width=28), net, beneficiaries),
        ((r["label"], r["net"], r["beneficiaries"]) for r in figures["by_sector"]),
    )
    _sheet(
        workbook,
        _("Naik kelas and export"),
        (Column(_("List"), width=22), Column(_("Business name"), width=40)),
        [(_("Moved up a class"), n) for n in figures["naik_kelas"]["names"]]
        + [(_("Reached export"), n) for n in figures["export"]["names"]],
    )
    if progress:
        progress(75, _("Handover list"))
    columns = (
        Column(_("Number"), width=20), Column(_("Date"), "date", 19), Column(_("Kind"), width=14),
        Column(_("Status"), width=16), Column(_("Company"), width=14), Column(_("Program"), width=30),
        Column(_("Recipient"), width=34), Column(_("Regency/city"), width=26), Column(_("District"), width=22),
        Column(_("Amount (Rp)"), "rupiah", 18),
    )  # fmt: skip
    kinds, statuses = dict(Disbursement.Kind.choices), dict(Status.choices)
    rows = (
        (r["number"], datetime.date.fromisoformat(r["date"]), str(kinds.get(r["kind"], r["kind"])),
         str(statuses.get(r["status"], r["status"])), r["company"], r["program"], r["recipient"], r["region"],
         r["district"], r["amount"])
        for r in handover_rows(handovers_in(scope, period), region_names())
    )  # fmt: skip
    _sheet(workbook, _("Handovers"), columns, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

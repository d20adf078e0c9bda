"""The report's PDF (WeasyPrint through tjsl.pdf) and .xlsx (openpyxl, write-only), from its figures."""

import base64
import datetime
import io
import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.scope import Scope
from disbursements.models import Disbursement, Status
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
    }


def report_pdf(report, figures: dict) -> bytes:
    return render_pdf(PDF_TEMPLATE, pdf_context(report, figures))


# --- .xlsx ------------------------------------------------------------------------------

# Stored text is written whatever it holds (control characters replaced), and never as a formula.
safe_cell = spreadsheet_cell


def _sheet(workbook: Workbook, title: str, header: Iterable[str], rows: Iterable[Iterable]) -> None:
    title = re.sub(r"[\[\]:*?/\\]", "-", printable(str(title)))[:31]
    sheet = workbook.create_sheet(title)
    sheet.append([safe_cell(str(h)) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])


def report_xlsx(report, figures: dict, *, scope: Scope, period: Period, progress=None) -> bytes:
    """Summary, breakdowns and the full handover list, streamed in chunks (bounded memory)."""
    workbook = Workbook(write_only=True)
    company, region = scope_labels(figures)
    s = figures["summary"]
    summary_rows = [
        (_("Report"), _("TJSL Impact Report")),
        (_("Period"), period_label(figures["period"]["kind"], period.start)),
        (_("From"), period.start),
        (_("To"), period.end),
        (_("Company"), company),
        (_("Region"), region),
        (_("Version"), report.version),
        (_("Handovers"), s["handovers"]),
        (_("Net value (Rp)"), s["net"]),
        (_("Realised value (Rp)"), s["realised"]),
        (_("Budget (Rp)"), s["budget"]),
        (_("Beneficiaries"), s["beneficiaries"]),
        (_("Partners reached"), s["reached"]),
        (_("Business groups"), s["groups"]),
        (_("Moved up a class"), figures["naik_kelas"]["count"]),
        (_("Reached export"), figures["export"]["count"]),
        (_("Activities"), s["activities"]),
        (_("Participants"), s["participants"]),
    ]
    _sheet(workbook, _("Summary"), (_("Figure"), _("Value")), summary_rows)
    if figures["programs"]:
        _sheet(
            workbook,
            _("Programs"),
            (_("Code"), _("Program"), _("Budget (Rp)"), _("Net value (Rp)"), _("Realised (Rp)"), _("Handovers")),
            [
                (r["code"], r["label"], r["budget"], r["net"], r["realised"], r["handovers"])
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
            _sheet(workbook, title, (_("Name"), _("Net value (Rp)")), ((r["label"], r["net"]) for r in figures[key]))
    _sheet(
        workbook,
        _("Regions"),
        (_("Code"), _("Region"), _("Net value (Rp)"), _("Handovers"), _("Beneficiaries")),
        ((r["code"], r["label"], r["net"], r["handovers"], r["beneficiaries"]) for r in figures["by_region"]),
    )
    if figures["by_regency"]:
        _sheet(
            workbook,
            _("Regencies"),
            (_("Code"), _("Regency/city"), _("Net value (Rp)"), _("Handovers"), _("Beneficiaries")),
            [(r["code"], r["label"], r["net"], r["handovers"], r["beneficiaries"]) for r in figures["by_regency"]],
        )
    _sheet(
        workbook,
        _("Sectors"),
        (_("Sector"), _("Net value (Rp)"), _("Beneficiaries")),
        ((r["label"], r["net"], r["beneficiaries"]) for r in figures["by_sector"]),
    )
    _sheet(
        workbook,
        _("Naik kelas and export"),
        (_("List"), _("Business name")),
        [(_("Moved up a class"), n) for n in figures["naik_kelas"]["names"]]
        + [(_("Reached export"), n) for n in figures["export"]["names"]],
    )
    if progress:
        progress(75, _("Handover list"))
    header = (
        _("Number"), _("Date"), _("Kind"), _("Status"), _("Company"), _("Program"), _("Recipient"),
        _("Regency/city"), _("District"), _("Amount (Rp)"),
    )  # fmt: skip
    kinds, statuses = dict(Disbursement.Kind.choices), dict(Status.choices)
    rows = (
        (r["number"], datetime.date.fromisoformat(r["date"]), str(kinds.get(r["kind"], r["kind"])),
         str(statuses.get(r["status"], r["status"])), r["company"], r["program"], r["recipient"], r["region"],
         r["district"], r["amount"])
        for r in handover_rows(handovers_in(scope, period), region_names())
    )  # fmt: skip
    _sheet(workbook, _("Handovers"), header, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

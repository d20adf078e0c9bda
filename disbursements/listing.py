"""The handover list's sort orders and its .xlsx export (the filtered, scoped list as shown)."""

import io

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tjsl.formats.output import spreadsheet_date_format
from tjsl.text import spreadsheet_cell

# `?sort=` values; none (the default) is newest entered first, paged by id.
SORTS = {
    "-date": (gettext_lazy("Date, newest first"), (F("handed_on").desc(nulls_last=True), F("pk").desc())),
    "date": (gettext_lazy("Date, oldest first"), (F("handed_on").asc(nulls_last=True), F("pk").asc())),
    "-amount": (gettext_lazy("Amount, largest first"), (F("total").desc(), F("pk").desc())),
    "amount": (gettext_lazy("Amount, smallest first"), (F("total").asc(), F("pk").asc())),
    "number": (gettext_lazy("Number, ascending"), (F("number").asc(), F("pk").asc())),
    "-number": (gettext_lazy("Number, descending"), (F("number").desc(), F("pk").desc())),
}
DEFAULT_SORT_LABEL = gettext_lazy("Newest entered first")


def sort_key(value) -> str:
    """The sort asked for, or '' (the default) for anything else."""
    return value if value in SORTS else ""


def sorted_handovers(queryset, key: str):
    return queryset.order_by(*SORTS[key][1]) if key else queryset.order_by("-pk")


# Column: title, width, number format.
def _columns():
    return [
        (_("Number"), 24, None),
        (_("Date"), 19, spreadsheet_date_format()),
        (_("Status"), 16, None),
        (_("Kind"), 12, None),
        (_("Recipient"), 36, None),
        (_("Region code"), 12, None),
        (_("Program"), 36, None),
        (_("Company"), 24, None),
        (_("Total (Rp)"), 16, "#,##0"),
    ]


HEADER_FONT = Font(bold=True, color="102A43")
HEADER_FILL = PatternFill("solid", fgColor="D9E7F2")


def handovers_xlsx(handovers) -> bytes:
    """The rows as a workbook: bold frozen header, autofilter, widths, real dates and numbers,
    and text that a spreadsheet would run as a formula written as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("handovers")[:31])
    columns = _columns()
    for index, (_title, width, _format) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title, _width, _format in columns:
        cell = WriteOnlyCell(sheet, value=spreadsheet_cell(str(title)))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    sheet.append(header)
    count = 0
    for h in handovers:
        values = [
            h.number or str(h),
            h.handed_on,
            h.get_status_display(),
            h.get_kind_display(),
            str(h.recipient) if h.recipient is not None else "",
            h.regency_code or "",
            str(h.program),
            str(h.company),
            h.signed_total,
        ]
        cells = []
        for value, (_title, _width, number_format) in zip(values, columns, strict=True):
            cell = WriteOnlyCell(sheet, value=spreadsheet_cell(value))
            if number_format and value is not None:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

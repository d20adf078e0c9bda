"""The filtered partner list as .xlsx or .csv, personal data masked unless allowed."""

import datetime
import io
from types import SimpleNamespace

from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tjsl.formats.output import date_text, spreadsheet_date_format
from tjsl.text import spreadsheet_cell

from .filters import PartnerFilter
from .imports import rows_csv, rows_write
from .models import NikViewLog, Partner, SizeClass
from .privacy import mask_address, mask_nik, mask_phone, nik_views_log, with_pii_visibility
from .validators import display_phone

EXPORT_BATCH = 2000


def export_header() -> list[str]:
    """Column titles in the reader's language, each a sentence (Business name, Date joined)."""
    return [capfirst(title) for title in _export_titles()]


def _export_titles() -> list[str]:
    return [
        "ID",
        _("business name"),
        _("owner's name"),
        _("owner's NIK"),
        _("NIB"),
        _("NPWP"),
        _("phone"),
        _("address"),
        _("regency/city"),
        _("region code"),
        _("sector"),
        _("KBLI code"),
        _("products"),
        _("date joined"),
        _("status"),
        _("class at joining"),
        _("current class"),
        _("moved up a class"),
        _("reached export"),
    ]


def _class_label(value):
    return str(SizeClass(value).label) if value else ""


def export_rows(queryset, user):
    """Rows of the export; logs the partners whose NIK goes out unmasked."""
    queryset = with_pii_visibility(queryset.select_related("regency"), user)
    unmasked = []
    for p in queryset.iterator(chunk_size=EXPORT_BATCH):
        visible = bool(p.pii_visible)
        if visible and p.owner_nik:
            unmasked.append(p)
        yield [
            p.pk,
            p.business_name,
            p.owner_name,
            p.owner_nik if visible else mask_nik(p.owner_nik),
            p.nib,
            p.npwp if visible else mask_nik(p.npwp),
            display_phone(p.phone) if visible else mask_phone(p.phone),
            p.address if visible else mask_address(p.address),
            p.regency.name,
            p.region_code,
            p.get_sector_display(),
            p.kbli,
            p.products,
            p.joined_on,
            p.get_status_display(),
            _class_label(p.joining_class),
            _class_label(p.current_class),
            _("yes") if p.naik_kelas else _("no"),
            _("yes") if p.has_export else _("no"),
        ]
        if len(unmasked) >= EXPORT_BATCH:
            nik_views_log(user=user, partners=unmasked, purpose=NikViewLog.Purpose.EXPORT)
            unmasked = []
    nik_views_log(user=user, partners=unmasked, purpose=NikViewLog.Purpose.EXPORT)


# The .xlsx columns, in export_header() order: width, and the number format of the few that
# are numbers or dates. Identifiers (NIK, NIB, NPWP, KBLI, phone, region code) stay text.
XLSX_COLUMNS = (
    (8, "0"), (32, None), (26, None), (20, None), (16, None), (22, None), (16, None), (36, None),
    (28, None), (12, None), (18, None), (11, None), (30, None), (19, "date"), (12, None),
    (16, None), (16, None), (14, None), (14, None),
)  # fmt: skip
HEADER_FONT = Font(bold=True, color="102A43")
HEADER_FILL = PatternFill("solid", fgColor="D9E7F2")


def _csv_rows(rows):
    """Dates written as on every page ('9 November 2023'), which the import reads back."""
    for row in rows:
        yield [date_text(v) if isinstance(v, datetime.date) else v for v in row]


def export_xlsx_write(handle, rows) -> None:
    """The partner list as a workbook, styled in one place: a bold, filled header row kept in view
    (frozen panes), an autofilter over the list, set column widths, the join date a real date."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("partners")
    for index, (width, _format) in enumerate(XLSX_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title in export_header():
        cell = WriteOnlyCell(sheet, value=spreadsheet_cell(str(title)))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for value, (_width, number_format) in zip(row, XLSX_COLUMNS, strict=True):
            if number_format and value not in (None, ""):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = spreadsheet_date_format() if number_format == "date" else number_format
                cells.append(cell)
            else:
                cells.append(spreadsheet_cell(value))
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(XLSX_COLUMNS))}{count + 1}"
    workbook.save(handle)


def partners_export(queryset, user, fmt: str) -> bytes:
    rows = export_rows(queryset, user)
    if fmt == "csv":
        return rows_csv(export_header(), _csv_rows(rows))
    buffer = io.BytesIO()
    export_xlsx_write(buffer, rows)
    return buffer.getvalue()


# --- Big exports, made by a worker --------------------------------------------------------------

PROGRESS_EVERY = 2000


def export_queryset(user, params: QueryDict, request=None):
    """The partners of the list page with these filters, within the user's scope.

    The worker has no request: it passes the stored filters, and the user stands in for it.
    """
    request = request or SimpleNamespace(user=user, GET=params)
    base = Partner.objects.visible_to(user)
    filterset = PartnerFilter(params or None, queryset=base, request=request)
    return filterset.qs if filterset.is_bound and filterset.is_valid() else base


def export_filename(fmt: str, day: datetime.date) -> str:
    return f"mitra-binaan-{day:%Y%m%d}.{fmt}"


def partners_export_write(handle, queryset, user, fmt: str, progress=None) -> int:
    """Write the export to a binary file row by row; `progress(n)` is told every few thousand rows."""
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            yield row
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)

    rows = counted(export_rows(queryset, user))
    if fmt == "csv":
        rows_write(handle, fmt, export_header(), _csv_rows(rows))
    else:
        export_xlsx_write(handle, rows)
    return written

"""Reading, checking and writing partner lists as spreadsheets (.xlsx, .csv).

Columns have fixed machine names (the template's first row), so a file reads the
same whatever the interface language. Every row is checked before anything is
written; duplicates are looked up in batches, never one query per row.
"""

import contextlib
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation

from regions.models import Region
from tjsl.formats.output import parse_written_date
from tjsl.text import printable, spreadsheet_cell, validate_field_text

from .models import Partner, Sector
from .validators import clean_digits, nik_errors, normalise_phone, validate_nib, validate_npwp

COLUMNS = [
    ("business_name", True),
    ("owner_name", True),
    ("owner_nik", False),
    ("nib", False),
    ("npwp", False),
    ("phone", False),
    ("address", False),
    ("regency_code", True),
    ("district_code", False),
    ("sector", True),
    ("kbli", False),
    ("products", False),
    ("joined_on", True),
    ("status", False),
    ("notes", False),
]
COLUMN_NAMES = [name for name, _required in COLUMNS]
REQUIRED = {name for name, required in COLUMNS if required}
LOOKUP_CHUNK = 900


class ImportFileError(Exception):
    """The file cannot be read as a partner list at all (wrong type, no header)."""


# A cell as written: printable whatever is stored, and never run as a formula (CSV/formula injection).
neutralise = spreadsheet_cell


# --- Reading ------------------------------------------------------------------------------
# Files are streamed: rows are read one at a time and never held all at once, and every
# dimension of the file is bounded before or while it is read (see docs/reliability.md).

MAX_COLUMNS = 50  # the template has 15; a wider first row is not a partner list
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # an .xlsx is a zip: bound what it unpacks to
MAX_LINE_CHARS = 64 * 1024  # one line of a .csv


def max_rows() -> int:
    return settings.TJSL_IMPORT_MAX_ROWS


def too_many_rows_error() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)s rows; split it into files of at most %(max)s rows.")
        % {"max": intcomma(max_rows())}
    )


class UnreadableValue(str):
    """A cell whose stored value does not fit its type (e.g. text cached in a number cell)."""


class _TolerantSheetParser(WorkSheetParser):
    """openpyxl's streaming sheet parser, but a cell it cannot convert becomes an UnreadableValue
    (reported on its row) instead of an exception that ends the whole file."""

    def parse_cell(self, element):
        try:
            return super().parse_cell(element)
        except (ValueError, TypeError, IndexError, OverflowError):
            coordinate = element.get("r")
            try:
                row, column = coordinate_to_tuple(coordinate) if coordinate else (self.row_counter, self.col_counter)
            except (ValueError, TypeError) as exc:
                raise ImportFileError(_("This is not a readable .xlsx file.")) from exc
            raw = element.findtext(VALUE_TAG) or ""
            return {"row": row, "column": column, "value": UnreadableValue(raw), "data_type": "e", "style_id": 0}


def check_xlsx_archive(handle) -> int:
    """Refuse a damaged .xlsx, or one that unpacks to more than MAX_UNPACKED_BYTES, before reading
    it; returns what it unpacks to (read from the zip's directory, nothing is unpacked)."""
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_("This is not a readable .xlsx file.")) from exc
    finally:
        handle.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        raise too_many_rows_error()
    return unpacked


def _rows_from_xlsx(handle) -> Iterator[tuple[int, list]]:
    """(line, values) of the first sheet, streamed by openpyxl's read-only parser."""
    check_xlsx_archive(handle)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("This is not a readable .xlsx file.")) from exc
    try:
        if (sheet.max_row or 0) > max_rows() + 1:  # the declared size: refused before reading a row
            raise too_many_rows_error()
        with sheet._get_source() as source:
            parser = _TolerantSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            cells_read = 0
            for line, cells in parser.parse():
                cells_read += len(cells)
                if cells_read > (max_rows() + 1) * MAX_COLUMNS:
                    raise too_many_rows_error()
                values = [None] * min(MAX_COLUMNS + 1, max((c["column"] for c in cells), default=0))
                for cell in cells:
                    if cell["column"] <= len(values):
                        values[cell["column"] - 1] = cell["value"]
                yield line, values
    except ImportFileError:
        raise
    except Exception as exc:  # a broken sheet XML
        raise ImportFileError(_("This is not a readable .xlsx file.")) from exc
    finally:
        workbook.close()


def _bounded_lines(text) -> Iterator[str]:
    for number, line in enumerate(text, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError(_("Line %(line)d of the file is too long to be a partner.") % {"line": number})
        yield line


def _rows_from_csv(handle) -> Iterator[tuple[int, list]]:
    sample = handle.read(8192).decode("utf-8-sig", errors="replace")
    handle.seek(0)
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(_bounded_lines(text), dialect)
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)d of the file cannot be read as CSV.") % {"line": reader.line_num}
        ) from exc
    finally:
        text.detach()  # the caller closes the file


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_errors(cells: dict) -> list[str]:
    """Cells whose stored value does not fit their type. (Control characters are refused by
    the text check of each column, like everywhere else: tjsl.text.)"""
    return [
        _("%(column)s: the cell holds “%(value)s”, which is not a value of its type; type it again.")
        % {"column": column, "value": printable(value[:50])}
        for column, value in cells.items()
        if isinstance(value, UnreadableValue)
    ]


def storable(value):
    """Text as it can be kept in a JSON column (PostgreSQL refuses NUL) and shown again."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


def read_rows(handle, filename: str) -> Iterator[dict]:
    """The data rows, one at a time, as {"line": n, "data": {column: text}, "errors": [...]}.

    `handle` is a binary file; errors here are problems of reading a cell. Raises
    ImportFileError (while iterating) for files that cannot be a partner list at all,
    including one with more than TJSL_IMPORT_MAX_ROWS rows.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw = _rows_from_xlsx(handle)
    elif name.endswith(".csv"):
        raw = _rows_from_csv(handle)
    else:
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    try:
        yield from _data_rows(raw)
    finally:
        raw.close()  # before the caller closes the file


def _data_rows(raw: Iterator[tuple[int, list]]) -> Iterator[dict]:
    header = None
    count = last_line = 0
    for line, values in raw:
        if line <= last_line:  # rows out of order: a damaged or hand-made sheet
            raise ImportFileError(_("This is not a readable .xlsx file."))
        last_line = line
        if header is None:
            header = _header([_cell_text(v) for v in values])
            continue
        if not any(v not in (None, "") for v in values):
            continue
        count += 1
        if count > max_rows():
            raise too_many_rows_error()
        cells = {col: values[i] for i, col in enumerate(header) if col in COLUMN_NAMES and i < len(values)}
        data = {col: _cell_text(cells.get(col)) for col in header if col in COLUMN_NAMES}
        yield {"line": line, "data": data, "errors": _read_errors(cells)}
    if header is None:
        raise ImportFileError(_("The file is empty."))


def _header(cells: list[str]) -> list[str]:
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError(
            _("The first row has more than %(n)d columns; use the template's columns.") % {"n": MAX_COLUMNS}
        )
    header = [printable(c).strip().lower() for c in cells]
    missing = REQUIRED - set(header)
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
        )
    return header


# --- Checking -------------------------------------------------------------------------------


def parse_date(text: str) -> datetime.date:
    """dd/mm/yyyy (day first, as written in Indonesia), ISO yyyy-mm-dd, or written out as the
    exports write it (9 November 2023, the month in Indonesian or English)."""
    text = text.strip()
    if written := parse_written_date(text):
        return written
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class RowChecker:
    """Checks rows against the reference data and the registry, loaded once per file."""

    def __init__(self, rows: list[dict] = ()):
        self.today = timezone.localdate()
        self.regencies = dict(Region.objects.regencies().values_list("code", "id"))
        self.seen: dict[tuple[str, str], int] = {}
        self.sectors = {value: value for value, _label in Sector.choices} | {
            str(label).lower(): value for value, label in Sector.choices
        }
        self.statuses = {value for value, _label in Partner.Status.choices}
        self.load(rows)

    def load(self, rows: list[dict]) -> None:
        """Look up the districts and identifiers of these rows: a file is checked chunk by chunk,
        while duplicates inside the file are remembered across chunks (self.seen)."""
        district_codes = {r["data"].get("district_code", "").strip() for r in rows} - {""}
        self.districts = dict(Region.objects.districts().filter(code__in=district_codes).values_list("code", "id"))
        self.existing_niks = self._existing("owner_nik", {clean_digits(r["data"].get("owner_nik")) for r in rows})
        self.existing_nibs = self._existing("nib", {clean_digits(r["data"].get("nib")) for r in rows})

    @staticmethod
    def _existing(field: str, values: set[str]) -> set[str]:
        values = sorted(values - {""})
        found: set[str] = set()
        for start in range(0, len(values), LOOKUP_CHUNK):
            chunk = values[start : start + LOOKUP_CHUNK]
            # The excluded blank lets PostgreSQL use the partial unique index on the identifier.
            matches = Partner.objects.filter(**{f"{field}__in": chunk}).exclude(**{field: ""})
            found |= set(matches.values_list(field, flat=True))
        return found

    def check(self, row: dict) -> dict:
        """Fill row["errors"] and row["clean"] (JSON-ready values for Partner)."""
        data = row["data"]
        errors: list[str] = list(row.get("errors") or [])  # cells that could not be read
        clean: dict = {}

        def text(col: str, max_length: int) -> str:
            value = " ".join(str(data.get(col, "")).split()) if col != "address" else str(data.get(col, "")).strip()
            try:
                validate_field_text(Partner._meta.get_field(col), value, raw=str(data.get(col, "")))
            except ValidationError as exc:
                errors.append(f"{col}: {exc.messages[0]}")
            if col in REQUIRED and not value:
                errors.append(_("%(column)s: this column is required.") % {"column": col})
            if len(value) > max_length:
                errors.append(_("%(column)s: at most %(n)d characters.") % {"column": col, "n": max_length})
            return value

        clean["business_name"] = text("business_name", 200)
        clean["owner_name"] = text("owner_name", 150)
        clean["address"] = text("address", 2000)
        clean["products"] = text("products", 2000)
        clean["notes"] = text("notes", 2000)
        self._identifiers(data, clean, errors, row["line"])
        self._place(data, clean, errors)
        self._choices(data, clean, errors)
        if not errors:
            self._similar(clean, errors)
        row["errors"] = errors
        row["clean"] = clean if not errors else None
        return row

    @staticmethod
    def _similar(clean, errors) -> None:
        """The registration rule for look-alike names; a file cannot confirm, the form can."""
        from .services import SimilarBusinessError, partner_similar_check  # the services import this module

        try:
            partner_similar_check(business_name=clean["business_name"], regency_id=clean.get("regency_id"))
        except SimilarBusinessError as exc:
            names = ", ".join(p.business_name for p in exc.similar)
            errors.append(
                _(
                    "business_name: similar businesses are registered in this regency (%(names)s); register this "
                    "one with the form, where you can confirm that it is a different business."
                )
                % {"names": names}
            )

    def _identifiers(self, data, clean, errors, line) -> None:
        nik = clean_digits(data.get("owner_nik"))
        if nik:
            errors += [f"owner_nik: {message}" for message in nik_errors(nik)]
            if nik in self.existing_niks:
                errors.append(_("owner_nik: a partner with this NIK is already registered."))
            elif ("nik", nik) in self.seen:
                errors.append(_("owner_nik: the same NIK is on line %(line)d.") % {"line": self.seen[("nik", nik)]})
            self.seen.setdefault(("nik", nik), line)
        clean["owner_nik"] = nik
        for col, validator in (("nib", validate_nib), ("npwp", validate_npwp)):
            value = clean_digits(data.get(col))
            if value:
                try:
                    validator(value)
                except ValidationError as exc:
                    errors.append(f"{col}: {exc.messages[0]}")
            clean[col] = value
        nib = clean["nib"]
        if nib and nib in self.existing_nibs:
            errors.append(_("nib: a partner with this NIB is already registered."))
        elif nib and ("nib", nib) in self.seen:
            errors.append(_("nib: the same NIB is on line %(line)d.") % {"line": self.seen[("nib", nib)]})
        if nib:
            self.seen.setdefault(("nib", nib), line)
        try:
            clean["phone"] = normalise_phone(data.get("phone", ""))
        except ValidationError as exc:
            errors.append(f"phone: {exc.messages[0]}")
        kbli = clean_digits(data.get("kbli"))
        if kbli and not re.fullmatch(r"[0-9]{5}", kbli):
            errors.append(_("kbli: a KBLI code has 5 digits."))
        clean["kbli"] = kbli

    def _place(self, data, clean, errors) -> None:
        regency_code = str(data.get("regency_code", "")).strip()
        regency_id = self.regencies.get(regency_code)
        if regency_code and regency_id is None:
            errors.append(_("regency_code: no regency or city has code %(code)s.") % {"code": regency_code})
        clean["regency_id"] = regency_id
        clean["region_code"] = regency_code
        district_code = str(data.get("district_code", "")).strip()
        clean["district_id"] = None
        if district_code:
            district_id = self.districts.get(district_code)
            if district_id is None or not district_code.startswith(regency_code + "."):
                errors.append(_("district_code: no district %(code)s in this regency.") % {"code": district_code})
            else:
                clean["district_id"] = district_id
                clean["region_code"] = district_code
        joined = str(data.get("joined_on", "")).strip()
        if joined:
            try:
                joined_on = parse_date(joined)
            except ValueError:
                errors.append(_("joined_on: write the date as dd/mm/yyyy."))
            else:
                if joined_on > self.today:
                    errors.append(_("joined_on: the date cannot be in the future."))
                clean["joined_on"] = joined_on.isoformat()

    def _choices(self, data, clean, errors) -> None:
        sector = str(data.get("sector", "")).strip().lower()
        if sector and sector not in self.sectors:
            errors.append(
                _("sector: choose one of %(choices)s.") % {"choices": ", ".join(v for v, _label in Sector.choices)}
            )
        clean["sector"] = self.sectors.get(sector, "")
        status = str(data.get("status", "")).strip().lower() or Partner.Status.AKTIF
        if status not in self.statuses:
            errors.append(_("status: choose aktif, lulus or nonaktif."))
        clean["status"] = status


# --- Writing spreadsheets ------------------------------------------------------------------------


def template_workbook() -> bytes:
    """An empty list with the column names, one example row and the allowed values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "partners"
    sheet.append(COLUMN_NAMES)
    sheet.append(
        [
            "Kerajinan Perak Contoh",
            "Nama Pemilik",
            "1610014101900003",
            "",
            "",
            "0812-3456-7890",
            "Desa Contoh, Kecamatan Contoh",
            "16.10",
            "",
            "kerajinan",
            "",
            "Cincin perak",
            "09/11/2023",
            "aktif",
            "",
        ]
    )
    sectors = DataValidation(
        type="list", formula1='"' + ",".join(v for v, _l in Sector.choices) + '"', allow_blank=True
    )
    sheet.add_data_validation(sectors)
    sectors.add("J2:J10000")
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 20
    help_sheet = workbook.create_sheet("help")
    help_sheet.append(["column", "required", "meaning"])
    meanings = {
        "owner_nik": _("16 digits"),
        "nib": _("13 digits"),
        "npwp": _("15 or 16 digits"),
        "phone": _("Indonesian number, e.g. 0812-3456-7890"),
        "regency_code": _("Kemendagri code of the regency/city, e.g. 16.10"),
        "district_code": _("Kemendagri code of the district, e.g. 16.10.01"),
        "sector": ", ".join(v for v, _l in Sector.choices),
        "kbli": _("5 digits (KBLI 2020)"),
        "joined_on": _("dd/mm/yyyy"),
        "status": "aktif, lulus, nonaktif",
    }
    for name, required in COLUMNS:
        help_sheet.append([name, _("yes") if required else "", meanings.get(name, "")])
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_workbook(header: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.BytesIO()
    rows_write(buffer, "xlsx", header, rows)
    return buffer.getvalue()


def rows_csv(header: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.BytesIO()
    rows_write(buffer, "csv", header, rows)
    return buffer.getvalue()


def rows_write(handle, fmt: str, header: list[str], rows: Iterable[list]) -> None:
    """Write the rows as .xlsx or .csv (UTF-8 with a BOM, for Excel) to a binary file, row by row."""
    if fmt == "csv":
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("partners")
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    workbook.save(handle)


def rejected_rows_workbook(rows: Iterable[dict]) -> bytes:
    """The rows that failed, as uploaded, with their reasons in a last column."""
    header = ["line", *COLUMN_NAMES, "errors"]
    body = (
        [row["line"], *[row["data"].get(c, "") for c in COLUMN_NAMES], "; ".join(row["errors"])]
        for row in rows
        if row["errors"]
    )
    return rows_workbook(header, body)

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
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from regions.models import Region
from tjsl.text import spreadsheet_cell, validate_field_text

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


def _rows_from_xlsx(content: bytes) -> Iterator[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("This is not a readable .xlsx file.")) from exc
    sheet = workbook.worksheets[0]
    yield from sheet.iter_rows(values_only=True)
    workbook.close()


def _rows_from_csv(content: bytes) -> Iterator[list]:
    text = content.decode("utf-8-sig", errors="replace")
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    yield from csv.reader(io.StringIO(text), dialect)


def read_rows(content: bytes, filename: str) -> list[dict]:
    """The data rows as {"line": n, "data": {column: text}}; raises ImportFileError."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw = _rows_from_xlsx(content)
    elif name.endswith(".csv"):
        raw = _rows_from_csv(content)
    else:
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    header = None
    rows = []
    for line, values in enumerate(raw, start=1):
        cells = [_cell_text(v) for v in values]
        if header is None:
            header = [c.strip().lower() for c in cells]
            missing = REQUIRED - set(header)
            if missing:
                raise ImportFileError(
                    _("The first row must name the columns; missing: %(columns)s.")
                    % {"columns": ", ".join(sorted(missing))}
                )
            continue
        if not any(cells):
            continue
        data = {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(header) if col in COLUMN_NAMES}
        rows.append({"line": line, "data": data, "errors": []})
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return rows


# --- Checking -------------------------------------------------------------------------------


def parse_date(text: str) -> datetime.date:
    """dd/mm/yyyy (day first, as written in Indonesia) or ISO yyyy-mm-dd."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class RowChecker:
    """Checks rows against the reference data and the registry, loaded once per file."""

    def __init__(self, rows: list[dict]):
        self.today = datetime.date.today()
        self.regencies = dict(Region.objects.regencies().values_list("code", "id"))
        district_codes = {r["data"].get("district_code", "").strip() for r in rows} - {""}
        self.districts = dict(Region.objects.districts().filter(code__in=district_codes).values_list("code", "id"))
        self.existing_niks = self._existing("owner_nik", {clean_digits(r["data"].get("owner_nik")) for r in rows})
        self.existing_nibs = self._existing("nib", {clean_digits(r["data"].get("nib")) for r in rows})
        self.seen: dict[tuple[str, str], int] = {}
        self.sectors = {value: value for value, _label in Sector.choices} | {
            str(label).lower(): value for value, label in Sector.choices
        }
        self.statuses = {value for value, _label in Partner.Status.choices}

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
        errors: list[str] = []
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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("partners")
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    return _save(workbook)


def rows_csv(header: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rejected_rows_workbook(rows: list[dict]) -> bytes:
    """The rows that failed, as uploaded, with their reasons in a last column."""
    header = ["line", *COLUMN_NAMES, "errors"]
    body = (
        [row["line"], *[row["data"].get(c, "") for c in COLUMN_NAMES], "; ".join(row["errors"])]
        for row in rows
        if row["errors"]
    )
    return rows_workbook(header, body)

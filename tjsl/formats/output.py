"""Dates and times in what the app writes besides pages: spreadsheets, CSV and PDFs.

Pages print dates through the format modules next to this one ("9 November 2023",
"9 November 2023, 14.05 WIB" in the user's time zone); these helpers give the other
outputs the same look: CSV cells as text, .xlsx cells as real Excel dates with a
number format that spells the month in the reader's language.
"""

import datetime
import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip
# Excel's language tags: the month names follow the file's language, not the reader's Excel.
_EXCEL_LANGUAGE = {"id": "[$-421]", "en": "[$-809]"}
_WRITTEN_DATE = re.compile(r"(\d{1,2}) ([^\W\d_]+) (\d{4})")


def date_text(value: datetime.date | None) -> str:
    """'9 November 2023' (id and en alike, the month in the active language)."""
    return date_format(value, "DATE_FORMAT") if value else ""


def datetime_text(value: datetime.datetime | None) -> str:
    """'9 November 2023, 14.05 WIB' in the active time zone."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def parse_written_date(text: str) -> datetime.date | None:
    """The date of '9 November 2023' (Indonesian or English month), else None."""
    match = _WRITTEN_DATE.fullmatch(" ".join(text.split()))
    if not match:
        return None
    day, month, year = match.groups()
    for names in MONTHS.values():
        folded = [name.casefold() for name in names]
        if month.casefold() in folded:
            return datetime.date(int(year), folded.index(month.casefold()) + 1, int(day))
    return None


def _excel_language() -> str:
    return _EXCEL_LANGUAGE.get((get_language() or "id")[:2], _EXCEL_LANGUAGE["id"])


def spreadsheet_date_format() -> str:
    """An .xlsx number format showing a real date cell as '9 November 2023'."""
    return f"{_excel_language()}d mmmm yyyy"


def spreadsheet_datetime(value: datetime.datetime) -> datetime.datetime:
    """Excel has no time zones: the wall-clock time in the active zone, as `spreadsheet_datetime_format` names."""
    return timezone.localtime(value).replace(tzinfo=None)


def spreadsheet_datetime_format() -> str:
    """'9 November 2023, 14.05 WIB' for a cell holding `spreadsheet_datetime(...)`."""
    zone = timezone.localtime().tzname()
    return f'{_excel_language()}d mmmm yyyy, hh\\.mm "{zone}"'

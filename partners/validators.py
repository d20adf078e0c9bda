"""Validators for Indonesian identifiers, built on the `lokal` parsers.

Messages are field-level and translatable; the `lokal` messages (Indonesian
only) are never shown as such.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from lokal import parse_nik, parse_npwp, parse_phone

# Codes of `parse_nik` errors that we do not treat as errors: region code lists lag
# behind new provinces, and a NIK keeps the code it was issued with.
IGNORED_NIK_ERRORS = {"province"}

NIK_MESSAGES = {
    "format": _("A NIK has exactly 16 digits."),
    "wilayah": _("The regency and district codes of a NIK cannot be 00."),
    "birth_date": _("The birth date in this NIK is not a real date (women add 40 to the day)."),
    "serial": _("The last four digits of a NIK cannot be 0000."),
}


def nik_errors(value: str) -> list[str]:
    """The reasons why `value` is not a NIK, as translated messages (empty when valid)."""
    info = parse_nik(value)
    if not re.fullmatch(r"[0-9]{16}", value or ""):
        return [str(NIK_MESSAGES["format"])]
    return [
        str(NIK_MESSAGES.get(issue.code, _("This is not a valid NIK.")))
        for issue in info.errors
        if issue.code not in IGNORED_NIK_ERRORS
    ]


def validate_nik(value: str) -> None:
    errors = nik_errors(value)
    if errors:
        raise ValidationError(errors[0], code="invalid_nik")


def validate_nib(value: str) -> None:
    if not re.fullmatch(r"[0-9]{13}", value or ""):
        raise ValidationError(_("An NIB has exactly 13 digits."), code="invalid_nib")


def validate_npwp(value: str) -> None:
    if not re.fullmatch(r"[0-9]{15,16}", value or ""):
        raise ValidationError(_("An NPWP has 15 or 16 digits."), code="invalid_npwp")
    info = parse_npwp(value)
    if info.kind == "nik" and nik_errors(value):
        raise ValidationError(
            _("A 16-digit NPWP not starting with 0 is the owner's NIK, and this one is not a valid NIK."),
            code="invalid_npwp",
        )


def validate_phone_e164(value: str) -> None:
    """The stored form: +62 followed by the number without its leading 0."""
    if not re.fullmatch(r"\+62[0-9]{7,12}", value or ""):
        raise ValidationError(_("Enter an Indonesian phone number, e.g. 0812-3456-7890."), code="invalid_phone")


def clean_digits(value: str) -> str:
    """Identifiers as typed: drop spaces, dots and dashes."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def normalise_phone(value: str) -> str:
    """An Indonesian phone number in its stored form (+62…); raises ValidationError."""
    value = str(value or "").strip()
    if not value:
        return ""
    info = parse_phone(value)
    if not info.valid:
        raise ValidationError(_("Enter an Indonesian phone number, e.g. 0812-3456-7890."), code="invalid_phone")
    return info.e164


def display_phone(value: str) -> str:
    """0812-3456-7890 for +6281234567890."""
    if not value:
        return ""
    info = parse_phone(value)
    return info.national or value

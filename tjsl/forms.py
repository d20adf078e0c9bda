"""Form fields every app uses the same way."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# Whole rupiah as people write it: 12500000, 12.500.000, Rp12.500.000 or 12,500,000.
_RUPIAH = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")


def rupiah_grouped(value: int) -> str:
    """12500000 -> "12.500.000" (Indonesian grouping, as every page shows amounts)."""
    return f"{value:,}".replace(",", ".")


class RupiahInput(forms.TextInput):
    """A text box with the numeric keyboard on phones; static/js/rupiah.js groups the digits as
    the value is left, so what is typed reads like the amounts on every page."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "data-rupiah": "", **(attrs or {})})


class RupiahField(forms.IntegerField):
    """Whole rupiah, typed with or without grouping; a decimal part or a misplaced dot is an
    error rather than a guess (12.5 is neither 12 nor 125)."""

    widget = RupiahInput
    default_error_messages = {
        "invalid": _("Enter whole rupiah, for example 12.500.000."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("Rp").removeprefix("rp").strip().replace(" ", "")
            if value and not _RUPIAH.fullmatch(value):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = value.replace(".", "").replace(",", "")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return rupiah_grouped(value)
        return value

"""Form fields every app uses the same way."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .uploads import upload_types

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


class MultipleFileInput(forms.ClearableFileInput):
    """A file chooser that takes several files at once (`<input type="file" multiple>`)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, cleaned to a list; with `allowed` MIME types and `max_bytes`
    every file is typed by its content and each refused file is named in the field's error."""

    widget = MultipleFileInput

    def __init__(self, *args, allowed: set[str] | None = None, max_bytes: int | None = None, **kwargs):
        self.allowed, self.max_bytes = allowed, max_bytes
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        several = isinstance(data, list | tuple) and data
        files = [single_file_clean(file, initial) for file in data] if several else [single_file_clean(data, initial)]
        files = [file for file in files if file]
        if files and self.allowed is not None:
            upload_types(files, allowed=self.allowed, max_bytes=self.max_bytes)
        return files

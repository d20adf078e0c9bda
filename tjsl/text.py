"""Control characters: refused in what users type, replaced in what the app writes.

A control character (C0 such as U+000B, DEL, C1, NUL) has no place in a name or a
note, and one of them is enough to make an .xlsx writer (openpyxl refuses them,
XML cannot hold them) or an SVG chart fail for everyone who exports the list.

- Input: `attach_text_validators()` (run once at start-up by `tjsl.apps`) gives
  every CharField and TextField of the project's own models a
  `ControlCharacterValidator`. Model forms, the services' `full_clean()`, DRF model
  serializers and the partner import all run it, so there is one rule and one
  message. Single-line fields refuse line breaks and tabs as well; multi-line
  fields (TextField) keep them.
- Output: `printable()` replaces whatever is already stored (by SQL, by older
  versions) with U+FFFD, and `spreadsheet_cell()` also keeps a cell from being run
  as a formula. Every .xlsx/.csv writer, the SVG charts and the PDF renderer use them.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 except tab, line feed and carriage return; DEL; C1; surrogates; the two XML non-characters.
_ALWAYS_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_LINE_BREAKS = "\t\n\r"
CONTROL_RE = re.compile(f"[{_ALWAYS_REFUSED}]")
SINGLE_LINE_RE = re.compile(f"[{_ALWAYS_REFUSED}{_LINE_BREAKS}]")
REPLACEMENT = "\ufffd"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


@deconstructible
class ControlCharacterValidator:
    """Refuses control characters; `multiline` lets tab, line feed and carriage return through."""

    message = _("This text contains a control character (%(code)s) that cannot be saved: remove it.")
    line_message = _("This field holds a single line: remove the line breaks and tabs.")
    code = "control_character"

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        found = CONTROL_RE.search(value)
        if found:
            raise ValidationError(self.message, code=self.code, params={"code": code_point(found.group())})
        if not self.multiline and SINGLE_LINE_RE.search(value):
            raise ValidationError(self.line_message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


def validator_for(field) -> ControlCharacterValidator:
    from django.db import models

    return ControlCharacterValidator(multiline=isinstance(field, models.TextField))


def validate_field_text(field, value: str, *, raw: str | None = None) -> None:
    """The check a model field runs, for code that fills the field without `full_clean()` (imports).

    `raw` is the text as read, before spaces were tidied: tidying may turn a line break
    into a space, but never hides a control character.
    """
    if raw is not None:
        ControlCharacterValidator(multiline=True)(raw)
    validator_for(field)(value)


def attach_text_validators(app_configs) -> int:
    """Add the validator to every CharField/TextField of these apps' models; safe to call twice.

    It goes into the field's `validators` (read by `full_clean()` and DRF), not into the
    arguments that migrations record, so no migration is needed and new fields get it too.
    """
    from django.db import models

    attached = 0
    for app_config in app_configs:
        for model in app_config.get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                if any(isinstance(v, ControlCharacterValidator) for v in field.validators):
                    continue
                field.validators.append(validator_for(field))
                attached += 1
    return attached


def printable(value: str) -> str:
    """Stored text as it can be written to any document: control characters become U+FFFD."""
    return CONTROL_RE.sub(REPLACEMENT, value)


def spreadsheet_cell(value):
    """A value ready for an .xlsx or .csv cell: printable, and never run as a formula."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value

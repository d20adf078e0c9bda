"""The dashboard's filter form: it offers only values inside the user's scope."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Sector
from programs.models import Pillar

CUSTOM = "custom"


def _quarter_before(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def period_choices(today: datetime.date, current: str = "") -> list[tuple[str, str]]:
    """The presets, each a period key the URL carries (`?period=2026-Q4`), then a custom range.
    A period reached by an older link (`?period=2023-Q4`) is offered first, as it is."""
    quarter = (today.month - 1) // 3 + 1
    last_year, last_quarter = _quarter_before(today.year, quarter)
    choices = [
        (f"{today.year}-Q{quarter}", _("This quarter (Q%(q)s %(year)s)") % {"q": quarter, "year": today.year}),
        (f"{last_year}-Q{last_quarter}", _("Last quarter (Q%(q)s %(year)s)") % {"q": last_quarter, "year": last_year}),
        (str(today.year), _("This year (%(year)s)") % {"year": today.year}),
        (str(today.year - 1), _("Last year (%(year)s)") % {"year": today.year - 1}),
        (CUSTOM, _("Custom range")),
    ]
    if current and current not in dict(choices):
        choices.insert(0, (current, current))
    return choices


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        help_text=_("For a custom range, enter its first and last day."),
    )
    date_from = forms.CharField(label=_("From"), required=False, help_text=_("dd/mm/yyyy"))
    date_to = forms.CharField(label=_("To"), required=False, help_text=_("dd/mm/yyyy"))
    company = forms.ChoiceField(label=_("Company"), required=False)
    program = forms.ChoiceField(label=_("Program"), required=False)
    pillar = forms.ChoiceField(label=_("Pillar"), required=False, choices=[("", _("All")), *Pillar.choices])
    sdg = forms.ChoiceField(label=_("SDG"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All")), *Sector.choices])

    def __init__(self, *args, companies, programs, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.data or {}).get("period", "")
        self.fields["period"].choices = period_choices(today or timezone.localdate(), current)
        self.fields["company"].choices = [("", _("All"))] + [(c.pk, str(c)) for c in companies]
        self.fields["program"].choices = [("", _("All"))] + [(p.pk, p.name) for p in programs]
        sdgs = sorted({(s.number, str(s)) for p in programs for s in p.sdgs.all()})
        self.fields["sdg"].choices = [("", _("All")), *sdgs]
        if len(companies) <= 1:
            self.fields["company"].widget = forms.HiddenInput()
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

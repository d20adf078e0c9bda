"""The dashboard's filter form: it offers only values inside the user's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Sector
from programs.models import Pillar


class DashboardFilterForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        required=False,
        help_text=_("A year (2023), a quarter (2023-Q4) or a month (2023-11)."),
    )
    date_from = forms.CharField(label=_("From"), required=False, help_text=_("dd/mm/yyyy"))
    date_to = forms.CharField(label=_("To"), required=False, help_text=_("dd/mm/yyyy"))
    company = forms.ChoiceField(label=_("Company"), required=False)
    program = forms.ChoiceField(label=_("Program"), required=False)
    pillar = forms.ChoiceField(label=_("Pillar"), required=False, choices=[("", _("All")), *Pillar.choices])
    sdg = forms.ChoiceField(label=_("SDG"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All")), *Sector.choices])

    def __init__(self, *args, companies, programs, **kwargs):
        super().__init__(*args, **kwargs)
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

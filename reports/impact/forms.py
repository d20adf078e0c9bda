"""The request form of an impact report: only periods and scopes the user may see."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Company
from accounts.scope import Scope
from regions.models import Region
from tjsl.periods import validate_year

from ..models import ImpactReport
from .figures import period_start

NATIONAL = ""
ALL = ""


def region_choices(scope: Scope) -> list[tuple[str, str]]:
    """National (for national users), then provinces and regencies inside the scope."""
    regions = Region.objects.filter(level__in=[1, 2]).order_by("code").only("code", "name", "level")
    if scope.region_code:
        regions = regions.filter(code__startswith=scope.region_code[:2])
        regions = [r for r in regions if scope.covers_region_code(r.code)]
    choices = [] if scope.region_code else [(NATIONAL, str(_("National")))]
    return choices + [(r.code, r.name if r.level == 1 else f"— {r.name}") for r in regions]


def company_choices(scope: Scope) -> list[tuple[str, str]]:
    companies = Company.objects.filter(scope.q(company_field="id")).order_by("name")
    choices = [] if scope.company_id else [(ALL, str(_("All companies")))]
    return choices + [(str(c.pk), c.name) for c in companies]


class ImpactReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=ImpactReport.Kind.choices, initial="quarter")
    year = forms.IntegerField(label=_("Year"), validators=[validate_year])
    number = forms.IntegerField(
        label=_("Month or quarter"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Month 1–12 or quarter 1–4; ignored for a yearly report."),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    company = forms.ChoiceField(label=_("Company"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=ImpactReport.Language.choices, initial="id")

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["region"].choices = region_choices(scope)
        self.fields["company"].choices = company_choices(scope)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["number"].initial = (today.month - 1) // 3 + 1
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Produce the report")))

    def clean(self):
        data = super().clean()
        kind, number = data.get("kind"), data.get("number")
        if kind == "quarter" and not (number and 1 <= number <= 4):
            self.add_error("number", _("Choose a quarter from 1 to 4."))
        if kind == "month" and not number:
            self.add_error("number", _("Choose a month from 1 to 12."))
        return data

    def start(self) -> datetime.date:
        data = self.cleaned_data
        return period_start(data["kind"], data["year"], data.get("number") or 1)

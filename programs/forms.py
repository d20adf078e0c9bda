"""Forms only parse and validate input; the services hold the rules."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Company
from regions.models import Region
from tjsl.forms import RupiahField

from .models import Activity, Pillar, Program, Sdg

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy"), "autocomplete": "off"})


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class BoundedIdsMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids beyond a 64-bit integer before they reach the database: an `__in` lookup
    with such a number crashes on SQLite (OverflowError) instead of finding nothing."""

    def _check_values(self, value):
        for pk in value:
            if str(pk).strip().lstrip("-").isdigit() and abs(int(pk)) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class RegionMultipleChoiceField(BoundedIdsMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class SdgChoiceField(BoundedIdsMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _helper(submit_label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    return helper


class ProgramForm(forms.ModelForm):
    """The SDG checkboxes offer only the chosen pillar's goals; choosing another pillar
    swaps them in place (htmx) through `programs:program-sdg-options`."""

    company = forms.ModelChoiceField(queryset=Company.objects.none(), label=_("company"))
    sdgs = SdgChoiceField(
        queryset=Sdg.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("SDGs"),
        help_text=_("Only the goals of the chosen pillar are offered."),
    )
    target_regions = RegionMultipleChoiceField(
        queryset=Region.objects.filter(level__in=[1, 2]),
        required=False,
        label=_("target regions"),
        help_text=_("Provinces or regencies/cities; hold Ctrl to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Program
        fields = [
            "company",
            "code",
            "name",
            "description",
            "pillar",
            "sdgs",
            "support_form",
            "start_date",
            "end_date",
            "target_regions",
            "unit",
            "person_responsible",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "pillar": forms.Select(
                attrs={
                    "hx-get": reverse_lazy("programs:program-sdg-options"),
                    "hx-target": "#div_id_sdgs",
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                }
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or user.company_id:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = Company.objects.visible_to(user).filter(is_active=True)
        self.offer_sdgs_of(self._chosen_pillar())
        self.helper = _helper(_("Save"))

    def _chosen_pillar(self) -> str | None:
        if self.is_bound:
            return self.data.get("pillar") or None
        return self.initial.get("pillar") or self.instance.pillar or None

    def offer_sdgs_of(self, pillar: str | None) -> None:
        # Validation still sees every SDG, so a wrong one gets the pillar message.
        sdgs = Sdg.objects.filter(pillar=pillar) if pillar in Pillar.values else Sdg.objects.none()
        self.fields["sdgs"].widget.choices = [(sdg.pk, str(sdg)) for sdg in sdgs]

    def clean(self):
        cleaned = super().clean()
        pillar, sdgs = cleaned.get("pillar"), cleaned.get("sdgs") or []
        wrong = sorted(sdg.number for sdg in sdgs if sdg.pillar != pillar)
        if pillar and wrong:
            self.add_error(
                "sdgs",
                _("SDG %(numbers)s does not belong to the pillar %(pillar)s.")
                % {"numbers": ", ".join(map(str, wrong)), "pillar": Pillar(pillar).label},
            )
        return cleaned

    def _post_clean(self):
        # The service validates the model (with the company it gets); skip the ModelForm's
        # own instance validation, which would run before the company is known.
        pass


class BudgetForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, label=_("year"))
    amount = RupiahField(min_value=0, label=_("amount (Rp)"), help_text=_("Whole rupiah, e.g. 750.000.000."))
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("reason"), help_text=_("Why the budget is set or changed.")
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in program.years]
        self.helper = _helper(_("Save budget"))


class TargetForm(forms.Form):
    year = forms.TypedChoiceField(coerce=lambda value: int(value) if value else None, required=False, label=_("year"))
    partners_reached = forms.IntegerField(min_value=0, initial=0, label=_("partners reached"))
    beneficiaries = forms.IntegerField(min_value=0, initial=0, label=_("beneficiaries"))
    naik_kelas = forms.IntegerField(min_value=0, initial=0, label=_("partners moving up a class"))
    export_partners = forms.IntegerField(min_value=0, initial=0, label=_("export partners"))

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Whole program")), *[(year, year) for year in program.years]]
        self.fields["year"].empty_value = None
        self.helper = _helper(_("Save targets"))


class ActivityForm(forms.ModelForm):
    regency = RegionChoiceField(queryset=Region.objects.regencies(), label=_("regency/city"))

    class Meta:
        model = Activity
        fields = ["kind", "title", "start_date", "end_date", "place", "regency", "cost", "description"]
        field_classes = {"cost": RupiahField}
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"cost": _("Whole rupiah; 0 when the activity cost nothing.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost"].min_value = 0
        self.fields["cost"].widget.attrs["min"] = 0
        self.helper = _helper(_("Save"))

    def _post_clean(self):
        # The service validates the model once the program is attached.
        pass


class CloseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("reason for closing"),
        help_text=_("Recorded with your name and the time."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that a closed program accepts no new handovers, activities or partners.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Close the program"))
        self.helper.inputs[0].field_classes = "btn btn-danger"


class PartnerSearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search partners"), max_length=100)


class EnrollmentForm(forms.Form):
    partner = forms.IntegerField(widget=forms.HiddenInput)
    confirm_other_company = forms.BooleanField(required=False)


class EnrollmentDecisionForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=1000, label=_("Note on the decision"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ParticipantForm(forms.Form):
    partner = forms.IntegerField(widget=forms.HiddenInput)
    products_shown = forms.CharField(required=False, max_length=1000, label=_("products shown"))
    product_count = forms.IntegerField(min_value=0, initial=0, required=False, label=_("number of products"))

"""Loan forms: they only parse input; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from tjsl.forms import RupiahField
from tjsl.periods import validate_date

from .models import Channel, Collectibility, Method, Status

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class ApplicationForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Borrower"), queryset=Partner.objects.none())
    is_top_up = forms.BooleanField(label=_("Top-up of a disbursed loan"), required=False)
    amount = RupiahField(label=_("Amount (Rp)"))
    tenor_months = forms.IntegerField(label=_("Tenor (months)"))
    method = forms.ChoiceField(label=_("Schedule method"), choices=Method.choices, initial=Method.EFEKTIF)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    survey_note = forms.CharField(
        label=_("Field survey note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.visible_to(user).order_by("business_name")


class DisbursementForm(forms.Form):
    disbursed_on = forms.DateField(label=_("Disbursement date"), widget=DATE_INPUT, validators=[validate_date])
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)


class RepaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Date paid"), widget=DATE_INPUT, validators=[validate_date])
    amount = RupiahField(label=_("Amount (Rp)"))
    reference = forms.CharField(label=_("Reference (transfer or receipt no.)"), max_length=100, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class LoanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Status.choices], required=False)
    collectibility = forms.ChoiceField(
        label=_("Collectibility"), choices=[("", _("All")), *Collectibility.choices], required=False
    )
    q = forms.CharField(label=_("Number or borrower"), max_length=100, required=False)

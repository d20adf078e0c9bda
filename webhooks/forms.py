from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .services import SUBSCRIBABLE


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label=_("Receiver URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Your system's address that receives the events, e.g. https://erp.example.co.id/tjsl/events."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(event.value, event.label) for event in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label or _("Subscribe")))

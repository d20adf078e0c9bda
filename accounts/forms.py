from datetime import datetime, time

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. 'ERP export'."))
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy; empty: until you revoke it."),
    )

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The date must not lie in the past."))
        return value

    @property
    def expires_at(self) -> datetime | None:
        """The token stays valid through the whole chosen day."""
        value = self.cleaned_data.get("expires_on")
        if value is None:
            return None
        return timezone.make_aware(datetime.combine(value, time.max))


class LoginForm(AuthenticationForm):
    """Django's login form sets the username's max_length without validating it, so an
    oversized username reached authenticate() and the login throttle's 255-character column."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

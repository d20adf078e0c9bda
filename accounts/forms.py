from datetime import datetime, time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from .models import TimeZone, User
from .roles import COMPANY_ADMIN_GRANTABLE_ROLES, SERVICE_ROLES


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TimeZone.choices,
        help_text=_("Times on pages, exports and e-mails are shown in this time zone."),
    )


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


class RegionScopeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


def _label(field: str):
    """The model field's name, capitalised when the form is shown (in the reader's language)."""
    return lazy(capfirst, str)(User._meta.get_field(field).verbose_name)


class UserFieldsForm(forms.Form):
    """Role, region and profile of a user a company administrator manages. Only these fields
    are read: flags, groups or permissions sent along are ignored."""

    first_name = forms.CharField(label=_label("first_name"), max_length=150, required=False)
    last_name = forms.CharField(label=_label("last_name"), max_length=150, required=False)
    email = forms.EmailField(label=_label("email"), max_length=254)
    position = forms.CharField(label=_label("position"), max_length=120, required=False)
    role = forms.ChoiceField(label=_("Role"))
    region = RegionScopeField(
        label=_label("region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("National (the whole country)"),
        help_text=_("A province or regency inside your own scope; empty means the whole country."),
    )
    submit_label = _("Save")
    grantable_roles = COMPANY_ADMIN_GRANTABLE_ROLES

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in self.grantable_roles]
        self.fields["region"].queryset = Region.objects.filter(level__in=[1, 2]).within(actor.region)
        if actor.region_id:
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class UserInviteForm(UserFieldsForm):
    username = forms.CharField(
        label=_label("username"),
        max_length=150,
        validators=User._meta.get_field("username").validators,
        help_text=User._meta.get_field("username").help_text,
    )
    field_order = ["username", "first_name", "last_name", "email", "position", "role", "region"]
    submit_label = _("Send the invitation")


class UserUpdateForm(UserFieldsForm):
    def __init__(self, *args, user: User, **kwargs):
        initial = {field: getattr(user, field) for field in ("first_name", "last_name", "email", "position")}
        initial.update(role=user.role.value if user.role else None, region=user.region_id)
        super().__init__(*args, initial=initial, **kwargs)


class ServiceAccountForm(UserFieldsForm):
    """A system that will call the API: its name, and the role and region it acts with (the
    same choices as for a person, but no profile or e-mail)."""

    first_name = last_name = email = position = None
    name = forms.CharField(
        label=_("Name of the system"), max_length=150, help_text=_("For example: ERP Keuangan, Bank Mandiri H2H.")
    )
    field_order = ["name", "role", "region"]
    submit_label = _("Create the service account")
    grantable_roles = SERVICE_ROLES

"""Forms validate input only; the services decide and write."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from regions.forms import offer_regencies_of_one_province, province_field
from regions.models import Region
from tjsl.forms import RupiahField
from tjsl.params import id_or_none

from .models import Assessment, BusinessGroup, ExportMilestone, Partner
from .services import PARTNER_FIELDS, SimilarBusinessError, partner_similar_check
from .validators import clean_digits, normalise_phone, validate_nib, validate_nik, validate_npwp

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


def date_field(label, required=True) -> forms.DateField:
    return forms.DateField(label=capfirst(label), required=required, input_formats=DATE_INPUTS, widget=DateInput())


def _helper(submit_label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    return helper


# What each identifier looks like, shown under its field; typed on a numeric keyboard on phones.
IDENTIFIER_HINTS = {
    "owner_nik": _("16 digits, e.g. 1610015508850777"),
    "nib": _("13 digits, e.g. 9120001234567"),
    "npwp": _("15 or 16 digits, e.g. 092542943407000"),
    "kbli": _("5 digits (KBLI 2020), e.g. 32111"),
}


class PartnerForm(forms.ModelForm):
    province = province_field()
    joined_on = date_field(_("date joined"))
    confirm_similar = forms.BooleanField(
        label=_("I checked: this is a different business from the similar ones listed"), required=False
    )

    class Meta:
        model = Partner
        fields = PARTNER_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "products": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        order = list(self.fields)
        order.remove("province")
        order.insert(order.index("regency"), "province")
        self.order_fields(order)
        self.fields["regency"].queryset = Region.objects.regencies()
        offer_regencies_of_one_province(self, province="province", regency="regency", user=user)
        self.fields["regency"].widget.attrs["data-districts-url"] = reverse("partners:regency-districts")
        regency_id = id_or_none(self.data.get("regency") or getattr(self.instance, "regency_id", None))
        districts = Region.objects.districts()
        self.fields["district"].queryset = (
            districts.filter(parent_id=regency_id) if regency_id is not None else districts.none()
        )
        if self.instance.pk and self.instance.district_id:
            self.fields["district"].queryset = districts.filter(parent_id=self.instance.regency_id)
        self.fields["phone"].widget.attrs.update(placeholder="0812-3456-7890", inputmode="tel")
        for name, hint in IDENTIFIER_HINTS.items():
            self.fields[name].help_text = hint
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.similar = []
        if not self.data.get(self.add_prefix("confirm_similar")):
            self.fields.pop("confirm_similar")
        self.helper = _helper(_("Save"))

    def _identifier(self, name, validator):
        value = clean_digits(self.cleaned_data.get(name))
        if value:
            validator(value)
        return value

    def clean_owner_nik(self):
        return self._identifier("owner_nik", validate_nik)

    def clean_nib(self):
        return self._identifier("nib", validate_nib)

    def clean_npwp(self):
        return self._identifier("npwp", validate_npwp)

    def clean_kbli(self):
        kbli = clean_digits(self.cleaned_data.get("kbli"))
        if kbli and (len(kbli) != 5 or not kbli.isdigit()):
            raise ValidationError(_("A KBLI code has 5 digits."))
        return kbli

    def clean_phone(self):
        return normalise_phone(self.data.get(self.add_prefix("phone"), ""))

    def clean_joined_on(self):
        value = self.cleaned_data["joined_on"]
        if value and value > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."))
        return value

    def _post_clean(self):
        # The model's own validation runs in the service; here it would repeat the
        # checks with generic messages (e.g. for the unique NIK).
        pass

    def clean(self):
        data = super().clean()
        regency = data.get("regency")
        changed_name = not self.instance.pk or "business_name" in self.changed_data or "regency" in self.changed_data
        if regency and data.get("business_name") and changed_name:
            try:
                partner_similar_check(
                    business_name=data["business_name"],
                    regency_id=regency.pk,
                    exclude_pk=self.instance.pk,
                    confirmed=bool(data.get("confirm_similar")),
                )
            except SimilarBusinessError as exc:
                self.similar = exc.similar
                self.fields["confirm_similar"] = self.declared_fields["confirm_similar"]
                names = format_html_join(
                    ", ",
                    '<a href="{}">{}</a>',
                    ((reverse("partners:partner-detail", args=[p.pk]), p.business_name) for p in self.similar),
                )
                self.add_error(
                    "confirm_similar",
                    format_html("{} {}", _("Similar businesses are registered in this regency:"), names),
                )
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("confirm_similar", "province")}
        return {**data, "confirm_similar": bool(self.cleaned_data.get("confirm_similar"))}


class AssessmentForm(forms.ModelForm):
    assessed_on = date_field(_("date assessed"))

    class Meta:
        model = Assessment
        fields = [
            "assessed_on",
            "capital",
            "annual_sales",
            "workers",
            "market_local",
            "market_regional",
            "market_national",
            "market_export",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"capital": RupiahField, "annual_sales": RupiahField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("capital", "annual_sales"):
            self.fields[name].validators.append(MinValueValidator(0))
        self.helper = _helper(_("Record assessment"))

    def _post_clean(self):
        pass


class ExportMilestoneForm(forms.ModelForm):
    exported_on = date_field(_("date exported"))

    class Meta:
        model = ExportMilestone
        fields = ["destination_country", "exported_on", "value", "evidence", "evidence_note"]
        widgets = {"evidence_note": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"value": RupiahField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].validators.append(MinValueValidator(0))
        self.fields["value"].widget.attrs.update({"min": 0, "step": 1})
        self.helper = _helper(_("Record export"))

    def _post_clean(self):
        pass


class BusinessGroupForm(forms.ModelForm):
    class Meta:
        model = BusinessGroup
        fields = ["name", "regency", "leader", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = Region.objects.regencies().order_by("name")
        self.fields["regency"].label_from_instance = lambda r: f"{r.name} ({r.code})"
        if self.instance.pk:
            self.fields["leader"].queryset = self.instance.members_on(timezone.localdate())
        else:
            self.fields.pop("leader")
        self.helper = _helper(_("Save"))

    def _post_clean(self):
        pass


class MembershipAddForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.all(), widget=forms.HiddenInput)
    joined_on = date_field(_("date joined"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["partner"].queryset = Partner.objects.visible_to(user)


class MembershipEndForm(forms.Form):
    left_on = date_field(_("date left"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        self.helper = _helper(_("Check the file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload

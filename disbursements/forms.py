"""Forms for entering handovers; they only parse input, the services decide."""

import datetime
import re
import uuid
from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from partners.models import BusinessGroup, Partner
from programs.models import Program
from regions.forms import offer_regencies_of_one_province
from regions.models import Region
from tjsl.forms import MultipleFileField, MultipleFileInput, RupiahField
from tjsl.params import id_or_none
from tjsl.periods import validate_date

from .models import Disbursement, Item, Status
from .services import HEADER_FIELDS, PHOTO_MAX_BYTES, PHOTO_TYPES, ItemData, WitnessData

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
FILTER_DATE_INPUT = forms.DateInput(
    format="%d/%m/%Y",
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "class": "form-control form-control-sm"},
)


def visible_recipient(user, value: str):
    """The partner ('p:<id>') or group ('g:<id>') named by `value`, if the user may see it."""
    kind, _sep, pk = str(value).partition(":")
    if kind not in ("p", "g") or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    model = Partner if kind == "p" else BusinessGroup
    return model.objects.visible_to(user).filter(pk=int(pk)).first()


class HandoverForm(forms.ModelForm):
    """The header of a handover. The recipient is one field: 'p:<id>' or 'g:<id>'."""

    recipient = forms.CharField(
        label=_("Recipient"),
        required=False,
        widget=forms.HiddenInput,
        help_text=_("Search a business or a group by name."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    handed_on = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)
    place_province = forms.ModelChoiceField(
        label=_("Province of the place"), queryset=Region.objects.provinces(), required=False
    )

    class Meta:
        model = Disbursement
        fields = ["program", *HEADER_FIELDS]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_errors: list[str] = []  # a service's errors about the items, shown in the items table
        self.user = user
        self.fields["program"].queryset = Program.objects.visible_to(user).filter(
            company_id=user.company_id, status=Program.Status.AKTIF
        )
        self._offer_programs_of_the_date()
        self.fields["place_regency"].queryset = Region.objects.regencies()
        self.fields["place_regency"].required = False
        offer_regencies_of_one_province(self, province="place_province", regency="place_regency", user=user)
        instance = self.instance
        if instance.pk and instance.recipient is not None:
            self.initial["recipient"] = f"{'g' if instance.group_id else 'p'}:{instance.recipient.pk}"
        self.recipient_label = str(instance.recipient) if instance.pk and instance.recipient else ""
        if not self.is_bound and not instance.pk and self.initial.get("recipient"):
            # "New handover for this group/partner": chosen only if the user may see it.
            chosen = visible_recipient(user, self.initial["recipient"])
            self.initial["recipient"] = self.initial["recipient"] if chosen else ""
            self.recipient_label = str(chosen) if chosen else ""

    def _handover_day(self) -> datetime.date:
        """The date the handover will carry: the one typed, else the saved one, else today."""
        if self.is_bound:
            try:
                day = self.fields["handed_on"].to_python(self.data.get(self.add_prefix("handed_on")))
            except forms.ValidationError:
                day = None
        else:
            day = self.instance.handed_on
        return day or timezone.localdate()

    def _offer_programs_of_the_date(self) -> None:
        """Offer only the programs whose period covers the handover's date (a program whose period
        ended takes no handover); say so at the field when there is none."""
        field, day = self.fields["program"], self._handover_day()
        # Typing a date reloads these options (htmx), keeping the program chosen if it still fits.
        self.fields["handed_on"].widget.attrs.update(
            {
                "hx-get": reverse("disbursements:program-options"),
                "hx-trigger": "change",
                "hx-target": "#id_program",
                "hx-include": "#id_program",
            }
        )
        offered = field.queryset.filter(start_date__lte=day, end_date__gte=day)
        if self.instance.pk and self.instance.program_id:
            offered = offered | field.queryset.filter(pk=self.instance.program_id)
        field.choices = [("", field.empty_label), *((p.pk, str(p)) for p in offered.distinct())]
        # Always some help text: the options' reload replaces it (hx-swap-oob), so a warning about
        # today never stays beside the programs of the date typed.
        field.help_text = _("The programs running on the handover date.")
        if len(field.choices) == 1:
            field.help_text = _(
                "No active program of your company runs on %(date)s: a program whose period has ended "
                "or not yet begun takes no handover on that date."
            ) % {"date": date_format(day, "DATE_FORMAT")}

    def clean(self):
        data = super().clean()
        program, day = data.get("program"), data.get("handed_on")
        if program is not None and day is not None and not program.covers(day):
            self.add_error(
                "program",
                _("%(program)s runs from %(start)s to %(end)s and takes no handover dated %(date)s.")
                % {
                    "program": program,
                    "start": date_format(program.start_date, "DATE_FORMAT"),
                    "end": date_format(program.end_date, "DATE_FORMAT"),
                    "date": date_format(day, "DATE_FORMAT"),
                },
            )
        return data

    def clean_receiver_nik(self):
        nik = self.cleaned_data["receiver_nik"].strip()
        if nik and (len(nik) != 16 or not nik.isdigit()):
            raise forms.ValidationError(_("A NIK has 16 digits."))
        return nik

    def clean_recipient(self) -> dict:
        value = self.cleaned_data["recipient"]
        if not value:
            return {"partner": None, "group": None}
        kind, _sep, pk = value.partition(":")
        pk = id_or_none(pk)
        if pk is None or kind not in ("p", "g"):
            raise forms.ValidationError(_("Choose a recipient from the search results."))
        model = Partner if kind == "p" else BusinessGroup
        recipient = model.objects.visible_to(self.user).filter(pk=pk).first()
        if recipient is None:
            raise forms.ValidationError(_("Choose a recipient from the search results."))
        self.recipient_label = str(recipient)
        return {"partner": recipient if kind == "p" else None, "group": recipient if kind == "g" else None}

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "program"}
        data.update(self.cleaned_data["recipient"])
        return data


class ItemForm(forms.Form):
    # An empty first choice: a row nobody touched is no change, so it is not validated as an item.
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *Item.Kind.choices])
    description = forms.CharField(label=_("Description"), max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2, localize=True
    )
    unit = forms.CharField(label=_("Unit"), max_length=30)
    unit_value = RupiahField(label=_("Unit value (Rp)"), min_value=0, max_value=10**15, help_text=_("Whole rupiah."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name == "kind" else "form-control form-control-sm"
            field.widget.attrs["class"] = css
        self.fields["quantity"].widget.attrs["inputmode"] = "decimal"

    def as_item(self) -> ItemData:
        data = self.cleaned_data
        return ItemData(data["kind"], data["description"], data["quantity"], data["unit"], data["unit_value"])


class WitnessForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150)

    def as_witness(self) -> WitnessData:
        return WitnessData(self.cleaned_data["name"], self.cleaned_data["position"])


ItemFormSet = forms.formset_factory(ItemForm, extra=0, can_delete=True, max_num=100, validate_max=True)
NewItemFormSet = forms.formset_factory(ItemForm, extra=1, can_delete=True, max_num=100, validate_max=True)
WitnessFormSet = forms.formset_factory(WitnessForm, extra=0, can_delete=True, max_num=10, validate_max=True)


def formset_rows(formset, convert) -> list:
    return [convert(form) for form in formset.forms if form.has_changed() and not form.cleaned_data.get("DELETE")]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class HandOverForm(forms.Form):
    bast_scan = forms.FileField(label=_("Signed BAST scan (PDF, up to 20 MB)"))
    photos = MultipleFileField(
        label=_("Photos (JPEG, PNG or WebP, up to 10 MB each)"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        allowed=PHOTO_TYPES,
        max_bytes=PHOTO_MAX_BYTES,
    )


REGION_CODE = re.compile(r"[0-9]{2}(\.[0-9]{2}){0,2}")


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """`?programs=3,5,8`."""


class HandoverFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Number"),
        method="filter_search",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "HK/TJSL/2023/0001"}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    program = django_filters.ModelChoiceFilter(label=_("Program"), queryset=Program.objects.none())
    company = django_filters.NumberFilter(label=_("Company"), field_name="company_id", widget=forms.HiddenInput)
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Region.objects.provinces(), method="filter_province"
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), queryset=Region.objects.regencies(), method="filter_regency"
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="handed_on",
        lookup_expr="gte",
        widget=FILTER_DATE_INPUT,
        validators=[validate_date],
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="handed_on",
        lookup_expr="lte",
        widget=FILTER_DATE_INPUT,
        validators=[validate_date],
    )
    item_kind = django_filters.ChoiceFilter(label=_("Kind of item"), choices=Item.Kind.choices, method="filter_kind")
    # What a dashboard figure counts (its links carry these): hidden, kept when the visible filters change.
    counted = django_filters.BooleanFilter(method="filter_counted", widget=forms.HiddenInput)
    programs = NumberInFilter(field_name="program_id", widget=forms.HiddenInput)
    region = django_filters.CharFilter(method="filter_region", widget=forms.HiddenInput)
    sector = django_filters.CharFilter(field_name="partner__sector", widget=forms.HiddenInput)

    class Meta:
        model = Disbursement
        fields = [
            "q",
            "status",
            "program",
            "company",
            "province",
            "regency",
            "date_from",
            "date_to",
            "item_kind",
            "counted",
            "programs",
            "region",
            "sector",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.visible_to(user).select_related("company")
        # Offer only regions inside the user's scope, and regencies of one province at a time:
        # 514 options on every page view cost more than the query behind the list.
        scope_code = user.region.code if user.region_id else None
        provinces = Region.objects.provinces()
        if scope_code:
            provinces = provinces.filter(code=scope_code[:2])
        self.filters["province"].queryset = provinces
        province_pk = (self.data or {}).get("province")
        regencies = Region.objects.regencies()
        if scope_code:
            regencies = regencies.within(Region(code=scope_code[:5] if len(scope_code) >= 5 else scope_code))
        elif id_or_none(province_pk) is not None:
            regencies = regencies.filter(parent_id=id_or_none(province_pk))
        else:
            regencies = regencies.none()
        self.filters["regency"].queryset = regencies
        for name in ("status", "program", "province", "regency", "item_kind"):
            self.filters[name].extra.setdefault("widget", forms.Select(attrs={"class": "form-select form-select-sm"}))

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_province(self, queryset, name, value):
        return queryset.filter(province_code=value.code)

    def filter_regency(self, queryset, name, value):
        return queryset.filter(regency_code=value.code)

    def filter_counted(self, queryset, name, value):
        """The handovers the dashboard counts: from approval on, less those an approved reversal undoes."""
        if not value:
            return queryset
        reversed_ids = Disbursement.objects.committed().filter(kind=Disbursement.Kind.REVERSAL).values("reverses_id")
        return queryset.committed().filter(kind=Disbursement.Kind.HANDOVER).exclude(pk__in=reversed_ids)

    def filter_region(self, queryset, name, value):
        return queryset.in_region_code(value) if REGION_CODE.fullmatch(value) else queryset.none()

    def filter_kind(self, queryset, name, value):
        return queryset.filter(Exists(Item.objects.filter(disbursement=OuterRef("pk"), kind=value)))


class AllocationForm(forms.Form):
    """One whole-rupiah amount per member of the group on the handover date (`amount_<id>`),
    starting from what is saved, else the equal split."""

    def __init__(self, *args, members, amounts: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"amount_{member.pk}"] = RupiahField(
                label=member.business_name, min_value=0, max_value=10**15, initial=amounts.get(member.pk, 0)
            )
            self.fields[f"amount_{member.pk}"].widget.attrs["class"] = "form-control form-control-sm text-end"

    def amounts(self) -> dict[int, int]:
        return {member.pk: self.cleaned_data[f"amount_{member.pk}"] for member in self.members}

    def rows(self):
        return [(member, self[f"amount_{member.pk}"]) for member in self.members]

    @property
    def other_total(self) -> int:
        """What the members the editor may not see receive (set by the view)."""
        return sum(getattr(self, "other_amounts", {}).values())

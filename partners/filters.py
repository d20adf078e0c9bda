"""Search, filters and sorting of the partner list (django-filter)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from regions.models import Region
from tjsl.params import id_or_none

from . import links
from .models import BusinessGroup, Membership, Partner, Sector, SizeClass
from .selectors import Support

YES_NO = [("1", _("Yes")), ("0", _("No"))]


def _programs(request):
    programs = links.programs_visible_to(request.user) if request is not None else None
    return [] if programs is None else programs.order_by("name")


def _groups(request):
    if request is None:
        return BusinessGroup.objects.none()
    return BusinessGroup.objects.visible_to(request.user).only("id", "name").order_by("name")


def _regencies(request):
    """Regencies of the chosen province (or of the user's region): a short list, quick to render."""
    qs = Region.objects.regencies().only("id", "name", "code")
    if request is None:
        return qs
    province = id_or_none(request.GET.get("province"))
    if request.user.region_id:
        qs = qs.within(request.user.region)
    if province is not None:
        return qs.filter(parent_id=province)
    if request.user.region_id and request.user.region.level == Region.Level.REGENCY:
        return qs
    if id_or_none(request.GET.get("regency")) is not None:
        return qs.filter(pk=id_or_none(request.GET["regency"]))
    return qs.none()


def _provinces(request):
    qs = Region.objects.provinces().only("id", "name", "code")
    if request is not None and request.user.region_id:
        qs = qs.filter(code=request.user.region.code[:2])
    return qs


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label=_("Search"), help_text=_("Business, owner, NIB or the last 4 digits of the NIK")
    )
    province = django_filters.ModelChoiceFilter(
        queryset=_provinces, method="filter_province", label=_("Province"), empty_label=_("All provinces")
    )
    regency = django_filters.ModelChoiceFilter(queryset=_regencies, label=_("Regency/city"), empty_label=_("All"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("Sector"), empty_label=_("All"))
    size_class = django_filters.ChoiceFilter(
        field_name="current_class", choices=SizeClass.choices, label=_("Class"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(choices=Partner.Status.choices, label=_("Status"), empty_label=_("All"))
    group = django_filters.ModelChoiceFilter(
        queryset=_groups, method="filter_group", label=_("Business group"), empty_label=_("All")
    )
    program = django_filters.ModelChoiceFilter(
        queryset=_programs, method="filter_program", label=_("Program"), empty_label=_("All")
    )
    naik_kelas = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_naik_kelas", label=_("Moved up a class"), empty_label=_("All")
    )
    export = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_export", label=_("Reached export"), empty_label=_("All")
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("business_name", "name"),
            ("joined_on", "joined"),
            ("current_class", "class"),
            ("region_code", "region"),
        ),
        field_labels={
            "business_name": _("Name"),
            "joined_on": _("Date joined"),
            "current_class": _("Class"),
            "region_code": _("Region"),
        },
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Partner
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value, user=getattr(self.request, "user", None))

    def filter_province(self, queryset, name, value):
        return queryset.filter(region_code__startswith=value.code + ".")

    def filter_group(self, queryset, name, value):
        return queryset.filter(Exists(Membership.objects.filter(group=value, partner=OuterRef("pk"))))

    def filter_program(self, queryset, name, value):
        return queryset.filter(enrollments__program=value)  # one enrolment per program and partner

    def filter_naik_kelas(self, queryset, name, value):
        moved = queryset.naik_kelas()
        return moved if value == "1" else queryset.exclude(pk__in=moved.values("pk"))

    def filter_export(self, queryset, name, value):
        return queryset.filter(has_export=value == "1")

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("sort"):
            qs = qs.order_by("business_name", "pk")
        if self.form.cleaned_data.get("q"):
            # Sort the rows found through the trigram indexes, rather than let PostgreSQL
            # walk the whole name index and filter: its estimate of LIKE '%…%' is poor.
            qs = qs.order_by(*(_unindexed(o) for o in qs.query.order_by), "pk")
        return qs


def _unindexed(ordering):
    if ordering in ("business_name", "-business_name"):
        expression = Upper("business_name")
        return expression.desc() if ordering.startswith("-") else expression.asc()
    return ordering


def filter_form_widgets(form: forms.Form) -> None:
    """Bootstrap classes; selects other than the province refresh the results through htmx."""
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.Select):
            css = "form-select form-select-sm" + ("" if name == "province" else " partners-live")
        else:
            css = "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)
    form.fields["regency"].help_text = _("Choose a province first.")


class SupportForm(forms.Form):
    """`?supported=received|reached&supported_from=…&supported_to=…` (and optionally a company,
    programs and a region): the partners or groups a dashboard figure counts. Hidden on the page,
    where a sentence says what the list is narrowed to."""

    supported = forms.ChoiceField(
        required=False,
        choices=[
            ("received", _("received a handover")),
            ("reached", _("received a handover or took part in an activity")),
        ],
    )
    supported_from = forms.DateField(required=False, input_formats=["%d/%m/%Y"])
    supported_to = forms.DateField(required=False, input_formats=["%d/%m/%Y"])
    supported_company = forms.IntegerField(required=False, min_value=1)
    supported_program = forms.RegexField(required=False, regex=r"^[0-9]{1,12}(,[0-9]{1,12}){0,500}$")
    supported_region = forms.RegexField(required=False, regex=r"^[0-9]{2}(\.[0-9]{2}){0,2}$")

    def support(self) -> Support | None:
        """The period's support asked for, or None (the list unnarrowed) without a valid period."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        if not (data["supported_from"] and data["supported_to"]):
            return None
        programs = data["supported_program"]
        return Support(
            start=data["supported_from"],
            end=data["supported_to"],
            reached=data["supported"] == "reached",
            company_id=data["supported_company"],
            program_ids=tuple(int(p) for p in programs.split(",")) if programs else None,
            region_code=data["supported_region"] or None,
        )

    def hidden_params(self) -> list[tuple[str, str]]:
        """The parameters to keep when the list's own filters are submitted."""
        return [(name, self.data[name]) for name in self.fields if self.data.get(name)]

    def description(self) -> str:
        support = self.support()
        if support is None:
            return ""
        return _("Only those who %(what)s from %(start)s to %(end)s, as the dashboard counts them.") % {
            "what": dict(self.fields["supported"].choices).get(self.cleaned_data["supported"] or "received"),
            "start": f"{support.start:%d/%m/%Y}",
            "end": f"{support.end:%d/%m/%Y}",
        }

"""Filters of the program list: pillar, SDG, form of support, status, year, region."""

import django_filters
from django.utils.translation import gettext_lazy as _

from regions.models import Region
from tjsl.periods import validate_year

from .models import Pillar, Program, Sdg


class RegionFilterField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = RegionFilterField


class ProgramFilter(django_filters.FilterSet):
    pillar = django_filters.ChoiceFilter(choices=Pillar.choices, label=_("Pillar"))
    sdg = django_filters.ModelChoiceFilter(field_name="sdgs", queryset=Sdg.objects.all(), label=_("SDG"), distinct=True)
    support_form = django_filters.ChoiceFilter(choices=Program.SupportForm.choices, label=_("Form of support"))
    status = django_filters.ChoiceFilter(choices=Program.Status.choices, label=_("Status"))
    year = django_filters.NumberFilter(method="filter_year", label=_("Year"), validators=[validate_year])
    region = RegionFilter(queryset=Region.objects.filter(level__in=[1, 2]), method="filter_region", label=_("Region"))

    class Meta:
        model = Program
        fields = ["pillar", "sdg", "support_form", "status", "year", "region"]

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value)) if value else queryset

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Program.objects.present_in_region_code(value.code).values("pk"))

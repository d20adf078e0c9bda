"""Regions (Kemendagri codes) in the API: read-only reference data, looked up by code."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tjsl.api import FilterSet, ScopedReadOnlyViewSet

from .models import Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent"]


class RegionFilter(FilterSet):
    level = django_filters.TypedChoiceFilter(choices=Region.Level.choices, coerce=int, label=_("level"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("code of the parent region"))
    within = django_filters.CharFilter(method="filter_within", label=_("code of a region: it and everything below"))

    class Meta:
        model = Region
        fields = ["level", "parent", "within"]

    def filter_within(self, queryset, name, value):
        return queryset.within(Region(code=value))


class RegionViewSet(ScopedReadOnlyViewSet):
    """Provinces, regencies/cities and districts. `search` looks in names and codes."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_class = RegionFilter
    search_fields = ["name", "=code"]
    ordering_fields = ["code", "name", "level"]
    ordering = "code"


def register(router) -> None:
    router.register("regions", RegionViewSet, basename="region")

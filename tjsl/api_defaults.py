"""Defaults of the REST API that settings.REST_FRAMEWORK names: permission, throttles, filters.

They live apart from tjsl/api.py because DRF imports them while it is itself
being imported, so this module must not import DRF's views.
"""

import datetime
from typing import NamedTuple

import django_filters.fields
import django_filters.rest_framework
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters, permissions, throttling
from rest_framework.settings import api_settings


# --- Permissions ---------------------------------------------------------------------
class RolePermission(permissions.DjangoModelPermissions):
    """The roles of accounts/roles.py: reading needs `view_<model>`, writing add/change/delete."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


# --- Throttling (pagination and ordering: tjsl/api_paging.py) ---------------------------
class RateLimit(NamedTuple):
    limit: int
    remaining: int
    reset: int  # seconds until a request is counted no more


class _SettingsRate:
    """Read the rate when the request comes, so that settings overrides apply; note on the
    request how much of the tightest limit is left, for the RateLimit-* headers
    (tjsl.middleware.RateLimitHeadersMiddleware)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "rate", None) and hasattr(self, "history"):
            remaining = max(self.num_requests - len(self.history), 0)
            oldest = self.history[-1] if self.history else self.now
            state = RateLimit(self.num_requests, remaining, max(int(self.duration - (self.now - oldest) + 0.999), 0))
            current = getattr(request._request, "rate_limit", None)
            if current is None or state.remaining < current.remaining:
                request._request.rate_limit = state
        return allowed


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    pass


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    pass


class ScopedThrottle(_SettingsRate, throttling.ScopedRateThrottle):
    """Applies to views with a `throttle_scope`, with the rate of that name in settings."""


# --- Filtering: invalid filter values are refused, not ignored --------------------------
class StrictBooleanField(forms.NullBooleanField):
    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id, a year, an SDG): `?year=2023.5` is a 400, not a filter on 2023.5."""

    field_class = forms.IntegerField


class IsoDateFilter(django_filters.DateFilter):
    """A date in ISO 8601 only (2023-11-09): `01/02/2023` could be either month, so it is a 400."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 with any offset Python reads (up to 23:59), handed on in UTC, which the
    database stores: PostgreSQL takes offsets only up to 15:59."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """A moment in ISO 8601 with its offset (2024-01-15T08:00:00+07:00 or ...Z)."""

    field_class = UtcIsoDateTimeField


# Query filters that take the id of another resource (the schema bounds them too).
ID_FILTERS = {"company", "group", "partner", "program", "activity"}


class FilterSet(django_filters.rest_framework.FilterSet):
    """Base of the API's filter sets: a value the filter cannot use is a 400, never silently
    no filter: `?flag=maybe`, `?partner=` (empty), `?program=1.5`, an id beyond any the database
    holds, a date that is not ISO 8601."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.NullBooleanField: {"filter_class": StrictBooleanFilter},
        models.DateField: {"filter_class": IsoDateFilter},
        models.DateTimeField: {"filter_class": IsoDateTimeFilter},
    }

    @classmethod
    def get_filters(cls):
        """Every list of a model that keeps `updated_at` takes `?updated_since=` (ISO 8601),
        the records changed at or after that moment: what another system needs to stay in sync."""
        filters = super().get_filters()
        model = cls._meta.model
        keeps_changes = model is not None and any(field.name == "updated_at" for field in model._meta.get_fields())
        if keeps_changes and "updated_since" not in filters:
            filters["updated_since"] = IsoDateTimeFilter(
                field_name="updated_at",
                lookup_expr="gte",
                label=_("changed at or after (ISO 8601 with offset, e.g. 2024-01-15T08:00:00+07:00)"),
            )
        return filters

    def is_valid(self):
        valid = super().is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        for name, filter_ in self.filters.items():
            if self.data.get(name) == "" and not isinstance(filter_, django_filters.CharFilter):
                self.form.add_error(name, _("Enter a value or leave the parameter out."))
                valid = False
            value = cleaned.get(name)
            if isinstance(filter_, django_filters.NumberFilter) and value is not None and abs(value) >= 2**63:
                # Larger than any id or count the database holds.
                self.form.add_error(name, _("This number is out of range."))
                valid = False
            elif name in ID_FILTERS and value is not None and (value != int(value) or value < 1):
                self.form.add_error(name, _("Enter the id of a record: a whole number from 1."))
                valid = False
        return valid


class SearchFilter(filters.SearchFilter):
    """`?search=` where the view names `search_fields`; elsewhere neither taken nor documented."""

    def get_schema_operation_parameters(self, view):
        return super().get_schema_operation_parameters(view) if getattr(view, "search_fields", None) else []


def refuse_unknown_parameters(request, known: set[str]) -> None:
    """A 400 naming every query parameter the endpoint does not take."""
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise exceptions.ValidationError(
            {name: [_("Unknown parameter: this list does not take it.")] for name in unknown},
            code="unknown_parameter",
        )


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """The filters of a view's `filterset_class`; a list also refuses query parameters it does
    not know (a misspelt `?updated_snice=` would otherwise return everything)."""

    filterset_base = FilterSet

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "list":
            refuse_unknown_parameters(request, self.known_parameters(request, queryset, view))
        return super().filter_queryset(request, queryset, view)

    def known_parameters(self, request, queryset, view) -> set[str]:
        known = {"format"}
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        for backend in getattr(view, "filter_backends", ()):
            if hasattr(backend, "search_param") and getattr(view, "search_fields", None):
                known.add(backend.search_param)
            if hasattr(backend, "ordering_param"):
                known.add(backend.ordering_param)
        paginator = getattr(view, "paginator", None)
        for attribute in ("cursor_query_param", "page_size_query_param", "count_query_param"):
            if getattr(paginator, attribute, None):
                known.add(getattr(paginator, attribute))
        return known

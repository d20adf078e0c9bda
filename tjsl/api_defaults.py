"""Defaults of the REST API that settings.REST_FRAMEWORK names: permission, throttles, filters.

They live apart from tjsl/api.py because DRF imports them while it is itself
being imported, so this module must not import DRF's views.
"""

import django_filters.rest_framework
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, throttling
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
class _SettingsRate:
    """Read the rate when the request comes, so that settings overrides apply."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


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


class FilterSet(django_filters.rest_framework.FilterSet):
    """Base of the API's filter sets: `?flag=maybe` is a 400, not silently no filter."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.NullBooleanField: {"filter_class": StrictBooleanFilter},
    }


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    filterset_base = FilterSet

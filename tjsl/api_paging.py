"""Keyset (cursor) paging for the API's lists, and the `?ordering=` that feeds it.

DRF's own CursorPagination keeps only the first ordering field in its cursor and
counts the rows that tie on it; it breaks on empty (NULL) values and, with an order
that is not unique, a row can fall between two pages. Here every ordering ends in
the primary key, the cursor holds the last row's value of every ordering field, and
the next page starts strictly after that row: each row comes exactly once, whatever
the order, however many rows tie, and empty values sort last in both directions.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, filters, pagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

# `?count=true` counts the matching records exactly up to this many.
COUNT_CAP = 10_000


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=name,-joined_on` on the view's `ordering_fields`; any other value is a 400
    that names it (DRF ignores it silently). The primary key always ends the order."""

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        param = request.query_params.get(self.ordering_param)
        if param is None:
            ordering = self.get_default_ordering(view) or ("-pk",)
        else:
            terms = [term.strip() for term in param.split(",") if term.strip()]
            valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [term for term in terms if term.lstrip("-") not in valid]
            if unknown or not terms:
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            _("Unknown ordering: %(unknown)s. Order by one of: %(valid)s, with - for descending.")
                            % {"unknown": ", ".join(unknown) or '""', "valid": ", ".join(sorted(valid))}
                        ]
                    },
                    code="invalid_ordering",
                )
            ordering = terms
        return with_tie_breaker(ordering)

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        return queryset.order_by(*order_expressions(ordering, model=queryset.model))

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        for parameter in parameters:
            if fields and parameter["name"] == self.ordering_param:
                parameter["description"] = str(
                    _("Comma-separated, - for descending, from: %(fields)s. The id always settles ties.")
                    % {"fields": ", ".join(fields)}
                )
        return parameters


def with_tie_breaker(ordering: Sequence[str]) -> tuple[str, ...]:
    ordering = tuple("pk" if term == "id" else "-pk" if term == "-id" else term for term in ordering)
    if not any(term.lstrip("-") == "pk" for term in ordering):
        ordering += ("-pk",) if ordering[0].startswith("-") else ("pk",)
    return ordering


def _nullable(model, name: str) -> bool:
    if model is None:
        return True
    if name == "pk":
        return False
    try:
        return model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True


def order_expressions(ordering: Sequence[str], *, reverse: bool = False, model=None) -> list:
    """`order_by()` terms with empty values last; `reverse` walks the same order backwards.
    A field that cannot be empty gets a plain ASC/DESC, which its index serves in both
    directions (`DESC NULLS LAST` would need an index of its own)."""
    expressions = []
    for term in ordering:
        descending = term.startswith("-") != reverse
        field = F(term.lstrip("-"))
        if not _nullable(model, term.lstrip("-")):
            expressions.append(field.desc() if descending else field.asc())
        elif reverse:
            expressions.append(field.desc(nulls_first=True) if descending else field.asc(nulls_first=True))
        else:
            expressions.append(field.desc(nulls_last=True) if descending else field.asc(nulls_last=True))
    return expressions


def after(ordering: Sequence[str], values: Sequence, *, reverse: bool = False, model=None) -> Q:
    """The rows that come strictly after the row with `values` in `ordering` (before it when
    `reverse`): the lexicographic comparison, field by field, with empty values last. Only a
    field that can be empty gets the IS NULL terms, so that an index range scan serves the rest."""
    condition = Q(pk__in=[])  # matches nothing
    equal_so_far = Q()
    for term, value in zip(ordering, values, strict=True):
        name = term.lstrip("-")
        descending = term.startswith("-") != reverse
        if value is None:
            # Empty values are last going forwards, first going backwards.
            later = Q(**{f"{name}__isnull": False}) if reverse else Q(pk__in=[])
            same = Q(**{f"{name}__isnull": True})
        else:
            later = Q(**{f"{name}__lt" if descending else f"{name}__gt": value})
            if not reverse and _nullable(model, name):
                later |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition |= equal_so_far & later
        equal_so_far &= same
    return condition


@dataclass(frozen=True)
class Cursor:
    ordering: tuple[str, ...]
    values: tuple
    reverse: bool

    def encode(self) -> str:
        raw = json.dumps({"o": self.ordering, "v": self.values, "r": self.reverse}, default=str)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


class CursorPagination(pagination.BasePagination):
    """Stable pages over changing data: `?page_size=` up to 200, `?count=true` for a count,
    `next`/`previous` links that carry the cursor. The view's `ordering` is the default order."""

    cursor_query_param = "cursor"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    count_query_param = "count"
    ordering = ("-pk",)
    invalid_cursor_message = _("Invalid cursor: start again from the first page.")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        want_count = self._want_count(request)
        self.count = None
        if want_count:
            self.count = queryset.order_by()[: COUNT_CAP + 1].count()
        cursor = self.decode_cursor(request, queryset.model)
        reverse = bool(cursor and cursor.reverse)
        model = queryset.model
        queryset = queryset.order_by(*order_expressions(self.ordering, reverse=reverse, model=model))
        if cursor is not None:
            queryset = queryset.filter(after(self.ordering, cursor.values, reverse=reverse, model=model))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        page = rows[: self.page_size]
        if reverse:
            page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.page = page
        return page

    def _want_count(self, request) -> bool:
        value = request.query_params.get(self.count_query_param)
        if value in (None, "false", "0"):
            return False
        if value in ("true", "1"):
            return True
        raise exceptions.ValidationError({self.count_query_param: [_("Enter true or false.")]})

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isdecimal() and int(value) >= 1):
            raise exceptions.ValidationError({self.page_size_query_param: [_("Enter a whole number from 1.")]})
        return min(int(value), self.max_page_size)

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        for backend in getattr(view, "filter_backends", []):
            if issubclass(backend, OrderingFilter):
                return backend().get_ordering(request, queryset, view)
        return with_tie_breaker(getattr(view, "ordering", None) or self.ordering)

    # --- Cursors -----------------------------------------------------------------------
    def decode_cursor(self, request, model) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
            ordering, values, reverse = tuple(data["o"]), tuple(data["v"]), data["r"]
            if ordering != self.ordering or len(values) != len(ordering) or not isinstance(reverse, bool):
                raise ValueError("cursor of another ordering")
            clean = tuple(self._clean(model, term, value) for term, value in zip(ordering, values, strict=True))
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError, DjangoValidationError):
            raise exceptions.ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}, code="invalid_cursor"
            ) from None
        return Cursor(ordering, clean, reverse)

    @staticmethod
    def _clean(model, term: str, value):
        name = term.lstrip("-")
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ValueError(name) from None
        if value is None:
            if not field.null:
                raise ValueError(name)
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise ValueError(name)
        return field.to_python(value)

    def _cursor_of(self, row, *, reverse: bool) -> str:
        values = tuple(getattr(row, "pk" if term.lstrip("-") == "pk" else term.lstrip("-")) for term in self.ordering)
        return Cursor(self.ordering, values, reverse).encode()

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return replace_query_param(
            self.base_url, self.cursor_query_param, self._cursor_of(self.page[-1], reverse=False)
        )

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return replace_query_param(self.base_url, self.cursor_query_param, self._cursor_of(self.page[0], reverse=True))

    # --- Response and schema ------------------------------------------------------------
    def get_paginated_response(self, data):
        body = {"next": self.get_next_link(), "previous": self.get_previous_link()}
        if self.count is not None:
            body["count"] = min(self.count, COUNT_CAP)
            body["count_capped"] = self.count > COUNT_CAP
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": f"With ?count=true: the matching records, exact up to {COUNT_CAP}.",
                },
                "count_capped": {
                    "type": "boolean",
                    "description": f"With ?count=true: whether there are more than {COUNT_CAP}.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Where the page starts: take it from the `next` or `previous` link.")),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Results per page: %(default)d unless given, at most %(max)d.")
                    % {"default": self.page_size, "max": self.max_page_size}
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("true: add the number of matching records (exact up to %(cap)d).") % {"cap": COUNT_CAP}
                ),
                "schema": {"type": "boolean"},
            },
        ]

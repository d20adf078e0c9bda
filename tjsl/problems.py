"""API errors as problem details (RFC 9457, `application/problem+json`).

One shape for every error of `/api/v1/`: validation, rule, conflict, permission, not found,
throttling and server errors alike::

    {"type": "about:blank", "title": "Invalid request", "status": 400, "code": "invalid",
     "detail": "2 problems in the request; see errors.",
     "errors": [{"field": "owner_nik", "code": "invalid_nik", "message": "..."},
                {"field": "items[0].quantity", "code": "required", "message": "..."}]}

`field` is null for an error of the request as a whole. Messages are plain text in the
caller's language; a link a message points to is given in `link`, never as HTML.
"""

import html
import re
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.settings import api_settings

MEDIA_TYPE = "application/problem+json"
NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}
_HREF = re.compile(r'href="([^"]+)"')


def title(status: int) -> str:
    titles = {
        400: _("Invalid request"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict with the current state"),
        412: _("Precondition failed"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("The request breaks a rule"),
        429: _("Too many requests"),
        500: _("Server error"),
        503: _("Service unavailable"),
    }
    return titles.get(status) or HTTPStatus(status).phrase


def plain(message: str) -> tuple[str, str | None]:
    """A message as plain text, and the first link it held (if any)."""
    text = str(message)
    link = _HREF.search(text)
    return html.unescape(strip_tags(text)), (html.unescape(link.group(1)) if link else None)


def error(field: str | None, code: str, message: str) -> dict:
    text, link = plain(message)
    entry = {"field": field, "code": code or "invalid", "message": text}
    if link:
        entry["link"] = link
    return entry


def flatten(detail, field: str | None = None) -> list[dict]:
    """DRF's nested error detail (dicts of lists of `ErrorDetail`, with codes) as a flat list;
    nested fields are named as a path: `items[0].quantity`."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            if isinstance(key, int):  # a list serializer's errors, by the row's index
                name = f"{field}[{key}]" if field else f"[{key}]"
            elif key in NON_FIELD_KEYS:
                name = field
            else:
                name = f"{field}.{key}" if field else str(key)
            errors += flatten(value, name)
        return errors
    if isinstance(detail, list):
        errors = []
        for index, value in enumerate(detail):
            if isinstance(value, dict):
                errors += flatten(value, f"{field}[{index}]" if field else f"[{index}]")
            else:
                errors += flatten(value, field)
        return errors
    return [error(field, getattr(detail, "code", "invalid"), detail)]


def problem(status: int, *, code: str, detail: str, errors: list[dict] | None = None, **extra) -> dict:
    body = {"type": "about:blank", "title": title(status), "status": status, "code": code}
    body["detail"], link = plain(detail)
    if link:
        body["link"] = link
    if errors is not None:
        body["errors"] = errors
    return {**body, **extra}


def validation_problem(status: int, errors: list[dict], *, code: str = "invalid") -> dict:
    if len(errors) == 1:
        detail = errors[0]["message"]
        code = errors[0]["code"] if status != 400 else code
    else:
        detail = ngettext(
            "%(count)d problem in the request; see errors.",
            "%(count)d problems in the request; see errors.",
            len(errors),
        ) % {"count": len(errors)}
    return problem(status, code=code, detail=detail, errors=errors)


def denied(message: str, *, code: str) -> PermissionDenied:
    """A PermissionDenied that carries a machine code for the API (`self_approval`...)."""
    exception = PermissionDenied(message)
    exception.code = code
    return exception

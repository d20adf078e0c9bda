"""Conditional requests of the API: `ETag` on what it reads, `If-None-Match` (304) so that a
client polling a list or a record downloads it only when it changed, and `If-Match` on
PATCH, PUT and DELETE (412 when the record changed since the client read it), so that two
systems writing the same record cannot overwrite each other's change unseen.

The tag is a digest of the representation itself, so it changes with anything the reader
sees (a handover's items and allocations as much as its own fields), and is the same for
the same record in the same language, whichever server process answers.
"""

import hashlib
import json

from django.db import transaction
from django.http import HttpResponseNotModified
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

WRITES = {"PUT", "PATCH", "DELETE"}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it: read it again, then repeat your change.")
    default_code = "precondition_failed"


def etag_of(data) -> str:
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'


def _matches(header: str, etag: str) -> bool:
    """Whether an If-Match / If-None-Match header names this tag. The comparison ignores
    weakness: compressed responses carry the same tag as W/"..." and it stays valid."""
    tags = parse_etags(header)
    return "*" in tags or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in tags}


class ConditionalRequestsMixin:
    """For API viewsets: tags every successful GET, answers 304 to a matching If-None-Match,
    and checks If-Match before a write, with the record locked until the write is done."""

    def _conditional_write(self) -> bool:
        return self.request.method in WRITES and "If-Match" in self.request.headers

    def dispatch(self, request, *args, **kwargs):
        if request.method in WRITES and "HTTP_IF_MATCH" in request.META:
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        instance = super().get_object()
        if self._conditional_write():
            # Lock the row, then read it again: a write committed meanwhile shows in the tag.
            list(type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("pk"))
            instance = super().get_object()
            if not _matches(self.request.headers["If-Match"], self.current_etag(instance)):
                raise PreconditionFailed()
        return instance

    def current_etag(self, instance) -> str:
        """The tag a GET of this record answers now."""
        action = self.action
        self.action = "retrieve"
        try:
            return etag_of(self.get_serializer(instance).data)
        finally:
            self.action = action

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and getattr(response, "data", None):
            etag = etag_of(response.data)
            response["ETag"] = etag
            if _matches(request.headers.get("If-None-Match", ""), etag):
                not_modified = HttpResponseNotModified()
                for header in ("ETag", "Vary", "Cache-Control"):
                    if header in response:
                        not_modified[header] = response[header]
                return not_modified
        return response

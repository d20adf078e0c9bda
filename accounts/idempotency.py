"""Creating API requests made safe to retry with an `Idempotency-Key` header.

The outcome is stored per user in `IdempotencyRecord`, so this lives with the accounts; the
API base (`tjsl.api`) sits below every app and knows no user model (docs/architecture.md).
"""

import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from tjsl.api import InvalidHeader, UnprocessableRequest
from tjsl.api_schema import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN, REPLAYED_HEADER

from .models import IdempotencyRecord

IDEMPOTENCY_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


class IdempotentCreateMixin:
    """Makes `create()` safe to retry with an `Idempotency-Key` header.

    The first request's response is stored with the key (per user) in the same
    transaction as what it created; a retry with the same key and body gets that
    response again with `Idempotent-Replayed: true` and creates nothing; the same
    key with another body or endpoint is refused with 422. A concurrent duplicate
    waits on the unique (user, key) index and then replays. Fields named in
    `idempotency_secret_fields` (such as a token's secret) are never stored and
    come back as null on a replay.
    """

    idempotent_create = True  # read by the schema generator
    idempotency_secret_fields: tuple[str, ...] = ()

    def create(self, request, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            return super().create(request, *args, **kwargs)
        if not IDEMPOTENCY_KEY_RE.match(key):
            raise InvalidHeader(_("The Idempotency-Key header must have 1 to 255 visible ASCII characters."))
        return self._idempotent_create(request, key, _fingerprint(request), *args, **kwargs)

    def _idempotent_create(self, request, key, fingerprint, *args, **kwargs):
        try:
            with transaction.atomic():
                # A key past its retention is forgotten, as the daily clean-up would have done.
                IdempotencyRecord.objects.expired().filter(user=request.user, key=key).delete()
                record = self._stored_record(request, key)
                if record is not None:
                    return self._replay(record, fingerprint)
                response = super().create(request, *args, **kwargs)
                self._store(request, key, fingerprint, response)
        except _KeyTaken:
            # A concurrent request with this key committed first; ours was rolled back: answer with theirs.
            return self._replay(self._stored_record(request, key), fingerprint)
        return response

    def _store(self, request, key, fingerprint, response) -> None:
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    user=request.user,
                    key=key,
                    request_method=request.method,
                    request_path=request.path[:500],
                    fingerprint=fingerprint,
                    response_status=response.status_code,
                    response_body=self._storable(response.data),
                )
        except IntegrityError:
            raise _KeyTaken from None

    @staticmethod
    def _stored_record(request, key):
        return IdempotencyRecord.objects.filter(user=request.user, key=key).first()

    def _storable(self, data):
        if isinstance(data, dict):
            return {name: (None if name in self.idempotency_secret_fields else value) for name, value in data.items()}
        return data

    def _replay(self, record, fingerprint) -> Response:
        if record.fingerprint != fingerprint:
            raise UnprocessableRequest(
                _(
                    "This Idempotency-Key was already used for a different request. "
                    "Send a new key for a new request, or repeat the original request unchanged."
                )
            )
        headers = {REPLAYED_HEADER: "true"}
        if record.response_status == 201 and hasattr(self, "get_success_headers"):
            headers.update(self.get_success_headers(record.response_body))  # the same Location again
        return Response(record.response_body, status=record.response_status, headers=headers)


class _KeyTaken(Exception):
    pass

"""The OpenAPI schema generator of the API (settings: DEFAULT_SCHEMA_CLASS).

drf-spectacular describes what serializers return; this adds what every
endpoint here also answers: errors, throttling and the idempotency header.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.hooks import postprocess_schema_enums
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .api_defaults import ID_FILTERS
from .api_examples import add_examples

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,255}$"
REPLAYED_HEADER = "Idempotent-Replayed"


class ProblemErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text=_("The field, as a path (items[0].quantity); null: the request.")
    )
    code = serializers.CharField(help_text=_("A stable machine code: required, invalid_nik, duplicate_nik..."))
    message = serializers.CharField(help_text=_("Plain text in the caller's language."))
    link = serializers.CharField(required=False, help_text=_("A page the message refers to."))


class ProblemSerializer(serializers.Serializer):
    """An error as problem details (RFC 9457), served as application/problem+json."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)
    link = serializers.CharField(required=False)
    retry_after = serializers.IntegerField(required=False, help_text=_("Seconds to wait (429)."))


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema plus what every endpoint here really answers:
    errors (401, 403, 404, 429, 400 for invalid input) and the idempotency header."""

    SUMMARIES = {
        "list": _("List %(plural)s"),
        "retrieve": _("Read %(singular)s"),
        "create": _("Create %(singular)s"),
        "update": _("Replace %(singular)s"),
        "partial_update": _("Change %(singular)s"),
        "destroy": _("Delete %(singular)s"),
    }

    def get_summary(self):
        """A short name for every operation (clients and the docs list them by it): the
        standard actions by their model, the others by the first sentence of their docstring."""
        summary = super().get_summary()
        if summary:
            return summary
        action = getattr(self.view, "action", None)
        queryset = getattr(self.view, "queryset", None)
        if action in self.SUMMARIES and queryset is not None:
            meta = queryset.model._meta
            return str(self.SUMMARIES[action] % {"singular": meta.verbose_name, "plural": meta.verbose_name_plural})
        handler = getattr(self.view, action, None) if action else getattr(self.view, self.method.lower(), None)
        doc = (getattr(handler, "__doc__", None) or self.view.__class__.__doc__ or "").strip()
        first = doc.split("\n\n")[0].replace("\n", " ").split(". ")[0].rstrip(".")
        summary = first[:120] if first else (action or self.method.lower()).replace("_", " ").capitalize()
        methods = {method for method, name in (getattr(self.view, "action_map", None) or {}).items() if name == action}
        return f"{summary} ({self.method})" if len(methods) > 1 else summary

    def _is_idempotent_create(self) -> bool:
        return self.method == "POST" and getattr(self.view, "idempotent_create", False)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method in ("PUT", "PATCH", "DELETE") and self._is_detail():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=str(_("The ETag you read: the write happens only if the record is unchanged.")),
                )
            )
        if self._is_idempotent_create():
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
                    OpenApiParameter.HEADER,
                    description=str(_("Any unique string (e.g. a UUID) to make a retry of this request safe.")),
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        # Any request may be refused as invalid input: a body, a filter, or an address with a
        # NUL byte (tjsl.middleware.RefuseNulBytesMiddleware).
        codes = {
            "400": _("Invalid input."),
            "401": _("Not authenticated."),
            "403": _("Not allowed."),
            "429": _("Too many requests."),
        }
        # Any id, in the path or a filter (?program=), may name a record outside the caller's scope.
        codes["404"] = _("Not found, or outside your scope.")
        if self.method in ("PUT", "PATCH", "DELETE") and self._is_detail():
            codes["412"] = _("The record changed since the ETag given in If-Match.")
        codes.update(getattr(self.view, "problem_responses", {}))  # a view's own refusals (410 of the feed)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes["409"] = _("Conflicts with the record's current state (already approved...).")
            codes["422"] = _("Well-formed, but breaks a rule (over budget...).")
        problem = self.resolve_serializer(ProblemSerializer, direction).ref
        for code, description in codes.items():
            if code not in bodies:
                bodies[code] = {
                    "content": {"application/problem+json": {"schema": problem}},
                    "description": str(description),
                }
        return bodies

    def _is_detail(self) -> bool:
        return "{id}" in self.path

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if self.method == "GET" and status_code == "200":
            headers["ETag"] = {
                "schema": {"type": "string"},
                "description": str(_("The version of this answer, for If-None-Match and If-Match.")),
            }
        if status_code == "201":
            headers.setdefault(
                "Location", {"schema": {"type": "string", "format": "uri"}, "description": str(_("The new record."))}
            )
        if self._is_idempotent_create() and status_code.startswith("2"):
            headers[REPLAYED_HEADER] = {
                "schema": {"type": "string", "enum": ["true"]},
                "description": str(_("Present when this is the stored response of an earlier identical request.")),
            }
        return headers


MAX_ID = 2**63 - 1  # the largest id PostgreSQL's bigint holds
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _is_id_parameter(parameter: dict) -> bool:
    name = parameter["name"]
    if parameter["in"] == "path":
        return name == "id" or name.endswith("_id")
    in_query = parameter["in"] == "query" and name in ID_FILTERS
    return in_query and parameter["schema"].get("type") in ("number", "integer")


def postprocess_schema(result, generator, request, public):
    """After drf-spectacular's enum naming: ids (path and filter) are bounded integers, as the
    database holds them, so that generated clients type them `int` instead of `str` or `float`;
    then every request body and successful answer gets an example (tjsl/api_examples.py)."""
    result = postprocess_schema_enums(result, generator, request=request, public=public)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if _is_id_parameter(parameter):
                    parameter["schema"] = dict(ID_SCHEMA)
    return add_examples(result)

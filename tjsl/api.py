"""The REST API under /api/v1/: shared building blocks and the URL configuration.

Every installed app that has an `api.py` with `def register(router) -> None` gets
its endpoints added to the one router (see docs/api.md). The building blocks
here keep every endpoint on the same rules as the pages: scope through
`visible_to(user)`, role permissions, cursor pagination, throttling
and error bodies in the caller's language. Idempotent creation is
`accounts.idempotency.IdempotentCreateMixin` (it stores its records per user).
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, re_path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, permissions, routers, serializers, status, viewsets
from rest_framework.fields import get_error_detail
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from . import problems
from .api_conditional import ConditionalRequestsMixin
from .api_defaults import FilterSet, IntegerFilter, IsoDateFilter, IsoDateTimeFilter, RolePermission
from .api_paging import CursorPagination

__all__ = [
    "WRITE_METHODS",
    "CreatingActionsMixin",
    "CursorPagination",
    "FilterSet",
    "IntegerFilter",
    "IsoDateFilter",
    "IsoDateTimeFilter",
    "RolePermission",
    "ScopedPrimaryKeyRelatedField",
    "ScopedQuerysetMixin",
    "ScopedReadOnlyViewSet",
    "ServiceDecidesWrites",
    "choice_field",
]

# --- Errors --------------------------------------------------------------------------
# Codes of rule errors that are about the record's current state, not the request: 409.
CONFLICT_CODES = {"state_conflict", "already_exists"}
# Codes of rule errors that are a per-user limit: 429, like the throttles.
LIMIT_CODES = {"too_many_nik_checks", "rate_limited"}


def exception_handler(exc, context):
    """Every error as problem details (tjsl/problems.py). Errors of the input's shape (the
    serializers) are 400; a well-formed request that breaks a rule of the services (Django's
    ValidationError) is 422, or 409 when it conflicts with the record's current state.
    The body is JSON whatever the endpoint renders when it succeeds (a PDF, a workbook)."""
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = problems.MEDIA_TYPE
    if isinstance(exc, DjangoValidationError):
        errors = problems.flatten(get_error_detail(exc))
        codes = {entry["code"] for entry in errors}
        if codes & LIMIT_CODES:
            status_code = status.HTTP_429_TOO_MANY_REQUESTS
        elif codes & CONFLICT_CODES:
            status_code = status.HTTP_409_CONFLICT
        else:
            status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
        return _problem_response(problems.validation_problem(status_code, errors), status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or outside your scope."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None, code=getattr(exc, "code", None))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = problems.validation_problem(response.status_code, problems.flatten(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = problems.problem(response.status_code, code=code if isinstance(code, str) else "error", detail=detail)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait + 0.999)
    response.data = body
    response.content_type = problems.MEDIA_TYPE
    return response


def _problem_response(body: dict, status_code: int) -> Response:
    return Response(body, status=status_code, content_type=problems.MEDIA_TYPE)


# --- Viewsets ------------------------------------------------------------------------
class ScopedQuerysetMixin(ConditionalRequestsMixin):
    """`get_queryset()` starts from `Model.objects.visible_to(request.user)`: out of scope is 404.
    Reads carry an `ETag`, writes honour `If-Match` (tjsl/api_conditional.py), and a 201
    says where the new record lives (`Location`)."""

    lookup_value_regex = r"[^/]+"  # any id reaches the view, which answers 404 in JSON

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_success_headers(self, data):
        serializer_model = getattr(getattr(self.get_serializer_class(), "Meta", None), "model", None)
        if self.action != "create" and serializer_model is not self.queryset.model:
            return {}  # an action that creates something else (a member, a budget): no detail URL here
        try:
            path = reverse(f"api:{self.basename}-detail", args=[data["id"]])
        except (KeyError, TypeError, NoReverseMatch):
            return {}
        return {"Location": self.request.build_absolute_uri(path)}


class ScopedReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of a browsable model, within the user's scope and role."""


class InvalidHeader(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Invalid request header.")
    default_code = "invalid_header"


class UnprocessableRequest(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The request cannot be processed.")
    default_code = "unprocessable"


# --- Building blocks of every app's endpoints ------------------------------------------
# The methods of a viewset that creates and changes, but never deletes.
WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class CreatingActionsMixin:
    """Creating POSTs (create and the actions named in `creating_actions`) honour Idempotency-Key.

    A creating action calls `self.create(request)`, so that it goes through
    IdempotentCreateMixin; `get_serializer_class` and `perform_create` then
    choose by `self.action`.
    """

    creating_actions: tuple[str, ...] = ()

    @property
    def idempotent_create(self) -> bool:  # read by the schema generator
        return getattr(self, "action", None) in ("create", *self.creating_actions)


class ServiceDecidesWrites(RolePermission):
    """Reading and writing need the view permission of the viewset's model; the service then
    decides who may write (as the pages do), answering 403 for anyone else."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return super().has_permission(request, view)
        queryset = self._queryset(view)
        perm = f"{queryset.model._meta.app_label}.view_{queryset.model._meta.model_name}"
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(perm))


def choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field; its enum is a schema component named in `SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]`,
    so that the same field name (kind, status) carrying different choices in different models gets
    a distinct, stable name that client generators turn into a real enum."""
    return serializers.ChoiceField(choices=choices, **kwargs)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a record the caller can see; any other id is 'does not exist', as on the pages."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(queryset=model.objects.none() if kwargs.get("read_only") is not True else None, **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        return self.model.objects.visible_to(request.user)


# --- Schema and documentation views -------------------------------------------------------
class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, the same whatever `Accept-Language` says: component, enum and
    field names are English, so a client generated from it does not change with the reader."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with translation.override("en"):
            return super().get(request, *args, **kwargs)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files: no CDN, no inline script or style."""

    template_name = "api/docs.html"
    url_name = "api:schema"


class NotFoundView(APIView):
    """Any other path under /api/v1/: a JSON 404 (401 without credentials), not an HTML page."""

    permission_classes = [permissions.IsAuthenticated]
    schema = None

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound()

    post = put = patch = delete = get


# --- Router and URL configuration ----------------------------------------------------------
class ApiRootView(routers.APIRootView):
    permission_classes = [permissions.IsAuthenticated]
    schema = None


class ApiRouter(routers.DefaultRouter):
    """The one router of /api/v1/. `add_view()` is for endpoints that are not collections (e.g. `me/`)."""

    APIRootView = ApiRootView
    include_format_suffixes = False

    def __init__(self):
        super().__init__()
        self.extra_urls: list[URLPattern] = []
        self.change_resources: dict[str, type] = {}  # the change feed's resources and their viewsets

    def register_changes(self, resource: str, viewset) -> None:
        """List `resource`'s changes in /api/v1/changes/ (its table needs the trigger of
        tjsl.changes.record_changes), each with the state `viewset` serves for its detail."""
        self.change_resources[resource] = viewset

    def add_view(self, route: str, view, *, name: str) -> None:
        self.extra_urls.append(path(route, view, name=name))

    def get_urls(self):
        return super().get_urls() + self.extra_urls


def build_router() -> ApiRouter:
    router = ApiRouter()
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.api":
                raise
            continue
        if hasattr(module, "register"):
            module.register(router)
    return router


def _let_drf_authenticate(patterns):
    """LoginRequiredMiddleware would redirect to the login page; API views answer 401 themselves."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _let_drf_authenticate(pattern.url_patterns)
        else:
            pattern.callback = login_not_required(pattern.callback)
    return patterns


def build_urlpatterns():
    return _let_drf_authenticate(
        [
            path("schema/", SchemaView.as_view(), name="schema"),
            path("docs/", DocsView.as_view(), name="docs"),
            *build_router().urls,
            re_path(r"^", NotFoundView.as_view(), name="not-found"),
        ]
    )


app_name = "api"
_urlpatterns = None


def __getattr__(name):
    # Built on first use, once every app's api.py can import this module's building blocks.
    global _urlpatterns
    if name == "urlpatterns":
        if _urlpatterns is None:
            _urlpatterns = build_urlpatterns()
        return _urlpatterns
    raise AttributeError(name)

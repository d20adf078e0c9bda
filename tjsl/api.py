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
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, permissions, routers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .api_defaults import CursorPagination, FilterSet, RolePermission

__all__ = [
    "CursorPagination",
    "FilterSet",
    "RolePermission",
    "ScopedQuerysetMixin",
    "ScopedReadOnlyViewSet",
]


# --- Errors --------------------------------------------------------------------------
def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError from services, always as a JSON object."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    return response


# --- Viewsets ------------------------------------------------------------------------
class ScopedQuerysetMixin:
    """`get_queryset()` starts from `Model.objects.visible_to(request.user)`: out of scope is 404."""

    lookup_value_regex = r"[^/]+"  # any id reaches the view, which answers 404 in JSON

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


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


# --- Schema and documentation views -------------------------------------------------------
class JsonErrorsMixin:
    """Errors of the schema and documentation views are JSON like the rest of the API."""

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    """The OpenAPI schema, the same whatever `Accept-Language` says: component, enum and
    field names are English, so a client generated from it does not change with the reader."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with translation.override("en"):
            return super().get(request, *args, **kwargs)


class DocsView(JsonErrorsMixin, SpectacularSwaggerSplitView):
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

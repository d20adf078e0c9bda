"""Companies, the current user and personal API tokens in the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from tjsl.api import ScopedQuerysetMixin, ScopedReadOnlyViewSet

from .changes_api import ChangeFeedView
from .idempotency import IdempotentCreateMixin
from .models import ApiToken, Company
from .scope import scope_for, scope_label
from .services import api_token_create, api_token_revoke


# --- Companies -------------------------------------------------------------------------
class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "code", "name", "short_name", "tjsl_unit", "address", "is_active"]


class CompanyViewSet(ScopedReadOnlyViewSet):
    """The companies (BUMN) in the user's scope: staff and managers see only their own."""

    queryset = Company.objects.all()
    serializer_class = CompanySerializer
    filterset_fields = ["is_active", "code"]
    search_fields = ["code", "name", "short_name"]
    ordering_fields = ["name", "code"]
    ordering = "name"


# --- The current user ---------------------------------------------------------------------
class CompanyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "code", "short_name"]


class RegionBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class ScopeSerializer(serializers.Serializer):
    company_id = serializers.IntegerField(allow_null=True, help_text=_("Null: every company."))
    region_code = serializers.CharField(allow_null=True, help_text=_("Null: the whole country."))
    nothing = serializers.BooleanField(help_text=_("True for a user without a role, who sees nothing."))
    label = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    position = serializers.CharField()
    role = serializers.SerializerMethodField()
    role_label = serializers.SerializerMethodField()
    company = CompanyBriefSerializer(allow_null=True)
    region = RegionBriefSerializer(allow_null=True)
    scope = serializers.SerializerMethodField()
    sees_personal_data = serializers.BooleanField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_role(self, user):
        return user.role.value if user.role else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_role_label(self, user):
        return str(user.role.label) if user.role else None

    @extend_schema_field(ScopeSerializer)
    def get_scope(self, user):
        scope = scope_for(user)
        return {
            "company_id": scope.company_id,
            "region_code": scope.region_code,
            "nothing": scope.nothing,
            "label": scope_label(user),
        }


class MeView(APIView):
    """Who is calling: user, role and scope (which companies and region they see)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        return Response(MeSerializer(request.user).data)


# --- API tokens --------------------------------------------------------------------------
class ApiTokenSerializer(serializers.ModelSerializer):
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "is_expired"]
        read_only_fields = ["prefix", "created_at", "last_used_at"]


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The secret, shown only in this response and never stored: keep it now. "
            "Null when the response is an idempotent replay."
        ),
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class ApiTokenViewSet(
    IdempotentCreateMixin,
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own API tokens: create (the secret is shown once), list and revoke (DELETE)."""

    queryset = ApiToken.objects.not_revoked()
    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "tokens"
    idempotency_secret_fields = ("token",)
    filterset_fields = []
    search_fields = ["name"]
    ordering_fields = ["created_at", "name", "last_used_at"]
    ordering = "-created_at"

    def get_serializer_class(self):
        return ApiTokenCreatedSerializer if self.action == "create" else ApiTokenSerializer

    def perform_create(self, serializer):
        token, secret = api_token_create(
            user=self.request.user,
            name=serializer.validated_data["name"],
            expires_at=serializer.validated_data.get("expires_at"),
        )
        token.token = secret
        serializer.instance = token

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request, *args, **kwargs):
        api_token_revoke(token=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("A personal API token from the profile page, sent as 'Bearer <token>'.")),
        }


class ServiceAccountScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ServiceAccountAuthentication"
    name = "serviceAccount"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": str(_("A service account's client credentials, exchanged at /o/token/ for a bearer token.")),
            "flows": {"clientCredentials": {"tokenUrl": "/o/token/", "scopes": {"api": "The TJSL API"}}},
        }


def register(router) -> None:
    router.register("companies", CompanyViewSet, basename="company")
    router.register("tokens", ApiTokenViewSet, basename="token")
    router.add_view("me/", MeView.as_view(), name="me")
    router.add_view("changes/", ChangeFeedView.as_view(router=router), name="changes")

"""API authentication: `Authorization: Bearer <token>` with a person's token (`tjsl_...`,
or `Token <token>`), or with an OAuth 2 access token of a service account
(accounts/service_accounts.py), taken from /o/token/ with client credentials."""

from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .services import TOKEN_PREFIX, api_token_authenticate

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: expected 'Bearer <token>'."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token.")) from None
        if parts[0].lower() == b"bearer" and not secret.startswith(TOKEN_PREFIX):
            return None  # not a personal token: an OAuth 2 access token (ServiceAccountAuthentication)
        token = api_token_authenticate(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to requests without credentials.
        return 'Bearer realm="api"'


class ServiceAccountAuthentication(OAuth2Authentication):
    """An OAuth 2 access token got with client credentials acts as its application's service
    account (django-oauth-toolkit leaves the token without a user in that grant)."""

    def authenticate(self, request):
        if not get_authorization_header(request).lower().startswith(b"bearer "):
            return None  # a session or no credentials: not for OAuth (which would parse every request)
        result = super().authenticate(request)
        if result is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        user, token = result
        account = user or token.application.user
        if account is None or not account.is_active or not account.is_service_account:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return account, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'

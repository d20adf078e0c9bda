"""Writes on accounts: personal API tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, User

TOKEN_PREFIX = "tjsl_"  # noqa: S105 - a marker, not a secret
VISIBLE_PREFIX_LENGTH = 12  # "tjsl_" and 7 characters of the secret
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write per token and minute
MAX_ACTIVE_TOKENS = 20


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with its secret, which is never stored and shown only once."""
    if not user.is_active:
        raise PermissionDenied(_("An inactive user cannot create API tokens."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must lie in the future.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[:VISIBLE_PREFIX_LENGTH],
        key_hash=api_token_hash(secret),
        expires_at=expires_at,
    )
    with transaction.atomic():
        # Lock the user's row so that concurrent requests cannot exceed the limit together.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if ApiToken.objects.filter(user=user).usable().count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You already have %(count)d active tokens: revoke one first.") % {"count": MAX_ACTIVE_TOKENS}
            )
        token.full_clean()
        token.save()
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token; from then on it answers 401. Only its owner may revoke it."""
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The usable token with this secret (and mark it used), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_hash=api_token_hash(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

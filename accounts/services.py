"""Writes on accounts: personal API tokens, and the users a company administrator manages."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from regions.models import Region

from .models import ApiToken, User, UserEvent
from .roles import COMPANY_ADMIN_GRANTABLE_ROLES, Role
from .scope import scope_for

TOKEN_PREFIX = "tjsl_"  # noqa: S105 - a marker, not a secret
VISIBLE_PREFIX_LENGTH = 12  # "tjsl_" and 7 characters of the secret
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write per token and minute
MAX_ACTIVE_TOKENS = 20


def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """The time zone (WIB, WITA, WIT) a user's pages, exports and e-mails show times in."""
    user.time_zone = time_zone
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=["time_zone"])
    return user


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


# --- Users managed by a company administrator -----------------------------------
# The fields an administrator may change in the app. Flags (is_staff, is_superuser),
# groups other than one company role, permissions and the company itself are not among
# them: those are set by platform superusers in /admin/ only.
USER_PROFILE_FIELDS = ("first_name", "last_name", "email", "position")


def _user_manager_check(actor: User) -> None:
    if not actor.can_manage_users:
        raise PermissionDenied(_("Only a company's administrator manages its users."))


def _user_target_check(actor: User, user: User) -> None:
    if not User.objects.managed_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("This user is outside what you manage."))


def _grantable_role(actor: User, role: Role | str, region: Region | None) -> Role:
    """The role, if a company administrator may give it with this region; else a field error."""
    errors = {}
    try:
        role = Role(role)
    except ValueError:
        role = None
    if role not in COMPANY_ADMIN_GRANTABLE_ROLES:
        errors["role"] = _("You cannot give this role.")
    if region is not None and region.level not in (Region.Level.PROVINCE, Region.Level.REGENCY):
        errors["region"] = _("A scope is a province or a regency.")
    elif not scope_for(actor).covers_region_code(region.code if region else None):
        errors["region"] = _("The region must lie inside your own scope.")
    if errors:
        raise ValidationError(errors)
    return role


def _user_snapshot(user: User) -> dict[str, str]:
    """What the account history compares: role, region and profile fields, as stored text."""
    user.__dict__.pop("role_names", None)  # groups may just have changed
    snapshot = {"role": user.role.value if user.role else ""}
    snapshot["region"] = f"{user.region.name} ({user.region.code})" if user.region_id else ""
    snapshot.update({field: getattr(user, field) for field in USER_PROFILE_FIELDS})
    return snapshot


def _changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {key: [before.get(key, ""), value] for key, value in after.items() if before.get(key, "") != value}


def _user_role_set(user: User, role: Role) -> None:
    user.groups.set([Group.objects.get(name=role.value)])
    user.__dict__.pop("role_names", None)


def _set_password_link_send(*, user_pk: int, subject: str, template: str, context: dict) -> None:
    """E-mail a one-time link to choose a password (Django's password-reset token)."""
    user = User.objects.get(pk=user_pk)
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    context = {
        **context,
        "user": user,
        "link": settings.TJSL_SITE_URL.rstrip("/") + path,
        "site_name": settings.TJSL_SITE_NAME,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    send_mail(subject, render_to_string(template, context), None, [user.email])


def user_invite(
    *,
    actor: User,
    username: str,
    email: str,
    role: Role | str,
    region: Region | None = None,
    first_name: str = "",
    last_name: str = "",
    position: str = "",
) -> User:
    """Create a user in the actor's company with one company role; e-mail them a link to
    choose their password. The account has no usable password until they do."""
    _user_manager_check(actor)
    role = _grantable_role(actor, role, region)
    user = User(
        username=username.strip(),
        email=User.objects.normalize_email(email.strip()),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        position=position.strip(),
        company_id=actor.company_id,
        region=region,
    )
    if not user.email:
        raise ValidationError({"email": _("An invitation needs an e-mail address.")})
    user.set_unusable_password()
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
            _user_role_set(user, role)
            changes = _changes({}, _user_snapshot(user))
            UserEvent.objects.create(user=user, actor=actor, action=UserEvent.Action.INVITED, changes=changes)
    except IntegrityError as exc:  # the same username created at the same moment
        raise ValidationError({"username": _("A user with that username already exists.")}) from exc
    subject = _("Your account for %(site)s") % {"site": settings.TJSL_SITE_NAME}
    context = {"inviter": actor.display_name, "company": str(actor.company)}
    transaction.on_commit(
        lambda: _set_password_link_send(
            user_pk=user.pk, subject=subject, template="accounts/email/invitation.txt", context=context
        )
    )
    return user


def user_update(
    *,
    actor: User,
    user: User,
    role: Role | str,
    region: Region | None,
    first_name: str,
    last_name: str,
    email: str,
    position: str,
) -> User:
    """Change a managed user's role, region and profile; the history keeps old and new values."""
    _user_manager_check(actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _user_target_check(actor, user)
        role = _grantable_role(actor, role, region)
        if user.pk == actor.pk and role != user.role:
            raise ValidationError({"role": _("You cannot change your own role.")})
        if user.pk == actor.pk and (region.pk if region else None) != user.region_id:
            raise ValidationError({"region": _("You cannot change your own region.")})
        before = _user_snapshot(user)
        user.first_name, user.last_name, user.position = first_name.strip(), last_name.strip(), position.strip()
        user.email = User.objects.normalize_email(email.strip())
        user.region = region
        user.full_clean(exclude=["password", "username"])
        user.save(update_fields=[*USER_PROFILE_FIELDS, "region"])
        if role != user.role:
            _user_role_set(user, role)
        changes = _changes(before, _user_snapshot(user))
        if changes:
            UserEvent.objects.create(user=user, actor=actor, action=UserEvent.Action.CHANGED, changes=changes)
    return user


def _user_active_set(*, actor: User, user: User, active: bool) -> User:
    _user_manager_check(actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _user_target_check(actor, user)
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
        if user.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            # Sessions end by themselves (an inactive user is not authenticated); tokens are revoked
            # so that a reactivation does not bring old secrets back to life.
            ApiToken.objects.filter(user=user).not_revoked().update(revoked_at=timezone.now())
        action = UserEvent.Action.REACTIVATED if active else UserEvent.Action.DEACTIVATED
        UserEvent.objects.create(user=user, actor=actor, action=action, changes={"is_active": [not active, active]})
    return user


def user_deactivate(*, actor: User, user: User) -> User:
    """Block a managed user's login, sessions and API tokens; nothing they entered is removed."""
    return _user_active_set(actor=actor, user=user, active=False)


def user_reactivate(*, actor: User, user: User) -> User:
    return _user_active_set(actor=actor, user=user, active=True)


def user_password_reset_send(*, actor: User, user: User) -> User:
    """E-mail a managed user a link to choose a new password; their current one keeps working until then."""
    _user_manager_check(actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _user_target_check(actor, user)
        if not user.is_active:
            raise ValidationError(_("Reactivate the account first."))
        if not user.email:
            raise ValidationError(_("This user has no e-mail address: add one first."))
        UserEvent.objects.create(user=user, actor=actor, action=UserEvent.Action.PASSWORD_RESET_SENT)
        subject = _("Reset your password for %(site)s") % {"site": settings.TJSL_SITE_NAME}
        transaction.on_commit(
            lambda: _set_password_link_send(
                user_pk=user.pk, subject=subject, template="accounts/email/password_reset.txt", context={}
            )
        )
    return user

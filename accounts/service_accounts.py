"""Service accounts: systems (an ERP, a bank, the ministry's portal) that call the API with
OAuth 2 client credentials (django-oauth-toolkit), created by a company's administrator.

A service account is a user without a password, with a role and a region like a person, so
every rule of scope and role applies to it unchanged and every write it makes names it as the
actor. Its OAuth application holds the client id and the client secret, which is stored hashed
and shown only once. Revoking deactivates the account and deletes the application with all
its tokens.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oauth2_provider.models import Application

from .models import User, UserEvent
from .roles import SERVICE_ROLES, Role
from .services import _grantable_role, _user_manager_check, _user_role_set, _user_snapshot


def service_accounts_of(actor: User):
    if not actor.can_manage_users:
        return User.objects.none()
    return (
        User.objects.filter(company_id=actor.company_id, is_service_account=True)
        .select_related("region")
        .prefetch_related("oauth2_provider_application")
        .order_by("-is_active", "first_name")
    )


@transaction.atomic
def service_account_create(*, actor: User, name: str, role: Role | str, region=None) -> tuple[User, Application, str]:
    """A new system account; returns it, its OAuth application and the client secret (shown once)."""
    _user_manager_check(actor)
    role = _grantable_role(actor, role, region)
    if role not in SERVICE_ROLES:
        raise ValidationError({"role": _("A service account is TJSL staff or a manager.")})
    name = " ".join(name.split())
    username = f"svc.{actor.company.code.lower()}.{slugify(name)[:40] or 'system'}.{get_random_string(4).lower()}"
    account = User(username=username, first_name=name[:150], company_id=actor.company_id, region=region,
                   is_service_account=True, position=_("System (API)"))  # fmt: skip
    account.set_unusable_password()
    account.full_clean()
    account.save()
    _user_role_set(account, role)
    secret = secrets.token_urlsafe(40)
    application = Application.objects.create(
        user=account,
        name=name[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed on save
    )
    changes = {key: ["", value] for key, value in _user_snapshot(account).items() if value}
    UserEvent.objects.create(
        user=account, actor=actor, action=UserEvent.Action.SERVICE_ACCOUNT_CREATED, changes=changes
    )
    return account, application, secret


@transaction.atomic
def service_account_revoke(*, actor: User, account: User) -> User:
    """Stop the system at once: no new token, and the tokens it holds stop working."""
    _user_manager_check(actor)
    account = service_accounts_of(actor).select_for_update(of=("self",)).get(pk=account.pk)
    if account.is_active:
        account.is_active = False
        account.save(update_fields=["is_active"])
        Application.objects.filter(user=account).delete()  # and, with it, every token it was given
        UserEvent.objects.create(user=account, actor=actor, action=UserEvent.Action.SERVICE_ACCOUNT_REVOKED,
                                 changes={"is_active": [True, False]})  # fmt: skip
    return account

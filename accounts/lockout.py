"""Log-in lockout: three limits on failed log-ins within the cool-off, each counted by django-axes.

- one username from one address: `AXES_FAILURE_LIMIT` (5);
- one username from any address: `TJSL_LOCKOUT_USERNAME_LIMIT` (10), against guessing
  spread over many addresses; the account's owner is told by e-mail;
- one address for any username: `TJSL_LOCKOUT_ADDRESS_LIMIT` (20), against trying one
  password on many accounts.

axes counts every combination listed in `AXES_LOCKOUT_PARAMETERS` but knows one limit
only; `LockoutHandler` scales each count to `AXES_FAILURE_LIMIT`, so a combination
locks exactly when it reaches its own limit. A successful log-in clears the failures of
that username only, so logging into one's own account does not clear an address that
tried many others.
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Count, Sum
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

USERNAME = ("username",)
ADDRESS = ("ip_address",)


def _key(parameter) -> tuple[str, ...]:
    return (parameter,) if isinstance(parameter, str) else tuple(parameter)


def limit_for(parameter, base: int) -> int:
    """The number of failures at which this combination of lockout parameters locks."""
    key = _key(parameter)
    if key == USERNAME:
        return settings.TJSL_LOCKOUT_USERNAME_LIMIT
    if key == ADDRESS:
        return settings.TJSL_LOCKOUT_ADDRESS_LIMIT
    return base


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        base = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst, locked_by = 0, []
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            limit = limit_for(parameter, base)
            worst = max(worst, count * base // limit)
            if count >= limit:
                locked_by.append(_key(parameter))
        # Read by the notice below and by the lockout page, which names the reason.
        request.tjsl_locked_by = locked_by
        request.tjsl_address_locked_only = bool(locked_by) and not _names_username(locked_by)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count


def _names_username(locked_by: list[tuple[str, ...]]) -> bool:
    return any("username" in key for key in locked_by)


def _account_locked(request) -> bool:
    return _names_username(getattr(request, "tjsl_locked_by", []))


@receiver(user_locked_out, dispatch_uid="accounts.lockout.notify")
def lockout_notify(sender, request, username, ip_address, **kwargs) -> None:
    """Tell the account's owner once per cool-off that their account was locked."""
    if not username or request is None or not _account_locked(request):
        return
    from .models import User

    user = User.objects.filter(username=username, is_active=True).exclude(email="").first()
    if user is None:
        return
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    if not cache.add(f"tjsl:lockout-notice:{user.pk}", 1, timeout=minutes * 60):
        return  # already told during this cool-off
    recent = AccessAttempt.objects.filter(username=username).aggregate(
        failures=Sum("failures_since_start"), addresses=Count("ip_address", distinct=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "failures": recent["failures"] or 0,
            "addresses": recent["addresses"] or 0,
            "minutes": minutes,
            "site_url": settings.TJSL_SITE_URL,
        }
        subject = _("Your account was locked after failed log-ins")
        body = render_to_string("accounts/email/account_locked.txt", context)
    sent = send_mail(subject, body, None, [user.email], fail_silently=True)
    logger.warning("Account %s locked after failed log-ins; notice sent: %s", user.pk, bool(sent))

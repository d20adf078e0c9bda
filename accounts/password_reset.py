"""Password reset requests, limited per network address and per e-mail address.

The limits count what was asked, not who exists: an unknown e-mail address is
counted and answered exactly like a known one, so neither the message nor the
limit tells whether an account has that address.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WINDOW_SECONDS = 60 * 60


def client_address(request) -> str:
    """The address axes resolved (proxy-aware, AXES_IPWARE_PROXY_COUNT), else the socket's."""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def _spend(kind: str, value: str, limit: int) -> bool:
    """Count one request against `limit` per hour; False once it is used up."""
    key = f"tjsl:password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return True


class LimitedPasswordResetForm(PasswordResetForm):
    address_message = _("Too many password reset requests came from your network address. Try again in an hour.")
    account_message = _("Too many password reset requests were made for this e-mail address. Try again in an hour.")

    def __init__(self, *args, address: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if not email:
            return cleaned
        if not _spend("address", self.address, settings.TJSL_PASSWORD_RESETS_PER_ADDRESS):
            raise ValidationError(self.address_message, code="rate_limited")
        if not _spend("email", email.strip().casefold(), settings.TJSL_PASSWORD_RESETS_PER_EMAIL):
            self.add_error("email", ValidationError(self.account_message, code="rate_limited"))
        return cleaned


class LimitedPasswordResetView(PasswordResetView):
    form_class = LimitedPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "address": client_address(self.request)}

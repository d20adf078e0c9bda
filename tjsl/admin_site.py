"""The Django admin is for platform superusers only.

Its pages are not scoped to a company or a region, and its user form can grant any flag,
group or permission, so no one else may open them: company administrators manage their
users in the app (`accounts:user-list`).
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError


def is_platform_superuser(user) -> bool:
    return all(getattr(user, flag, False) for flag in ("is_active", "is_staff", "is_superuser"))


class PlatformAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_platform_superuser(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PlatformAdminSite(AdminSite):
    login_form = PlatformAdminAuthenticationForm

    def has_permission(self, request):
        return is_platform_superuser(request.user)

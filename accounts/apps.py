from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import lockout, signals  # noqa: F401 - connect the lockout notice and token revocation
        from .roles import roles_sync_permissions

        # Permissions are created after migrations, so roles get theirs then.
        post_migrate.connect(roles_sync_permissions, dispatch_uid="accounts.roles_sync_permissions")

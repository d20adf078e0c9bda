"""A new password ends what the old one gave: the user's API tokens are revoked.

Every way of setting a password (the change and reset forms, the admin, the user
management page, `manage.py changepassword`) goes through `set_password()`, which
leaves `_password` set until the user is saved. A hash upgrade at log-in clears it
before saving, so it revokes nothing.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import ApiToken, User


@receiver(post_save, sender=User, dispatch_uid="accounts.signals.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    if created or getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    ApiToken.objects.filter(user=instance).not_revoked().update(revoked_at=timezone.now())

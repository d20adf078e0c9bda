"""Models of the project package itself: the outbox of background work."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the record it works on.

    Rows stay unsent while the broker is down; `tjsl.outbox.outbox_deliver` sends them when it
    is back (at once after the commit, then every minute from beat).
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="tjsl_outbox_unsent")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class TouchedOnSave(models.Model):
    """For models with `updated_at = DateTimeField(auto_now=True)`: a save of chosen fields
    (`save(update_fields=[...])`, as the services' transitions do) moves `updated_at` too, so
    that `?updated_since=` and the change history never miss a change."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def touch(self) -> None:
        """A part of this record changed (an item, an allocation, a member, a budget)."""
        self.save(update_fields=["updated_at"])

"""Models of the project package itself: the outbox of background work and the change feed."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
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


class Change(models.Model):
    """One create, update or delete of a record the API serves, written by a database trigger
    (tjsl/changes.py) in the same transaction as the change itself, so nothing bypasses it:
    services, bulk updates, the admin and raw SQL alike.

    `company_id` and `region_code` are the record's company and region at that moment, kept so
    that a deletion can be shown to exactly the readers whose scope held the record.
    `position` orders the feed: it is given after the commit, to committed rows only
    (`tjsl.changes.positions_assign`), so a transaction that commits late still lands after
    everything a reader has already seen.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        DELETED = "deleted", _("deleted")

    resource = models.CharField(_("resource"), max_length=40)
    object_id = models.BigIntegerField(_("record id"))
    action = models.CharField(_("action"), max_length=7, choices=Action.choices)
    company_id = models.BigIntegerField(_("company id"), null=True, blank=True)
    # NULL: the record has no region of its own; "" is a national report, outside every region.
    region_code = models.CharField(_("region code"), max_length=13, null=True, blank=True)  # noqa: DJ001
    position = models.BigIntegerField(_("position in the feed"), null=True, blank=True, unique=True)
    at = models.DateTimeField(_("time"), db_default=Now())

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [models.Index(fields=["id"], condition=Q(position__isnull=True), name="tjsl_change_unplaced")]

    def __str__(self) -> str:
        return f"{self.resource} {self.object_id} {self.action}"


class ChangeFeedHorizon(models.Model):
    """How far back the change feed still reaches: changes up to `pruned_through` (a position)
    were deleted after the retention period, so a cursor before it can no longer be followed."""

    pruned_through = models.BigIntegerField(_("pruned through position"), default=0)
    pruned_at = models.DateTimeField(_("pruned"), null=True, blank=True)

    class Meta:
        verbose_name = _("change feed horizon")
        verbose_name_plural = _("change feed horizon")

    def __str__(self) -> str:
        return str(self.pruned_through)

"""Webhooks: a company's subscriptions to events, and each delivery with its attempts.

Events are written in the transaction of the change they announce (`webhooks.services.emit`),
so a rolled-back change announces nothing; Celery delivers them after the commit, signed
(webhooks/signing.py), retrying with a growing delay for 24 hours.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tjsl.models import TouchedOnSave


class Event(models.TextChoices):
    HANDOVER_SUBMITTED = "handover.submitted", _("Handover submitted for approval")
    HANDOVER_APPROVED = "handover.approved", _("Handover approved")
    HANDOVER_HANDED_OVER = "handover.handed_over", _("Handover handed over")
    HANDOVER_REVERSED = "handover.reversed", _("Handover reversed")
    PARTNER_CREATED = "partner.created", _("Partner registered")
    PARTNER_UPDATED = "partner.updated", _("Partner changed")
    REPORT_READY = "report.ready", _("Impact report ready")
    LOAN_APPROVED = "loan.approved", _("Loan approved")
    LOAN_DISBURSED = "loan.disbursed", _("Loan disbursed")
    PING = "ping", _("Test event")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A company's administrators see their company's subscriptions; nobody else any."""
        if not getattr(user, "can_manage_users", False):
            return self.none()
        return self.filter(company_id=user.company_id)

    def listening(self, *, company_id: int, event: str) -> list["Subscription"]:
        """The company's active subscriptions to `event` (a company has a handful: read in Python,
        as SQLite cannot search inside a JSON list)."""
        return [s for s in self.filter(company_id=company_id, is_active=True) if event in s.events]


class Subscription(TouchedOnSave, models.Model):
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="webhook_subscriptions", verbose_name=_("company")
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(subscription__in=Subscription.objects.visible_to(user))


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhook_delivery_due")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"

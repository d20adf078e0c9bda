"""Subscriptions, events and deliveries.

`emit(event, company_id=..., data=...)` is called by the services that make the change, inside
their transaction: it writes one `Delivery` per listening subscription and queues its sending
through the outbox (tjsl/outbox.py), so nothing is sent for a change that is rolled back and
nothing is lost while the broker is down. `delivery_send` makes one attempt; a failed attempt
is tried again after 1, 2, 4, 8… minutes (`WEBHOOK_RETRY_BASE_SECONDS`) until 24 hours after
the event, by the beat task that sends what is due.
"""

import datetime
import http.client
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tjsl.outbox import outbox_send

from .models import Delivery, Event, Subscription
from .signing import signed_headers

logger = logging.getLogger(__name__)

GIVE_UP_AFTER = datetime.timedelta(hours=24)
LEASE = datetime.timedelta(minutes=5)  # an attempt in progress is not started again before this
TIMEOUT_SECONDS = 10
SUBSCRIBABLE = [event for event in Event if event != Event.PING]


# --- Subscriptions ---------------------------------------------------------------------------
def _require_admin(actor, company_id: int | None = None) -> None:
    if not getattr(actor, "can_manage_users", False) or (company_id is not None and company_id != actor.company_id):
        raise PermissionDenied(_("Only your company's administrators manage its webhooks."))


def _invalid(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in socket.getaddrinfo(host, None)]
    except (socket.gaierror, UnicodeError, ValueError):
        return []


def url_check(url: str) -> None:
    """An address the platform may call: https (http only where `WEBHOOK_ALLOW_HTTP`), a host
    that resolves, and none of its addresses private, loopback or link-local unless
    `WEBHOOK_ALLOW_PRIVATE_ADDRESSES` (development and tests): a subscription must not turn the
    server into a way into its own network."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        raise _invalid("url", _("The address must start with https://."), "insecure_url")
    if parts.username or parts.password:
        raise _invalid("url", _("The address must not carry a user name or password."), "invalid_url")
    addresses = _addresses(parts.hostname or "")
    if not addresses:
        raise _invalid("url", _("This host name cannot be found."), "unresolvable_host")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and any(not address.is_global for address in addresses):
        raise _invalid("url", _("The address points into a private network; use a public address."), "private_address")


def _events_check(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(SUBSCRIBABLE))
    if not events or unknown:
        raise _invalid("events", _("Choose one or more of the listed events."), "invalid_events")
    return [event.value for event in SUBSCRIBABLE if event in events]


def subscription_create(*, actor, url: str, events: list[str]) -> Subscription:
    _require_admin(actor)
    url_check(url)
    return Subscription.objects.create(
        company_id=actor.company_id, url=url, events=_events_check(events), created_by=actor
    )


def subscription_update(
    *, subscription: Subscription, actor, url: str | None = None, events: list[str] | None = None,
    is_active: bool | None = None,
) -> Subscription:  # fmt: skip
    _require_admin(actor, subscription.company_id)
    changed = []
    if url is not None and url != subscription.url:
        url_check(url)
        subscription.url = url
        changed.append("url")
    if events is not None:
        subscription.events = _events_check(events)
        changed.append("events")
    if is_active is not None and is_active != subscription.is_active:
        subscription.is_active = is_active
        changed.append("is_active")
    if changed:
        subscription.save(update_fields=changed)
    return subscription


def subscription_delete(*, subscription: Subscription, actor) -> None:
    _require_admin(actor, subscription.company_id)
    subscription.delete()


def subscription_test(*, subscription: Subscription, actor) -> Delivery:
    """Send a `ping` to this subscription (whatever its events), to check the receiver."""
    _require_admin(actor, subscription.company_id)
    return _queue(subscription, Event.PING, {"message": "ping", "subscription": subscription.pk})


# --- Events ----------------------------------------------------------------------------------
def emit(event: str, *, company_id: int | None, data: dict) -> list[Delivery]:
    """Announce `event` to the company's subscriptions, with the commit of the current transaction."""
    if company_id is None:
        return []
    return [_queue(subscription, event, data) for subscription in Subscription.objects.listening(
        company_id=company_id, event=event
    )]  # fmt: skip


def _queue(subscription: Subscription, event: str, data: dict) -> Delivery:
    delivery = Delivery(subscription=subscription, event=event, next_attempt_at=timezone.now())
    delivery.payload = json.loads(
        json.dumps(
            {"id": str(delivery.event_id), "type": str(event), "created_at": timezone.now(),
             "company": subscription.company_id, "data": data},
            cls=DjangoJSONEncoder,
        )
    )  # fmt: skip
    delivery.save()
    outbox_send("webhooks.tasks.webhook_delivery_send", delivery.pk)
    return delivery


# --- Sending ---------------------------------------------------------------------------------
class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer like any other: not followed, not a success


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """(HTTP status, error text); status None when no answer came."""
    try:
        url_check(url)
    except ValidationError as exc:
        return None, " ".join(exc.messages)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (checked above)
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        # No answer, or one that is no HTTP (a bad status line, too many headers): a failure too.
        return None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:300]


def retry_delay(attempts: int) -> datetime.timedelta:
    """After the n-th failed attempt: base x 2^(n-1) (1, 2, 4, 8… minutes by default)."""
    return datetime.timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def delivery_send(delivery_id: int) -> Delivery | None:
    """One attempt, if the delivery is still pending and due; None when another run has it."""
    now = timezone.now()
    lease = now + LEASE  # also the token: only the run holding it records the result
    claimed = Delivery.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True), pk=delivery_id, status=Delivery.Status.PENDING
    ).update(next_attempt_at=lease)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    code, error = _post(delivery.subscription.url, body, signed_headers(delivery.subscription.secret,
                                                                        str(delivery.event_id), body))  # fmt: skip
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = code, error
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = Delivery.Status.DELIVERED, now, None
    else:
        upcoming = timezone.now() + retry_delay(delivery.attempts)
        if upcoming > delivery.created_at + GIVE_UP_AFTER:
            delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        else:
            delivery.next_attempt_at = upcoming
        logger.info("Webhook delivery %s failed (%s %s)", delivery.pk, code, error)
    fields = ("attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at")
    recorded = Delivery.objects.filter(pk=delivery.pk, next_attempt_at=lease).update(
        **{field: getattr(delivery, field) for field in fields}
    )
    if not recorded:  # sent again meanwhile ("Send again"): that run records its own result
        logger.info("Webhook delivery %s: result of a superseded attempt dropped", delivery.pk)
    return delivery


def deliveries_due(*, limit: int = 100) -> int:
    """Attempt the pending deliveries whose time has come (the beat task, every minute)."""
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now())
    sent = 0
    for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]:
        sent += delivery_send(pk) is not None
    return sent


@transaction.atomic
def delivery_retry_now(*, delivery: Delivery, actor) -> Delivery:
    """An administrator sends a delivery that gave up (or is waiting) again, at once."""
    _require_admin(actor, delivery.subscription.company_id)
    delivery.status, delivery.next_attempt_at = Delivery.Status.PENDING, timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    outbox_send("webhooks.tasks.webhook_delivery_send", delivery.pk)
    return delivery

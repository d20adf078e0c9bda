"""Background work that survives a broker outage: an outbox committed with the record.

`outbox_send("partners.tasks.partner_import_validate_task", job.pk)` writes a row inside the
caller's transaction, so the work exists exactly when the record does. After the commit the
message is sent at once; if the broker is down it stays unsent and the beat task
`tjsl.tasks.outbox_dispatch` sends it (every minute) once the broker answers again. Tasks sent
this way may run twice (a send that timed out may have arrived), so they must be idempotent.
"""

import datetime
import logging

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

DELIVER_BATCH = 200
KEEP_SENT = datetime.timedelta(days=7)


def outbox_send(task: str, *args) -> OutboxMessage:
    """Queue `task(*args)` with the current transaction; it is sent after the commit."""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    transaction.on_commit(lambda: outbox_deliver(message_ids=[message.pk]))
    return message


def outbox_deliver(*, message_ids: list[int] | None = None) -> int:
    """Send unsent messages (the given ones, or the oldest ones); stop at the first broker error.

    Returns how many were sent. Rows are taken with SKIP LOCKED, so parallel runs never send
    the same message twice; a broker that refuses connections fails at once, without retries,
    so a request that queued work during an outage is not held up.
    """
    sent = 0
    with transaction.atomic():
        pending = OutboxMessage.objects.filter(sent_at__isnull=True)
        if message_ids is not None:
            pending = pending.filter(pk__in=message_ids)
        messages = list(pending.select_for_update(skip_locked=True).order_by("pk")[:DELIVER_BATCH])
        if not messages:
            return 0
        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=0)
                for message in messages:
                    current_app.send_task(message.task, args=message.args, retry=False, connection=connection)
                    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
                    sent += 1
        except Exception as error:  # kombu raises OperationalError, socket and redis errors alike
            logger.warning("Outbox message %s not sent: %s", messages[sent].pk, type(error).__name__)
            OutboxMessage.objects.filter(pk=messages[sent].pk).update(
                attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:500]
            )
    return sent


def outbox_purge() -> int:
    """Delete messages sent more than a week ago."""
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return deleted

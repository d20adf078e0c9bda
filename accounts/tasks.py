from celery import shared_task
from django.core.management import call_command


@shared_task(time_limit=300, soft_time_limit=270)
def clear_expired_sessions() -> None:
    """Delete expired sessions; harmless to run twice or in parallel."""
    call_command("clearsessions")


@shared_task(time_limit=300, soft_time_limit=270)
def idempotency_records_purge() -> int:
    """Delete `Idempotency-Key` records past their retention; returns how many went."""
    from .models import IdempotencyRecord

    deleted, _ = IdempotencyRecord.objects.expired().delete()
    return deleted

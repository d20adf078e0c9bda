"""Background work of the handover workflow."""

from celery import shared_task

from .notifications import notification_email_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, soft_time_limit=60, time_limit=90)
def notification_email_task(notification_id: int) -> bool:
    """E-mail one notification; safe to run twice (the second run finds it sent)."""
    return notification_email_send(notification_id=notification_id)

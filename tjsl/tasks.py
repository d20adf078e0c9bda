"""Celery tasks of the project package: the outbox dispatcher and the change feed's retention."""

from celery import shared_task


@shared_task(soft_time_limit=50, time_limit=60)
def outbox_dispatch() -> int:
    """Send the outbox messages still unsent (the broker was down, or a process stopped after
    its commit) and forget those sent a week ago; beat runs it every minute."""
    from .outbox import outbox_deliver, outbox_purge

    outbox_purge()
    return outbox_deliver()


@shared_task(soft_time_limit=600, time_limit=660)
def change_feed_prune() -> int:
    """Forget changes older than TJSL_CHANGE_FEED_DAYS (beat runs it nightly)."""
    from django.conf import settings

    from .changes import changes_prune

    return changes_prune(days=settings.TJSL_CHANGE_FEED_DAYS)

from celery import shared_task

from .services import collectibility_run


@shared_task(time_limit=30 * 60, soft_time_limit=29 * 60)
def collectibility_recompute() -> int:
    """Nightly: every disbursed loan's days late and collectibility; month-end history."""
    return collectibility_run()

"""Celery tasks that keep the dashboard roll-ups fresh and produce the impact reports.

Tasks import the services; the services never import this module at load time: they hand a
report to the worker after the commit, importing the task there (docs/architecture.md).
"""

import datetime

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext

from .aggregates import Cell, facts_rebuild
from .impact import services


@shared_task(soft_time_limit=1800, time_limit=1900)
def dashboard_facts_rebuild(date_from: str | None = None, date_to: str | None = None) -> None:
    """Rebuild the roll-ups of a date range (ISO dates, end exclusive), or all of them.

    Safe to run twice or alongside the per-handover refresh: each run replaces its range.
    Partner attributes copied into the roll-ups (class, export) are refreshed by it too,
    so a nightly run keeps 'naik kelas' and 'export' current.
    """
    cell = Cell(
        date_from=datetime.date.fromisoformat(date_from) if date_from else None,
        date_to=datetime.date.fromisoformat(date_to) if date_to else None,
    )
    facts_rebuild(cell=cell)


# --- Impact reports ----------------------------------------------------------------------

# Hard limit of one report; the sweeper treats a report 'running' for longer as lost.
IMPACT_SOFT_TIME_LIMIT = 10 * 60
IMPACT_TIME_LIMIT = 11 * 60
IMPACT_MAX_RETRIES = 4


TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=IMPACT_SOFT_TIME_LIMIT,
    time_limit=IMPACT_TIME_LIMIT,
    max_retries=IMPACT_MAX_RETRIES,
)
def impact_report_produce(self, report_id: int) -> None:
    """Produce one queued report. Idempotent: a report already taken or finished is left alone."""
    try:
        services.impact_report_produce(report_id=report_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            services.impact_report_fail(report_id=report_id, reason=f"{type(error).__name__}: {error}")
            raise
        services.impact_report_requeue(report_id=report_id)
        raise self.retry(exc=error, countdown=min(300, 10 * 2**self.request.retries)) from error
    except SoftTimeLimitExceeded:
        services.impact_report_fail(
            report_id=report_id, reason=gettext("The job ran longer than its time limit and was stopped.")
        )
        raise
    except Exception as error:
        services.impact_report_fail(report_id=report_id, reason=f"{type(error).__name__}: {error}")
        raise


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def impact_reports_schedule(kind: str, day: str | None = None) -> int:
    """Queue the reports of the month, quarter or year that has just closed (beat, 02:00 WIB)."""
    when = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return len(services.impact_reports_schedule_period(kind=kind, day=when))


@shared_task(soft_time_limit=120, time_limit=150)
def impact_reports_sweep() -> dict:
    """Reports left 'running' beyond the hard time limit (a lost worker) are requeued once, then failed."""
    return services.impact_reports_sweep(older_than=datetime.timedelta(seconds=IMPACT_TIME_LIMIT + 60))

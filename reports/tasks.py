"""Celery tasks that keep the dashboard roll-ups fresh."""

import datetime

from celery import shared_task

from .aggregates import Cell, facts_rebuild


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

"""Background work of the registry: big imports and exports. Tasks take an id and call one service."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils.translation import gettext_lazy as _

from . import services

logger = logging.getLogger(__name__)


def _run_or_record_failure(work, fail, *, what: str, too_long, failed) -> None:
    """Run a job's service; when it runs out of time or breaks, record why on the job the user
    follows (then let Celery see the error), so a page never waits on it for good."""
    try:
        work()
    except SoftTimeLimitExceeded:
        fail(message=str(too_long))
    except Exception:
        logger.exception("%s failed", what)
        fail(message=str(failed))
        raise


@shared_task(acks_late=True, soft_time_limit=14 * 60, time_limit=15 * 60)
def partner_import_validate_task(import_id: int) -> None:
    _run_or_record_failure(
        lambda: services.partner_import_validate(import_id=import_id),
        lambda message: services.partner_import_fail(import_id=import_id, message=message),
        what=f"partner import {import_id}: checking",
        too_long=_("Checking took too long."),
        failed=_("The file could not be checked."),
    )


@shared_task(acks_late=True, soft_time_limit=14 * 60, time_limit=15 * 60)
def partner_import_commit_task(import_id: int) -> None:
    _run_or_record_failure(
        lambda: services.partner_import_commit(import_id=import_id),
        lambda message: services.partner_import_fail(import_id=import_id, message=message),
        what=f"partner import {import_id}: importing",
        too_long=_("Importing took too long."),
        failed=_("The rows could not be imported."),
    )


@shared_task(acks_late=True, soft_time_limit=14 * 60, time_limit=15 * 60)
def partner_export_task(export_id: int) -> None:
    _run_or_record_failure(
        lambda: services.partner_export_produce(export_id=export_id),
        lambda message: services.partner_export_fail(export_id=export_id, message=message),
        what=f"partner export {export_id}",
        too_long=_("Making the file took too long."),
        failed=_("The file could not be made."),
    )

"""Background work of the registry: big imports and exports. Tasks take an id and call one service."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils.translation import gettext as _

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=14 * 60, time_limit=15 * 60)
def partner_import_validate_task(import_id: int) -> None:
    try:
        services.partner_import_validate(import_id=import_id)
    except SoftTimeLimitExceeded:
        services.partner_import_fail(import_id=import_id, message=_("Checking took too long."))
    except Exception:
        logger.exception("partner import %s: checking failed", import_id)
        services.partner_import_fail(import_id=import_id, message=_("The file could not be checked."))
        raise


@shared_task(acks_late=True, soft_time_limit=14 * 60, time_limit=15 * 60)
def partner_import_commit_task(import_id: int) -> None:
    try:
        services.partner_import_commit(import_id=import_id)
    except SoftTimeLimitExceeded:
        services.partner_import_fail(import_id=import_id, message=_("Importing took too long."))
    except Exception:
        logger.exception("partner import %s: import failed", import_id)
        services.partner_import_fail(import_id=import_id, message=_("The rows could not be imported."))
        raise


@shared_task(acks_late=True, soft_time_limit=14 * 60, time_limit=15 * 60)
def partner_export_task(export_id: int) -> None:
    try:
        services.partner_export_produce(export_id=export_id)
    except SoftTimeLimitExceeded:
        services.partner_export_fail(export_id=export_id, message=_("Making the file took too long."))
    except Exception:
        logger.exception("partner export %s failed", export_id)
        services.partner_export_fail(export_id=export_id, message=_("The file could not be made."))
        raise

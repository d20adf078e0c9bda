"""Keep the dashboard roll-ups current: refresh the affected cell when a handover changes status."""

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from disbursements.signals import handover_status_changed
from programs.models import Activity, ActivityParticipant

from .aggregates import data_version_bump, facts_refresh_handover, facts_refresh_participants

logger = logging.getLogger(__name__)


@receiver(handover_status_changed, dispatch_uid="reports.refresh_handover_cell")
def refresh_handover_cell(sender, disbursement, **kwargs) -> None:
    # Runs after the handover has committed: a failure here must not turn a saved
    # approval into an error page. The nightly rebuild repairs what is missed.
    try:
        facts_refresh_handover(disbursement=disbursement)
    except Exception:
        logger.exception("Dashboard roll-up refresh failed for handover %s", disbursement.pk)
        data_version_bump()


@receiver(post_save, sender=ActivityParticipant, dispatch_uid="reports.refresh_participant_save")
@receiver(post_delete, sender=ActivityParticipant, dispatch_uid="reports.refresh_participant_delete")
def refresh_participants(sender, instance, **kwargs) -> None:
    facts_refresh_participants(program_id=instance.activity.program_id)


@receiver(post_save, sender=Activity, dispatch_uid="reports.refresh_activity_save")
def refresh_activity(sender, instance, **kwargs) -> None:
    facts_refresh_participants(program_id=instance.program_id)

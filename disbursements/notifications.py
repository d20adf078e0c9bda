"""Who hears about a handover's step: in the app (Notification rows) and by e-mail.

A submission goes to the company's managers who may approve it (not the people who
entered it); a return, an approval and a handover go to the author and the contributors.
Rows are written in the step's transaction; each e-mail is queued through the outbox, so it
leaves after the commit and survives a broker outage.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from tjsl.outbox import outbox_send

from .models import Contributor, Disbursement, Notification

EMAIL_TASK = "disbursements.tasks.notification_email_task"


def _recipients(disbursement: Disbursement, verb: str, actor) -> list[User]:
    people = set(Contributor.objects.filter(disbursement=disbursement).values_list("user_id", flat=True))
    people.add(disbursement.created_by_id)
    users = User.objects.filter(is_active=True)
    if verb == Notification.Verb.SUBMITTED:
        users = users.filter(company_id=disbursement.company_id, groups__name=Role.MANAJER).exclude(pk__in=people)
    else:
        users = users.filter(pk__in=people)
    return list(users.exclude(pk=actor.pk).distinct().order_by("pk"))


def notify(*, disbursement: Disbursement, verb: str, actor, reason: str = "") -> list[Notification]:
    """Record the notifications of one step and queue their e-mails (sent after the commit)."""
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, verb=verb, handover=disbursement, actor=actor, reason=reason)
        for user in _recipients(disbursement, verb, actor)
    )
    for notification in notifications:
        if notification.recipient.email:
            outbox_send(EMAIL_TASK, notification.pk)
    return notifications


def _language(user) -> str:
    """The recipient's language if the account has one, else the product's default (Indonesian)."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


_SUBJECTS = {
    Notification.Verb.SUBMITTED: lambda: _("Handover awaiting your approval: %(handover)s"),
    Notification.Verb.RETURNED: lambda: _("Handover returned to you: %(handover)s"),
    Notification.Verb.APPROVED: lambda: _("Handover approved: %(handover)s"),
    Notification.Verb.HANDED_OVER: lambda: _("Handover handed over: %(handover)s"),
}


def notification_text(notification: Notification) -> tuple[str, str]:
    """(subject, body) in the active language."""
    handover = notification.handover
    subject = _SUBJECTS[notification.verb]() % {"handover": handover}
    link = settings.TJSL_SITE_URL.rstrip("/") + reverse("disbursements:handover-detail", args=[handover.pk])
    lines = [
        _("%(handover)s (%(program)s, %(recipient)s) was %(verb)s by %(actor)s.")
        % {
            "handover": handover,
            "program": handover.program.name,
            "recipient": handover.recipient or "–",
            "verb": notification.get_verb_display(),
            "actor": notification.actor.display_name if notification.actor else "–",
        }
    ]
    if notification.reason:
        lines.append(_("Reason: %(reason)s") % {"reason": notification.reason})
    lines.append(link)
    return subject, "\n\n".join(lines) + "\n"


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's e-mail once; running twice sends nothing more."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient", "actor", "handover__program", "handover__partner", "handover__group")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return False
    with translation.override(_language(notification.recipient)):
        subject, body = notification_text(notification)
    send_mail(subject, body, None, [notification.recipient.email])
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def notifications_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) as read."""
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())

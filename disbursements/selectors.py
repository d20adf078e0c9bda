"""Reads for a person's work list: each starts from `Disbursement.objects.visible_to(user)`."""

from django.db.models import Exists, F, OuterRef, Q, Subquery

from accounts.roles import Role

from .models import Contributor, Disbursement, Status, Transition


def _mine(user):
    """Handovers of the user's company that they entered or changed."""
    return (
        Disbursement.objects.visible_to(user)
        .filter(company_id=user.company_id)
        .filter(Q(created_by_id=user.pk) | Q(contributors__user_id=user.pk))
        .distinct()
    )


def awaiting_my_approval(user):
    """Submitted handovers this manager may approve (none they entered or changed)."""
    if not (user.company_id and user.has_role(Role.MANAJER)):
        return Disbursement.objects.none()
    return (
        Disbursement.objects.visible_to(user)
        .filter(status=Status.SUBMITTED, company_id=user.company_id)
        .exclude(created_by_id=user.pk)
        .exclude(contributors__user_id=user.pk)
    )


def my_drafts(user):
    """Drafts I entered or changed, with the last step's reason and whether it was a return."""
    if not user.company_id:
        return Disbursement.objects.none()
    last = Transition.objects.filter(disbursement=OuterRef("pk")).order_by("-at", "-pk")
    by_contributor = Contributor.objects.filter(disbursement=OuterRef("pk"), user_id=OuterRef("last_actor_id"))
    return (
        _mine(user)
        .filter(status=Status.DRAFT)
        .annotate(
            last_from=Subquery(last.values("from_status")[:1]),
            last_actor_id=Subquery(last.values("actor_id")[:1]),
            last_reason=Subquery(last.values("reason")[:1]),
        )
        .annotate(
            # Back from "submitted" by someone who never changed it: a manager's return, not a withdrawal.
            returned=Q(last_from=Status.SUBMITTED) & ~Exists(by_contributor) & ~Q(last_actor_id=F("created_by_id"))
        )
    )


def approved_not_handed_over(user):
    """Approved handovers of the user's company still waiting for the hand-over record."""
    if not user.company_id:
        return Disbursement.objects.none()
    return Disbursement.objects.visible_to(user).filter(
        company_id=user.company_id, status=Status.APPROVED, kind=Disbursement.Kind.HANDOVER
    )

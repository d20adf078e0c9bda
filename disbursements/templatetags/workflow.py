"""`{% workflow_counts as counts %}`: the navigation's badges (awaiting my approval, unread notifications)."""

from django import template

from disbursements.models import Notification
from disbursements.selectors import awaiting_my_approval

register = template.Library()


@register.simple_tag(takes_context=True)
def workflow_counts(context) -> dict:
    user = context["request"].user
    if not user.is_authenticated:
        return {"awaiting": 0, "unread": 0}
    return {
        "awaiting": awaiting_my_approval(user).count(),
        "unread": Notification.objects.for_user(user).unread().count(),
    }

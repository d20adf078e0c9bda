"""`{% aid_received partner_or_group %}`: the handovers a recipient got, as the user may see them."""

from django import template
from django.db.models import OuterRef, Q, Subquery

from disbursements.models import Allocation, Disbursement, Status
from partners.models import BusinessGroup

register = template.Library()


@register.inclusion_tag("disbursements/_aid_received.html", takes_context=True)
def aid_received(context, recipient, limit: int = 20):
    user = context["request"].user
    handovers = Disbursement.objects.visible_to(user).exclude(status__in=[Status.DRAFT, Status.CANCELLED])
    if isinstance(recipient, BusinessGroup):
        handovers = handovers.filter(group=recipient)
    else:
        share = Allocation.objects.filter(disbursement=OuterRef("pk"), partner=recipient).values("amount")[:1]
        handovers = handovers.filter(
            Q(partner=recipient) | Q(pk__in=Allocation.objects.filter(partner=recipient).values("disbursement_id"))
        ).annotate(share=Subquery(share))
    rows = list(handovers.select_related("program", "group").order_by("-handed_on", "-pk")[:limit])
    return {"handovers": rows, "recipient": recipient, "is_group": isinstance(recipient, BusinessGroup)}

"""Who a period's handovers supported: the records behind the dashboard's counts.

Lent to the partner and group lists (`partners.links`), which sit below this app and never
import it: `partners.selectors.Support` says which period, company, programs and region.
"""

from django.db.models import Q

from programs.models import Activity

from .models import Allocation, Disbursement

Kind = Disbursement.Kind


def support_handovers(support, user):
    """The handovers counted for the period: from approval on, not reversed."""
    rows = Disbursement.objects.visible_to(user).committed()
    rows = rows.filter(handed_on__gte=support.start, handed_on__lte=support.end)
    rows = _narrowed(support, rows, company="company_id")
    if support.region_code:
        rows = rows.in_region_code(support.region_code)
    reversed_ids = Disbursement.objects.committed().filter(kind=Kind.REVERSAL).values("reverses_id")
    return rows.filter(kind=Kind.HANDOVER).exclude(pk__in=reversed_ids)


def _narrowed(support, rows, *, company: str):
    if support.company_id is not None:
        rows = rows.filter(**{company: support.company_id})
    if support.program_ids is not None:
        rows = rows.filter(program_id__in=support.program_ids)
    return rows


def supported_partners(support, user) -> Q:
    """The recipient of a counted handover or a member allocated more than Rp0 of one; with
    `reached`, also those taking part in an activity starting in the period."""
    handovers = support_handovers(support, user)
    shares = Allocation.objects.filter(disbursement__in=handovers, amount__gt=0)
    q = Q(pk__in=handovers.values("partner_id")) | Q(pk__in=shares.values("partner_id"))
    if support.reached:
        q |= Q(pk__in=_activities(support, user).values("participants__partner_id"))
    return q


def _activities(support, user):
    activities = Activity.objects.visible_to(user).filter(start_date__gte=support.start, start_date__lte=support.end)
    activities = _narrowed(support, activities, company="program__company_id")
    if support.region_code:
        code = support.region_code
        activities = activities.filter(Q(region_code=code) | Q(region_code__startswith=code + "."))
    return activities


def supported_groups(support, user) -> Q:
    """Business groups that received a counted handover."""
    return Q(pk__in=support_handovers(support, user).exclude(group=None).values("group_id"))

"""Reads that span apps or need more than one QuerySet method."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, FloatField, Func, Q, Value
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from accounts.models import Company
from accounts.scope import scope_for

from . import links
from .models import Partner


def companies_assisting(partner: Partner):
    """Companies that registered this partner or enrolled it in one of their programs."""
    q = Q(pk=partner.registered_by_company_id) if partner.registered_by_company_id else Q(pk__in=[])
    q |= Q(programs__enrollments__partner=partner)
    return Company.objects.filter(q).distinct().order_by("short_name")


def companies_holding_data(partner: Partner):
    """Companies that hold this partner's data: the one that registered it and those that
    enrolled it while no other company held it. Only they edit the partner and see its
    personal data; a company that enrolled another company's partner is not one of them."""
    q = Q(pk=partner.registered_by_company_id) if partner.registered_by_company_id else Q(pk__in=[])
    q |= Q(programs__enrollments__partner=partner, programs__enrollments__cross_company=False)
    return Company.objects.filter(q).distinct().order_by("short_name")


class Similarity(Func):
    """pg_trgm's similarity(a, b) in [0, 1]."""

    function = "similarity"
    output_field = FloatField()


SIMILARITY_THRESHOLD = 0.45


def partners_similar(*, business_name: str, regency_id: int, exclude_pk: int | None = None, limit: int = 5):
    """Partners in the same regency whose business name looks like `business_name`.

    On PostgreSQL by trigram similarity (pg_trgm); elsewhere by case-insensitive
    equality or containment of the name.
    """
    name = " ".join((business_name or "").split())
    if not name or not regency_id:
        return Partner.objects.none()
    qs = Partner.objects.filter(regency_id=regency_id)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        qs = qs.annotate(similarity=Similarity(Upper("business_name"), Value(name.upper()))).filter(
            similarity__gte=SIMILARITY_THRESHOLD
        )
        return qs.order_by("-similarity", "pk")[:limit]
    lowered = name.lower()
    qs = qs.annotate(lname=Lower("business_name")).filter(Q(lname=lowered) | Q(lname__contains=lowered))
    return qs.order_by("pk")[:limit]


def group_member_count(user):
    """Members of a group today whose partner the user may see (an annotation on groups)."""
    today = timezone.localdate()
    current = Q(memberships__joined_on__lte=today) & (
        Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gt=today)
    )
    return Count(
        "memberships", filter=current & scope_for(user).q(region_code_field="memberships__partner__region_code")
    )


def group_leader_for(user, group) -> Partner | None:
    """The group's leader, or None when the leader lies outside the user's region."""
    leader = group.leader
    if leader is None or not scope_for(user).covers_region_code(leader.region_code):
        return None
    return leader


# --- Who was supported in a period (the records behind the dashboard's counts) ------------


@dataclass(frozen=True)
class Support:
    """Handovers (and, for `reached`, activities) of a period within a reader's scope, optionally
    of one company, some programs and one region (a handover's or activity's own region)."""

    start: datetime.date
    end: datetime.date  # inclusive
    reached: bool = False
    company_id: int | None = None
    program_ids: tuple[int, ...] | None = None
    region_code: str | None = None

    def partners(self, user) -> Q:
        """Beneficiaries: the recipient of a counted handover or a member allocated more than Rp0
        of one; with `reached`, also those taking part in an activity starting in the period."""
        return links.supported_partners(self, user)

    def groups(self, user) -> Q:
        """Business groups that received a counted handover."""
        return links.supported_groups(self, user)

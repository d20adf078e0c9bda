"""What the search box in the menu finds: partners, groups and handovers.

Each kind starts from its model's `visible_to(user)` and applies the search rule of its own
list page, so a result never shows what the user's list would not, and "see all" opens that
list with the same term and the same rows.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from disbursements.models import Disbursement
from partners.models import BusinessGroup, Partner
from partners.privacy import mask_nik

RESULT_CAP = 10
TERM_MAX_LENGTH = 100


@dataclass
class Found:
    """One kind of result: its first RESULT_CAP rows, how many match, and the full list's link."""

    kind: str
    label: str
    rows: list
    count: int
    see_all_url: str

    @property
    def capped(self) -> bool:
        return self.count > len(self.rows)


def _found(kind: str, label, queryset: QuerySet, list_url: str, term: str) -> Found:
    return Found(
        kind=kind,
        label=str(label),
        rows=list(queryset[:RESULT_CAP]),
        count=queryset.count(),
        see_all_url=f"{reverse(list_url)}?{urlencode({'q': term})}",
    )


def _partners(user, term: str) -> QuerySet:
    return Partner.objects.visible_to(user).search(term, user=user).select_related("regency").order_by("business_name")


def _groups(user, term: str) -> QuerySet:
    return BusinessGroup.objects.visible_to(user).search(term).select_related("regency").order_by("name")


def _handovers(user, term: str) -> QuerySet:
    return (
        Disbursement.objects.visible_to(user)
        .search(term)
        .select_related("program", "company", "partner", "group")
        .order_by("-created_at", "-pk")
    )


def search_everything(user, term: str) -> list[Found]:
    """The kinds the user may browse, each within their scope; nothing for an empty term."""
    term = (term or "").strip()[:TERM_MAX_LENGTH]
    if not term:
        return []
    found = []
    if user.has_perm("partners.view_partner"):
        partners = _found("partners", _("Partners"), _partners(user, term), "partners:partner-list", term)
        for partner in partners.rows:
            partner.nik_masked = mask_nik(partner.owner_nik)  # the mask shows everyone the same digits
        found.append(partners)
    if user.has_perm("partners.view_businessgroup"):
        found.append(_found("groups", _("Business groups"), _groups(user, term), "partners:businessgroup-list", term))
    if user.has_perm("disbursements.view_disbursement"):
        found.append(_found("handovers", _("Handovers"), _handovers(user, term), "disbursements:handover-list", term))
    return found

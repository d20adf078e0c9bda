"""Reads for the loan pages: each starts from `Loan.objects.visible_to(user)`."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Loan


def loan_for_user(user, pk: int) -> Loan:
    """The loan if the user's scope reaches it; 404 otherwise."""
    loans = Loan.objects.visible_to(user).select_related("partner", "company", "rule_set", "created_by")
    return get_object_or_404(loans, pk=pk)


def loans_filtered(user, *, status: str = "", collectibility: str = "", q: str = ""):
    loans = Loan.objects.visible_to(user).select_related("partner", "company")
    if status:
        loans = loans.filter(status=status)
    if collectibility:
        loans = loans.filter(collectibility=collectibility)
    if q:
        loans = loans.filter(Q(number__icontains=q) | Q(partner__business_name__icontains=q))
    return loans


def partner_loans(user, partner):
    """The loans of one business that the user's scope reaches (for the partner's page)."""
    return Loan.objects.visible_to(user).filter(partner=partner).select_related("company")

"""The loans a partner's page lists (the partners app does not import loans: its page loads this tag)."""

from django import template

from loans.selectors import partner_loans

register = template.Library()


@register.simple_tag(takes_context=True)
def loans_of(context, partner):
    user = context["request"].user
    return list(partner_loans(user, partner)) if user.has_perm("loans.view_loan") else []

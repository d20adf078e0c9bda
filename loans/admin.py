"""Rule sets and funds are edited here by platform administrators; loans are read-only
(every change goes through the services, so the fund, approver and journal rules hold)."""

from django.contrib import admin

from tjsl.admin_history import SimpleHistoryAdmin

from .models import Loan, LoanFund, LoanRuleSet


@admin.register(LoanRuleSet)
class LoanRuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "effective_from", "ceiling", "max_tenor", "jasa_rate_bp"]


@admin.register(LoanFund)
class LoanFundAdmin(SimpleHistoryAdmin):
    list_display = ["company", "year", "amount"]
    list_filter = ["company"]


@admin.register(Loan)
class LoanAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "company", "partner", "amount", "status", "collectibility"]
    list_filter = ["status", "collectibility", "company"]
    search_fields = ["number"]
    list_select_related = ["company", "partner"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

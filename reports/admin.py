from django.contrib import admin

from .models import HandoverItemMonthFact, HandoverMonthFact, ReachMonthFact


class FactAdmin(admin.ModelAdmin):
    """Derived data: readable for checking, never edited by hand."""

    list_filter = ["month"]
    search_fields = ["region_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HandoverMonthFact)
class HandoverMonthFactAdmin(FactAdmin):
    list_display = ["month", "company_id", "program_id", "region_code", "sector", "handovers", "net_value"]


@admin.register(HandoverItemMonthFact)
class HandoverItemMonthFactAdmin(FactAdmin):
    list_display = ["month", "company_id", "program_id", "region_code", "item_kind", "net_value"]


@admin.register(ReachMonthFact)
class ReachMonthFactAdmin(FactAdmin):
    list_display = ["month", "company_id", "program_id", "region_code", "role", "entity_id"]

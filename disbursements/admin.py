"""The admin shows handovers read-only: every change goes through the services,
so that nothing in the rules (budget, approver, freeze) can be bypassed here."""

from django.contrib import admin

from tjsl.admin_history import SimpleHistoryAdmin

from .models import Disbursement, Item, Transition


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ItemInline(ReadOnlyInline):
    model = Item
    fields = ["kind", "description", "quantity", "unit", "unit_value", "total"]
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ["from_status", "to_status", "actor", "at", "reason"]
    readonly_fields = fields


@admin.register(Disbursement)
class DisbursementAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "company", "program", "status", "total", "handed_on"]
    list_filter = ["status", "kind", "company"]
    search_fields = ["number"]
    list_select_related = ["company", "program"]
    inlines = [ItemInline, TransitionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

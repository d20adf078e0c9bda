from django.contrib import admin

from tjsl.admin_history import SimpleHistoryAdmin

from .models import Activity, ActivityParticipant, BudgetChange, Enrollment, Program, ProgramBudget, ProgramTarget, Sdg


@admin.register(Sdg)
class SdgAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "name_en", "pillar"]
    list_filter = ["pillar"]


class BudgetInline(admin.TabularInline):
    model = ProgramBudget
    extra = 0
    readonly_fields = ["year", "amount"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Budgets change through the program page, which records who, when and why.
        return False


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "company", "pillar", "support_form", "status", "start_date", "end_date"]
    list_filter = ["company", "pillar", "support_form", "status"]
    search_fields = ["code", "name"]
    filter_horizontal = ["sdgs"]
    raw_id_fields = ["target_regions"]
    readonly_fields = ["status", "closed_at", "closed_by", "close_reason"]
    inlines = [BudgetInline]


@admin.register(BudgetChange)
class BudgetChangeAdmin(admin.ModelAdmin):
    list_display = ["budget", "old_amount", "new_amount", "changed_by", "changed_at"]
    readonly_fields = ["budget", "old_amount", "new_amount", "reason", "changed_by", "changed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgramTarget)
class ProgramTargetAdmin(admin.ModelAdmin):
    list_display = ["program", "year", "partners_reached", "beneficiaries", "naik_kelas", "export_partners"]


class ParticipantInline(admin.TabularInline):
    model = ActivityParticipant
    extra = 0
    raw_id_fields = ["partner"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "program", "kind", "start_date", "place", "cost"]
    list_filter = ["kind", "program__company"]
    search_fields = ["title", "place"]
    raw_id_fields = ["regency"]
    inlines = [ParticipantInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["program", "partner", "joined_on", "other_company_confirmed"]
    list_filter = ["program__company", "other_company_confirmed"]
    raw_id_fields = ["partner", "added_by"]

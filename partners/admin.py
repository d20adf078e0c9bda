from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assessment,
    BusinessGroup,
    ExportMilestone,
    Membership,
    NikViewLog,
    Partner,
    PartnerImport,
    SizeClassThreshold,
)


@admin.register(SizeClassThreshold)
class SizeClassThresholdAdmin(SimpleHistoryAdmin):
    list_display = ["size_class", "max_capital", "max_sales"]


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["business_name", "owner_name", "regency", "sector", "current_class", "status"]
    list_filter = ["sector", "status", "current_class", "has_export"]
    search_fields = ["business_name", "owner_name", "nib"]
    raw_id_fields = ["regency", "district"]
    readonly_fields = ["joining_class", "current_class", "has_export", "registered_by_company"]


@admin.register(BusinessGroup)
class BusinessGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "regency", "leader"]
    search_fields = ["name"]
    raw_id_fields = ["regency", "leader"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["group", "partner", "joined_on", "left_on"]
    raw_id_fields = ["group", "partner"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["partner", "assessed_on", "capital", "annual_sales", "workers", "size_class"]
    raw_id_fields = ["partner"]


@admin.register(ExportMilestone)
class ExportMilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["partner", "destination_country", "exported_on", "value"]
    raw_id_fields = ["partner"]


@admin.register(NikViewLog)
class NikViewLogAdmin(admin.ModelAdmin):
    list_display = ["viewed_at", "user", "partner", "purpose"]
    list_filter = ["purpose"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartnerImport)
class PartnerImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "created_by", "status", "total_rows", "error_rows", "created_at"]
    exclude = ["rows"]
    readonly_fields = ["status", "total_rows", "processed_rows", "error_rows", "created_count"]

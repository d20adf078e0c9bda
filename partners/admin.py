from django.contrib import admin

from tjsl.admin_history import SimpleHistoryAdmin

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
from .privacy import nik_views_log


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

    # The change form and each history version show the full NIK: log them like the app's pages.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._nik_view_log(request, object_id, response)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._nik_view_log(request, object_id, response)
        return response

    def _nik_view_log(self, request, object_id, response) -> None:
        partner = self.get_object(request, object_id)
        if request.method == "GET" and response.status_code == 200 and partner is not None:
            nik_views_log(user=request.user, partners=[partner], purpose=NikViewLog.Purpose.EDIT)


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

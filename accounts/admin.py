from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Company, User


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "short_name", "is_active"]
    search_fields = ["code", "name", "short_name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "company", "region", "is_active"]
    list_filter = ["groups", "company", "is_active", "is_staff"]
    list_select_related = ["company", "region"]
    autocomplete_fields = ["region"]
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Scope"), {"fields": ("company", "region", "position")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Scope"), {"fields": ("company", "region", "position")}))

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

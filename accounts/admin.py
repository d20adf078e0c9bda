from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from tjsl.admin_history import SimpleHistoryAdmin

from .models import ApiToken, Company, User, UserEvent


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators can see and revoke tokens; secrets are never stored, so never shown."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at"]
    fields = [*readonly_fields, "revoked_at"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=User.objects.visible_to(request.user))


@admin.register(UserEvent)
class UserEventAdmin(admin.ModelAdmin):
    """The account history written by the app; read-only, like any audit trail."""

    list_display = ["created_at", "user", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["user", "actor"]
    search_fields = ["user__username", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

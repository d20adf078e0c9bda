"""Installs `tjsl.admin_site.PlatformAdminSite` as the admin site (see INSTALLED_APPS)."""

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "tjsl.admin_site.PlatformAdminSite"

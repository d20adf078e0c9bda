from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.forms import LoginForm
from accounts.password_reset import LimitedPasswordResetView

from . import views

admin.site.site_header = _("TJSL UMK administration")
admin.site.site_title = _("TJSL UMK")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("programs/", include("programs.urls")),
    path("partners/", include("partners.urls")),
    path("regions/", include("regions.urls")),
    path("handovers/", include("disbursements.urls")),
    path("loans/", include("loans.urls")),
    path("reports/", include("reports.urls")),
    path("search/", include("search.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/password_reset/", LimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("tjsl.api", namespace="api")),
    path("admin/", admin.site.urls),
]

handler500 = "tjsl.views.server_error"

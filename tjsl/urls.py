from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from oauth2_provider import views as oauth2_views

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
    # OAuth 2 for service accounts: only the token endpoints (client credentials), no login flows.
    path("o/token/", login_not_required(oauth2_views.TokenView.as_view()), name="oauth2-token"),
    path("o/revoke_token/", login_not_required(oauth2_views.RevokeTokenView.as_view()), name="oauth2-revoke"),
    path("admin/", admin.site.urls),
]

handler500 = "tjsl.views.server_error"

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/time-zone/", views.profile_time_zone, name="profile-time-zone"),
    path("profile/tokens/", views.token_create, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("users/", views.user_list, name="user-list"),
    path("service-accounts/", views.service_account_list, name="service-accounts"),
    path("service-accounts/<int:pk>/revoke/", views.service_account_revoke_view, name="service-account-revoke"),
    path("users/invite/", views.user_invite_view, name="user-invite"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/edit/", views.user_update_view, name="user-update"),
    path("users/<int:pk>/deactivate/", views.user_deactivate_view, name="user-deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate_view, name="user-reactivate"),
    path("users/<int:pk>/password-reset/", views.user_password_reset_view, name="user-password-reset"),
]

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .decorators import user_manager_required
from .forms import ApiTokenForm, ServiceAccountForm, TimeZoneForm, UserInviteForm, UserUpdateForm
from .models import ApiToken, User
from .scope import scope_label
from .service_accounts import service_account_create, service_account_revoke, service_accounts_of
from .services import (
    api_token_create,
    api_token_revoke,
    user_deactivate,
    user_invite,
    user_password_reset_send,
    user_reactivate,
    user_time_zone_set,
    user_update,
)


def _render_profile(request, *, token_form=None, time_zone_form=None, new_token=None, new_secret=None, status=200):
    user = request.user
    context = {
        "time_zone_form": time_zone_form or TimeZoneForm(initial={"time_zone": user.time_zone}),
        "profile_user": user,
        "scope": scope_label(user),
        "token_form": token_form or ApiTokenForm(),
        "tokens": ApiToken.objects.visible_to(user).not_revoked(),
        "new_token": new_token,
        "new_secret": new_secret,
    }
    return render(request, "accounts/profile.html", context, status=status)


def profile(request):
    return _render_profile(request)


@require_POST
def profile_time_zone(request):
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, time_zone_form=form, status=400)
    user_time_zone_set(user=request.user, time_zone=form.cleaned_data["time_zone"])
    messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": request.user.get_time_zone_display()})
    return redirect("accounts:profile")


@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Rendered, not redirected: the secret must not travel through the session.
            return _render_profile(request, new_token=token, new_secret=secret, status=201)
    return _render_profile(request, token_form=form, status=400)


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.visible_to(request.user).not_revoked(), pk=pk)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


# --- Users of the administrator's company ----------------------------------------


def _managed_user(request, pk: int) -> User:
    return get_object_or_404(User.objects.managed_by(request.user).select_related("region"), pk=pk)


@user_manager_required
def user_list(request):
    users = (
        User.objects.managed_by(request.user)
        .filter(is_service_account=False)
        .select_related("region")
        .prefetch_related("groups")
    )
    page = Paginator(users.order_by("username"), 50).get_page(request.GET.get("page"))
    for user in page:
        # The role comes from the prefetched groups instead of one query per row.
        user.role_names = frozenset(group.name for group in user.groups.all())
    return render(request, "accounts/user_list.html", {"page": page, "company": request.user.company})


@user_manager_required
def user_detail(request, pk: int):
    user = _managed_user(request, pk)
    events = user.events.select_related("actor")
    return render(request, "accounts/user_detail.html", {"managed": user, "events": events})


def _form_page(request, form, *, managed=None, status=200):
    return render(request, "accounts/user_form.html", {"form": form, "managed": managed}, status=status)


@user_manager_required
def user_invite_view(request):
    form = UserInviteForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:user-detail", user.pk)
    return _form_page(request, form, status=400 if form.errors else 200)


@user_manager_required
def user_update_view(request, pk: int):
    user = _managed_user(request, pk)
    form = UserUpdateForm(request.POST or None, actor=request.user, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("accounts:user-detail", user.pk)
    return _form_page(request, form, managed=user, status=400 if form.errors else 200)


def _user_action(service, success_message):
    @require_POST
    @user_manager_required
    def view(request, pk: int):
        user = _managed_user(request, pk)
        try:
            service(actor=request.user, user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success_message() % {"name": user.display_name})
        return redirect("accounts:user-detail", user.pk)

    return view


user_deactivate_view = _user_action(
    user_deactivate, lambda: _("%(name)s can no longer log in; their API tokens were revoked.")
)
user_reactivate_view = _user_action(user_reactivate, lambda: _("%(name)s can log in again."))
user_password_reset_view = _user_action(
    user_password_reset_send, lambda: _("A link to choose a new password was sent to %(name)s.")
)


# --- Service accounts of the administrator's company -------------------------------
CREATED_KEY = "service_account_created"


@user_manager_required
def service_account_list(request):
    """List and create. A new account's client secret is shown once, on the page the creation
    redirects to (kept in the session only until then), so reloading shows it no more and
    creates nothing twice."""
    form = ServiceAccountForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account, application, secret = service_account_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[CREATED_KEY] = {"id": account.pk, "client_id": application.client_id, "secret": secret}
            return redirect("accounts:service-accounts")
    created = request.session.pop(CREATED_KEY, None) if request.method == "GET" else None
    accounts = service_accounts_of(request.user)
    if created:
        created["account"] = accounts.filter(pk=created["id"]).first()
    context = {
        "accounts": accounts,
        "form": form,
        "created": created if created and created["account"] else None,
        "token_url": request.build_absolute_uri(reverse("oauth2-token")),
    }
    response = render(request, "accounts/service_accounts.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the page may show a client secret
    return response


@require_POST
@user_manager_required
def service_account_revoke_view(request, pk: int):
    account = get_object_or_404(service_accounts_of(request.user), pk=pk)
    service_account_revoke(actor=request.user, account=account)
    messages.success(request, _("%(name)s can no longer call the API.") % {"name": account.display_name})
    return redirect("accounts:service-accounts")

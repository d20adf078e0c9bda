from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .models import ApiToken
from .scope import scope_label
from .services import api_token_create, api_token_revoke


def _render_profile(request, *, token_form=None, new_token=None, new_secret=None, status=200):
    user = request.user
    context = {
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

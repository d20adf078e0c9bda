from django.shortcuts import render

from .scope import scope_label


def profile(request):
    user = request.user
    return render(request, "accounts/profile.html", {"profile_user": user, "scope": scope_label(user)})

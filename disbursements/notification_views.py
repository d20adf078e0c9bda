"""The user's notifications: a list, and marking them as read."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tjsl.params import id_or_none

from .models import Notification
from .notifications import notifications_mark_read

LIST_SIZE = 100


@require_GET
def notification_list(request):
    notifications = (
        Notification.objects.for_user(request.user)
        .select_related("actor", "handover__program", "handover__partner", "handover__group")
        .order_by("-created_at", "-pk")[:LIST_SIZE]
    )
    return render(request, "disbursements/notification_list.html", {"notifications": notifications})


@require_POST
def notifications_read(request):
    """Mark one notification (`notification=<id>`) or all of them as read, then go back."""
    pk = id_or_none(request.POST.get("notification"))
    notifications_mark_read(user=request.user, pk=pk)
    if pk is None:
        messages.success(request, _("All notifications marked as read."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("disbursements:notification-list")

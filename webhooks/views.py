"""Webhook pages for a company's administrators: subscriptions, their secret and delivery log,
a test event, pause and delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import user_manager_required

from . import services
from .forms import SubscriptionForm
from .models import Delivery, Subscription

LOG_ROWS = 50


def _subscription(request, pk: int) -> Subscription:
    return get_object_or_404(Subscription.objects.visible_to(request.user), pk=pk)


@user_manager_required
def subscription_list(request):
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscription_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Subscribed. Keep the signing secret below in your system."))
            return redirect("webhooks:detail", subscription.pk)
    subscriptions = Subscription.objects.visible_to(request.user)
    status = 400 if form.errors else 200
    return render(request, "webhooks/list.html", {"subscriptions": subscriptions, "form": form}, status=status)


@user_manager_required
def subscription_detail(request, pk: int):
    subscription = _subscription(request, pk)
    form = SubscriptionForm(
        request.POST or None, initial={"url": subscription.url, "events": subscription.events},
        submit_label=_("Save changes"),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(subscription=subscription, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Subscription saved."))
            return redirect("webhooks:detail", subscription.pk)
    deliveries = subscription.deliveries.all()[:LOG_ROWS]
    context = {"subscription": subscription, "form": form, "deliveries": deliveries, "log_rows": LOG_ROWS}
    return render(request, "webhooks/detail.html", context, status=400 if form.errors else 200)


@require_POST
@user_manager_required
def subscription_test(request, pk: int):
    services.subscription_test(subscription=_subscription(request, pk), actor=request.user)
    messages.success(request, _("A test event is on its way; its delivery appears in the log below."))
    return redirect("webhooks:detail", pk)


@require_POST
@user_manager_required
def subscription_toggle(request, pk: int):
    subscription = _subscription(request, pk)
    services.subscription_update(subscription=subscription, actor=request.user, is_active=not subscription.is_active)
    messages.success(request, _("Subscription resumed.") if subscription.is_active else _("Subscription paused."))
    return redirect("webhooks:detail", pk)


@require_POST
@user_manager_required
def subscription_delete(request, pk: int):
    services.subscription_delete(subscription=_subscription(request, pk), actor=request.user)
    messages.success(request, _("Subscription deleted."))
    return redirect("webhooks:list")


@require_POST
@user_manager_required
def delivery_retry(request, pk: int):
    delivery = get_object_or_404(Delivery.objects.visible_to(request.user), pk=pk)
    services.delivery_retry_now(delivery=delivery, actor=request.user)
    messages.success(request, _("The delivery is sent again."))
    return redirect("webhooks:detail", delivery.subscription_id)

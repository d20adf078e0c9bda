"""Webhook subscriptions and their delivery log in the API (a company's administrators only)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tjsl.api import FilterSet, IntegerFilter, ScopedQuerysetMixin, choice_field

from . import services
from .models import Delivery, Event, Subscription


class SubscriptionSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=choice_field([(e.value, e.label) for e in services.SUBSCRIBABLE]), allow_empty=False
    )
    secret = serializers.CharField(
        read_only=True, help_text=_("Signs every delivery (HMAC-SHA256, see the Webhook-Signature header).")
    )

    class Meta:
        model = Subscription
        fields = ["id", "url", "events", "is_active", "secret", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class DeliverySerializer(serializers.ModelSerializer):
    event = choice_field(Event.choices)
    status = choice_field(Delivery.Status.choices)

    class Meta:
        model = Delivery
        fields = [
            "id", "subscription", "event", "event_id", "status", "attempts", "last_status_code", "last_error",
            "next_attempt_at", "delivered_at", "created_at", "payload",
        ]  # fmt: skip
        read_only_fields = fields


class SubscriptionViewSet(
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your company's webhook subscriptions (administrators): the URL that receives the events
    chosen, each delivery signed with the subscription's secret. `POST .../test/` sends a ping."""

    queryset = Subscription.objects.all()
    serializer_class = SubscriptionSerializer
    filterset_fields = ["is_active"]
    ordering_fields = ["created_at", "id"]
    ordering = "-id"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.subscription_create(actor=self.request.user, url=data["url"],
                                                           events=data["events"])  # fmt: skip

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.subscription_update(
            subscription=serializer.instance, actor=self.request.user, url=data.get("url"),
            events=data.get("events"), is_active=data.get("is_active"),
        )  # fmt: skip

    def perform_destroy(self, instance):
        services.subscription_delete(subscription=instance, actor=self.request.user)

    @extend_schema(request=None, responses={status.HTTP_202_ACCEPTED: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        """Send a test event (`ping`) to this subscription now; follow it in the delivery log."""
        delivery = services.subscription_test(subscription=self.get_object(), actor=request.user)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class DeliveryFilter(FilterSet):
    subscription = IntegerFilter()

    class Meta:
        model = Delivery
        fields = ["subscription", "status", "event"]


class DeliveryViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """The delivery log: each event sent to your subscriptions, with its attempts and the last answer."""

    queryset = Delivery.objects.all()
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    ordering_fields = ["created_at", "id"]
    ordering = "-id"


def register(router) -> None:
    router.register("webhooks", SubscriptionViewSet, basename="webhook")
    router.register("webhook-deliveries", DeliveryViewSet, basename="webhook-delivery")

"""Handovers (serah terima bantuan) in the API: entry of drafts and the whole workflow.

Every write goes through disbursements.services, so the API keeps the same rules
as the pages: who may act, budget control on approval, frozen records from
approval on, and a Transition row naming the acting user for every status change.
"""

from decimal import Decimal

import django_filters
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.mixins import CreateModelMixin
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.idempotency import IdempotentCreateMixin
from partners.models import BusinessGroup, Partner
from partners.privacy import mask_nik
from programs.models import Program
from regions.models import Region
from tjsl.api import (
    CreatingActionsMixin,
    FilterSet,
    IntegerFilter,
    IsoDateFilter,
    ScopedPrimaryKeyRelatedField,
    ScopedQuerysetMixin,
    choice_field,
)
from tjsl.periods import validate_date

from . import document_views, services
from .models import Allocation, Disbursement, Evidence, Item, Status, Transition, Witness

MAX_ITEM_VALUE = 10**15  # whole rupiah per item: far above any real handover, far below the column's limit


# --- Reading ------------------------------------------------------------------------------


class ItemSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), coerce_to_string=True
    )
    unit_value = serializers.IntegerField(min_value=0, max_value=MAX_ITEM_VALUE, help_text=_("Whole rupiah."))
    kind = choice_field(Item.Kind.choices)

    class Meta:
        model = Item
        fields = ["kind", "description", "quantity", "unit", "unit_value", "total"]
        read_only_fields = ["total"]

    def validate(self, attrs):
        if services.item_total(quantity=attrs["quantity"], unit_value=attrs["unit_value"]) > MAX_ITEM_VALUE:
            raise serializers.ValidationError({"unit_value": [_("The value of this item is too large.")]})
        return attrs


class WitnessSerializer(serializers.ModelSerializer):
    class Meta:
        model = Witness
        fields = ["name", "position"]


class AllocationSerializer(serializers.ModelSerializer):
    business_name = serializers.CharField(source="partner.business_name", read_only=True)

    class Meta:
        model = Allocation
        fields = ["partner", "business_name", "amount"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "content_type", "original_name", "size", "caption", "uploaded_at"]


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True)
    from_status = choice_field([("", ""), *Status.choices], read_only=True)
    to_status = choice_field(Status.choices, read_only=True)

    class Meta:
        model = Transition
        fields = ["from_status", "to_status", "actor", "at", "reason"]


class RecipientSerializer(serializers.Serializer):
    """Either {"partner": id} or {"group": id}."""

    partner = ScopedPrimaryKeyRelatedField(Partner, required=False, allow_null=True)
    group = ScopedPrimaryKeyRelatedField(BusinessGroup, required=False, allow_null=True)

    def validate(self, attrs):
        if attrs.get("partner") and attrs.get("group"):
            raise serializers.ValidationError({"group": [_("Choose either a business or a group, not both.")]})
        return {"partner": attrs.get("partner"), "group": attrs.get("group")}


class RecipientReadSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["partner", "group"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    region_code = serializers.CharField()


class HandoverSerializer(serializers.ModelSerializer):
    """A handover in lists: its header, recipient and total."""

    place_regency = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.regencies(),
        required=False,
        allow_null=True,
        help_text=_("Code of the regency/city where it takes place, e.g. 16.10."),
    )
    recipient = serializers.SerializerMethodField()
    program_name = serializers.CharField(source="program.name", read_only=True)
    kind = choice_field(Disbursement.Kind.choices, read_only=True)
    status = choice_field(Status.choices, read_only=True)

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "company",
            "program",
            "program_name",
            "recipient",
            "region_code",
            *services.HEADER_FIELDS,
            "total",
            "year",
            "reverses",
            "reason",
            "created_by",
            "created_at",
            "updated_at",
            "approved_by",
            "approved_at",
            "handed_over_at",
            "verified_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RecipientReadSerializer(allow_null=True))
    def get_recipient(self, handover):
        recipient = handover.recipient
        if recipient is None:
            return None
        kind = "group" if handover.group_id else "partner"
        return {"type": kind, "id": recipient.pk, "name": str(recipient), "region_code": recipient.region_code}

    def to_representation(self, handover):
        data = super().to_representation(handover)
        request = self.context.get("request")
        if data.get("receiver_nik") and not getattr(getattr(request, "user", None), "sees_personal_data", False):
            data["receiver_nik"] = mask_nik(handover.receiver_nik)
        return data


class HandoverDetailSerializer(HandoverSerializer):
    """A handover with its items, member allocations, witnesses, evidence and status changes."""

    items = ItemSerializer(many=True, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)
    witnesses = WitnessSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    has_bast_scan = serializers.SerializerMethodField()
    contributors = serializers.SerializerMethodField(
        help_text=_("Users who entered or changed the draft; none of them may approve it.")
    )

    class Meta(HandoverSerializer.Meta):
        fields = [
            *HandoverSerializer.Meta.fields,
            "items",
            "allocations",
            "witnesses",
            "evidence",
            "transitions",
            "has_bast_scan",
            "contributors",
        ]
        read_only_fields = fields

    def get_has_bast_scan(self, handover) -> bool:
        return bool(handover.bast_scan)

    def get_contributors(self, handover) -> list[int]:
        return [c.user_id for c in handover.contributors.all()]


# --- Writing ------------------------------------------------------------------------------


class HandoverWriteSerializer(serializers.ModelSerializer):
    """A draft: header, recipient, items and witnesses; everything else is decided by the workflow."""

    program = ScopedPrimaryKeyRelatedField(Program)
    recipient = RecipientSerializer(required=False, help_text=_('{"partner": id} or {"group": id}.'))
    place_regency = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.regencies(),
        required=False,
        allow_null=True,
        help_text=_("Code of the regency/city where it takes place, e.g. 16.10."),
    )
    items = ItemSerializer(many=True, required=False, max_length=100, help_text=_("Replaces every item when given."))
    witnesses = WitnessSerializer(many=True, required=False, max_length=10)

    class Meta:
        model = Disbursement
        fields = ["program", "recipient", *services.HEADER_FIELDS, "items", "witnesses"]

    def validate_receiver_nik(self, value):
        value = (value or "").strip()
        if value and (len(value) != 16 or not value.isdigit()):
            raise serializers.ValidationError(_("A NIK has 16 digits."))
        return value

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        data.update(data.pop("recipient", {}))
        if "items" in data:
            data["items"] = [services.ItemData(**item) for item in data["items"]]
        if "witnesses" in data:
            data["witnesses"] = [services.WitnessData(**witness) for witness in data["witnesses"]]
        return data

    def to_representation(self, handover):
        return HandoverDetailSerializer(handover, context=self.context).data


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class HandOverSerializer(serializers.Serializer):
    bast_scan = serializers.FileField(required=False, help_text=_("Signed BAST scan (PDF, up to 20 MB)."))
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=_("Photos of the handover (JPEG, PNG or WebP, up to 10 MB each)."),
    )


class AllocationInputSerializer(serializers.Serializer):
    partner = serializers.IntegerField(min_value=1)
    amount = serializers.IntegerField(min_value=0, max_value=MAX_ITEM_VALUE * 100)


class AllocationsSerializer(serializers.Serializer):
    allocations = AllocationInputSerializer(many=True, max_length=10_000)

    def validate_allocations(self, rows):
        partners = [row["partner"] for row in rows]
        if len(set(partners)) != len(partners):
            raise serializers.ValidationError(_("Each member may appear only once."))
        return rows


class ReversalSerializer(ReasonSerializer):
    def to_representation(self, handover):
        return HandoverDetailSerializer(handover, context=self.context).data


# --- Filters ------------------------------------------------------------------------------


class HandoverFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    kind = django_filters.ChoiceFilter(choices=Disbursement.Kind.choices)
    program = IntegerFilter(field_name="program_id", label=_("id of a program"))
    company = IntegerFilter(field_name="company_id", label=_("id of a company"))
    province = django_filters.CharFilter(field_name="province_code", label=_("code of a province, e.g. 16"))
    regency = django_filters.CharFilter(field_name="regency_code", label=_("code of a regency/city, e.g. 16.10"))
    date_from = IsoDateFilter(
        field_name="handed_on", lookup_expr="gte", label=_("handed on or after"), validators=[validate_date]
    )
    date_to = IsoDateFilter(
        field_name="handed_on", lookup_expr="lte", label=_("handed on or before"), validators=[validate_date]
    )
    item_kind = django_filters.ChoiceFilter(choices=Item.Kind.choices, method="filter_item_kind")

    class Meta:
        model = Disbursement
        fields = ["status", "kind", "program", "company", "province", "regency", "date_from", "date_to", "item_kind"]

    def filter_item_kind(self, queryset, name, value):
        return queryset.filter(Exists(Item.objects.filter(disbursement=OuterRef("pk"), kind=value)))


# --- The viewset --------------------------------------------------------------------------


class HandoverViewSet(
    CreatingActionsMixin, IdempotentCreateMixin, ScopedQuerysetMixin, CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Aid handovers of the companies in your scope (officials: in your region).

    Create a draft (POST), change it (PATCH), then move it through the workflow
    with the POST actions: submit, approve or return, hand-over (with the signed
    BAST and photos), verify; withdraw a submission; cancel a draft; reverse an approved handover.
    """

    queryset = Disbursement.objects.select_related("program", "company", "partner", "group", "place_regency")
    serializer_class = HandoverSerializer
    filterset_class = HandoverFilter
    search_fields = ["number", "receiver_name", "place"]
    ordering_fields = ["handed_on", "total", "created_at", "updated_at", "id"]
    ordering = "-id"
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    creating_actions = ("reverse",)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            "items",
            "witnesses",
            "evidence",
            "contributors",
            # Members outside the caller's region are not listed.
            Prefetch(
                "allocations", queryset=Allocation.objects.visible_to(self.request.user).select_related("partner")
            ),
            Prefetch("transitions", queryset=Transition.objects.select_related("actor")),
        )

    def get_serializer_class(self):
        return {
            "list": HandoverSerializer,
            "create": HandoverWriteSerializer,
            "partial_update": HandoverWriteSerializer,
            "reverse": ReversalSerializer,
        }.get(self.action, HandoverDetailSerializer)

    def _detail(self, handover, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=handover.pk)
        return Response(HandoverDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def perform_create(self, serializer):
        actor = self.request.user
        if self.action == "reverse":
            reversal = services.disbursement_reverse(
                disbursement=self.get_object(), actor=actor, reason=serializer.validated_data["reason"]
            )
        else:
            reversal = services.disbursement_create_draft(actor=actor, **serializer.service_arguments())
        serializer.instance = self.get_queryset().get(pk=reversal.pk)

    @extend_schema(request=HandoverWriteSerializer, responses={status.HTTP_201_CREATED: HandoverDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Create a draft handover; the answer is the draft as stored, with its id and status."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=HandoverWriteSerializer, responses=HandoverDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a draft; `items` and `witnesses`, when given, replace the ones stored."""
        handover = self.get_object()
        serializer = HandoverWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.disbursement_update_draft(disbursement=handover, actor=request.user, **serializer.service_arguments())
        return self._detail(handover)

    def _transition(self, service, serializer_class=None):
        handover = self.get_object()
        arguments = {}
        if serializer_class is not None:
            serializer = serializer_class(data=self.request.data)
            serializer.is_valid(raise_exception=True)
            arguments = serializer.validated_data
        return self._detail(service(disbursement=handover, actor=self.request.user, **arguments))

    @extend_schema(request=None, responses=HandoverDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a complete draft for approval."""
        return self._transition(services.disbursement_submit)

    @extend_schema(request=None, responses=HandoverDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve within the program's budget for the year: the handover gets its number."""
        return self._transition(services.disbursement_approve)

    @extend_schema(request=ReasonSerializer, responses=HandoverDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """Return a submitted handover to its author as a draft, saying why."""
        return self._transition(services.disbursement_return, ReasonSerializer)

    @extend_schema(request=OptionalReasonSerializer, responses=HandoverDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take a submission back to draft (its author or a contributor, while it awaits approval)."""
        return self._transition(services.disbursement_withdraw, OptionalReasonSerializer)

    @extend_schema(request=OptionalReasonSerializer, responses=HandoverDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a draft."""
        return self._transition(services.disbursement_cancel, OptionalReasonSerializer)

    @extend_schema(request={"multipart/form-data": HandOverSerializer}, responses=HandoverDetailSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over", parser_classes=[MultiPartParser])
    def hand_over(self, request, pk=None):
        """Record that an approved handover took place: the signed BAST scan and photos (multipart)."""
        handover = self.get_object()
        serializer = HandOverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.disbursement_hand_over(
            disbursement=handover,
            actor=request.user,
            bast_scan=serializer.validated_data.get("bast_scan"),
            photos=serializer.validated_data.get("photos", []),
        )
        return self._detail(handover)

    @extend_schema(request=None, responses=HandoverDetailSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Verify a handed-over handover."""
        return self._transition(services.disbursement_verify)

    @extend_schema(request=ReversalSerializer, responses={status.HTTP_201_CREATED: HandoverDetailSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Record a reversal of an approved handover; it is submitted for its own approval."""
        self.get_object()
        return self.create(request)

    @extend_schema(request=AllocationsSerializer, responses=AllocationSerializer(many=True))
    @action(detail=True, methods=["put"], filter_backends=[], pagination_class=None)
    def allocations(self, request, pk=None):
        """Set the amount per group member of a draft; they must add up to the total."""
        handover = self.get_object()
        serializer = AllocationsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        amounts = {row["partner"]: row["amount"] for row in serializer.validated_data["allocations"]}
        services.allocations_set(disbursement=handover, actor=request.user, amounts=amounts)
        allocations = (
            Allocation.objects.visible_to(request.user).filter(disbursement=handover).select_related("partner")
        )
        return Response(AllocationSerializer(allocations, many=True).data)

    # --- Documents: the same responses as the pages' downloads, scoped the same way --------

    @extend_schema(
        request=None,
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_("The BAST PDF."))},
    )
    @action(detail=True, methods=["get"], url_path="bast")
    def bast(self, request, pk=None):
        """The BAST generated from the record (a DRAF copy until approved), as a download."""
        handover = self.get_object()
        return document_views.bast_pdf(request._request, pk=handover.pk)

    @extend_schema(
        request=None,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_("The signed BAST scan."))
        },
    )
    @action(detail=True, methods=["get"], url_path="signed-bast")
    def signed_bast(self, request, pk=None):
        """The signed BAST scan uploaded at the handover, as a download (404 if there is none)."""
        handover = self.get_object()
        return document_views.bast_scan_download(request._request, pk=handover.pk)

    @extend_schema(
        request=None,
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description=_("A photo of the handover."))},
    )
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>[0-9]+)")
    def evidence_file(self, request, pk=None, evidence_id=None):
        """A photo of the handover, as a download."""
        handover = self.get_object()
        if not Evidence.objects.filter(disbursement=handover, pk=evidence_id).exists():
            raise NotFound()
        return document_views.evidence_download(request._request, pk=int(evidence_id))


def register(router) -> None:
    router.register("handovers", HandoverViewSet, basename="handover")
    router.register_changes("handover", HandoverViewSet)

"""Programs with their budgets, and activities with their participants, in the API.

Everyone in scope reads; the owning company's Manajer or Administrator creates,
changes, activates and closes programs and sets budgets; staff record
activities. Every write goes through programs.services.
"""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from accounts.idempotency import IdempotentCreateMixin
from partners.api import regency_field
from partners.models import Partner
from regions.models import Region
from tjsl.api import (
    WRITE_METHODS,
    CreatingActionsMixin,
    FilterSet,
    IntegerFilter,
    IsoDateFilter,
    ScopedPrimaryKeyRelatedField,
    ScopedQuerysetMixin,
    ServiceDecidesWrites,
    choice_field,
)
from tjsl.periods import validate_date, validate_year

from . import services
from .models import (
    Activity,
    ActivityParticipant,
    Enrollment,
    EnrollmentRequest,
    Pillar,
    Program,
    ProgramBudget,
    ProgramTarget,
    Sdg,
)
from .selectors import budget_visible_to, program_budget_lines, targets_visible_to

# --- Programs -------------------------------------------------------------------------------


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgramBudget
        fields = ["year", "amount"]


class BudgetLineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    budget = serializers.IntegerField(help_text=_("Whole rupiah."))
    committed = serializers.IntegerField(help_text=_("Approved, handed over or verified, net of reversals."))
    realised = serializers.IntegerField(help_text=_("Handed over or verified, net of reversals."))
    remaining = serializers.IntegerField(help_text=_("Budget minus committed."))
    has_budget = serializers.BooleanField()
    realisation_pct = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True, coerce_to_string=False)


class BudgetSetSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    amount = serializers.IntegerField(min_value=0, max_value=10**15, help_text=_("Whole rupiah."))
    reason = serializers.CharField(max_length=2000)

    def to_representation(self, budget):
        return BudgetSerializer(budget).data


class CloseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# "EnrollmentRequest" is already the request body of an enrolment in the schema.
@extend_schema_serializer(component_name="EnrollmentApprovalRequest")
class EnrollmentRequestSerializer(serializers.ModelSerializer):
    """A request to enrol a partner whose data another company holds; it enrols nothing until
    another manager of the program's company approves it."""

    business_name = serializers.CharField(source="partner.business_name", read_only=True)
    status = choice_field(EnrollmentRequest.Status.choices, read_only=True)

    class Meta:
        model = EnrollmentRequest
        fields = [
            "id",
            "program",
            "partner",
            "business_name",
            "joined_on",
            "other_companies",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "updated_at",
        ]
        read_only_fields = fields


class DecisionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class EnrollmentSerializer(serializers.ModelSerializer):
    partner = ScopedPrimaryKeyRelatedField(Partner)
    business_name = serializers.CharField(source="partner.business_name", read_only=True)
    joined_on = serializers.DateField(required=False, help_text=_("Today unless given."))
    confirm_other_company = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text=_(
            "Enrol even though another company's active program already assists the partner; for a partner "
            "whose data another company holds, ask for the enrolment (202, to be approved by another manager)."
        ),
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "partner",
            "business_name",
            "joined_on",
            "confirm_other_company",
            "other_company_confirmed",
            "other_company_note",
            "cross_company",
            "added_by",
            "added_at",
        ]
        read_only_fields = ["other_company_confirmed", "other_company_note", "cross_company", "added_by", "added_at"]
        validators: list = []  # an enrolment twice is refused by the service, with its own message

    def to_representation(self, instance):
        if isinstance(instance, EnrollmentRequest):  # enrolment asked for, not made (see the 202 response)
            return EnrollmentRequestSerializer(instance, context=self.context).data
        return super().to_representation(instance)


class AcceptedCreateMixin(mixins.CreateModelMixin):
    """A creation that only asked for approval answers 202 Accepted instead of 201."""

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        if getattr(self, "accepted_for_approval", False):
            response.status_code = status.HTTP_202_ACCEPTED
        return response


class TargetSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(
        min_value=1900,
        max_value=2200,
        allow_null=True,
        default=None,
        help_text=_("A year of the program period; null: whole program."),
    )
    partners_reached = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    beneficiaries = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    naik_kelas = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    export_partners = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)

    class Meta:
        model = ProgramTarget
        fields = ["id", "year", "partners_reached", "beneficiaries", "naik_kelas", "export_partners"]
        validators: list = []  # one target per year: the service updates it


class ProgramSerializer(serializers.ModelSerializer):
    sdgs = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=Sdg.objects.all(), required=False, help_text=_("SDG numbers.")
    )
    target_regions = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Region.objects.filter(level__in=[1, 2]),
        required=False,
        help_text=_("Codes of provinces or regencies."),
    )
    budgets = BudgetSerializer(
        many=True,
        read_only=True,
        allow_null=True,
        help_text=_("Yearly budgets; null for a role that may not read budgets (no programs.view_programbudget)."),
    )
    pillar = choice_field(Pillar.choices)
    support_form = choice_field(Program.SupportForm.choices)
    status = choice_field(Program.Status.choices, read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "company",
            "code",
            "name",
            "description",
            "pillar",
            "sdgs",
            "support_form",
            "start_date",
            "end_date",
            "target_regions",
            "unit",
            "person_responsible",
            "status",
            "closed_at",
            "close_reason",
            "budgets",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["company", "closed_at", "close_reason", "created_at", "updated_at"]
        validators: list = []  # the unique code per company is checked by the service

    def to_representation(self, program):
        data = super().to_representation(program)
        if not budget_visible_to(getattr(self.context.get("request"), "user", None)):
            data["budgets"] = None
        return data


class ProgramDetailSerializer(ProgramSerializer):
    budget_lines = serializers.SerializerMethodField(
        help_text=_("Budget against the handovers you may see, per year; null for a role that may not read budgets.")
    )

    class Meta(ProgramSerializer.Meta):
        fields = [*ProgramSerializer.Meta.fields, "budget_lines"]

    @extend_schema_field(BudgetLineSerializer(many=True, allow_null=True))
    def get_budget_lines(self, program):
        lines = program_budget_lines(program=program, user=getattr(self.context.get("request"), "user", None))
        if lines is None:
            return None
        return [{**line.__dict__, "remaining": line.remaining} for line in lines]


class ProgramFilter(FilterSet):
    pillar = django_filters.ChoiceFilter(choices=Pillar.choices)
    sdg = IntegerFilter(field_name="sdgs__number", distinct=True, label=_("SDG number"))
    support_form = django_filters.ChoiceFilter(choices=Program.SupportForm.choices)
    status = django_filters.ChoiceFilter(choices=Program.Status.choices)
    year = IntegerFilter(method="filter_year", label=_("year within the program period"), validators=[validate_year])
    region = django_filters.CharFilter(method="filter_region", label=_("code of a province or regency"))
    company = IntegerFilter(field_name="company_id", label=_("id of a company"))

    class Meta:
        model = Program
        fields = ["pillar", "sdg", "support_form", "status", "year", "region", "company"]

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def filter_region(self, queryset, name, value):
        return queryset.filter(pk__in=Program.objects.present_in_region_code(value).values("pk"))


class ProgramViewSet(
    CreatingActionsMixin,
    IdempotentCreateMixin,
    ScopedQuerysetMixin,
    AcceptedCreateMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """TJSL programs of the companies in your scope, with their yearly budgets (RKA)."""

    queryset = Program.objects.prefetch_related(
        "sdgs", "budgets", Prefetch("target_regions", queryset=Region.objects.only("id", "code"))
    )
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    search_fields = ["code", "name"]
    ordering_fields = ["start_date", "code", "updated_at", "id"]
    ordering = "-id"
    http_method_names = WRITE_METHODS
    creating_actions = ("budgets", "enrollments")

    def get_serializer_class(self):
        return {
            "list": ProgramSerializer,
            "budgets": BudgetSetSerializer,
            "enrollments": EnrollmentSerializer,
            "targets": TargetSerializer,
            "close": CloseReasonSerializer,
            "activate": serializers.Serializer,
        }.get(self.action, ProgramDetailSerializer)

    def perform_create(self, serializer):
        if self.action == "enrollments":
            serializer.instance = services.enrollment_create(
                program=self.get_object(), actor=self.request.user, **serializer.validated_data
            )
            self.accepted_for_approval = isinstance(serializer.instance, EnrollmentRequest)
            return
        if self.action == "budgets":
            serializer.instance = services.program_budget_set(
                program=self.get_object(), actor=self.request.user, **serializer.validated_data
            )
            return
        actor, data = self.request.user, dict(serializer.validated_data)
        if actor.company is None:
            raise serializers.ValidationError({"company": [_("Only a user of a company can create its programs.")]})
        program = services.program_create(company=actor.company, actor=actor, **data)
        serializer.instance = self.get_queryset().get(pk=program.pk)

    def perform_update(self, serializer):
        program, data = serializer.instance, dict(serializer.validated_data)
        sdgs = data.pop("sdgs", None)
        regions = data.pop("target_regions", None)
        services.program_update(
            program=program,
            actor=self.request.user,
            sdgs=program.sdgs.all() if sdgs is None else sdgs,
            target_regions=program.target_regions.all() if regions is None else regions,
            **data,
        )
        serializer.instance = self.get_queryset().get(pk=program.pk)

    @extend_schema(request=BudgetSetSerializer, responses={status.HTTP_201_CREATED: BudgetSerializer})
    @action(detail=True, methods=["post"])
    def budgets(self, request, pk=None):
        """Set the budget of one year; the reason is kept with every change."""
        self.get_object()
        return self.create(request)

    @extend_schema(request=None, responses=ProgramDetailSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Activate a draft program: it then accepts handovers."""
        program = services.program_activate(program=self.get_object(), actor=request.user)
        return Response(
            ProgramDetailSerializer(self.get_queryset().get(pk=program.pk), context=self.get_serializer_context()).data
        )

    @extend_schema(request=CloseReasonSerializer, responses=ProgramDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close a program: no new handovers, activities or partners."""
        program = self.get_object()
        serializer = CloseReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.program_close(program=program, actor=request.user, **serializer.validated_data)
        return Response(
            ProgramDetailSerializer(self.get_queryset().get(pk=program.pk), context=self.get_serializer_context()).data
        )

    @extend_schema(methods=["GET"], request=None, responses=EnrollmentSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"],
        request=EnrollmentSerializer,
        responses={
            status.HTTP_201_CREATED: EnrollmentSerializer,
            status.HTTP_202_ACCEPTED: EnrollmentRequestSerializer,
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        # Enrolling is recording work of the company's staff: the service decides, as on the page.
        permission_classes=[ServiceDecidesWrites],
    )
    def enrollments(self, request, pk=None):
        """The partners enrolled in the program; POST enrols one. A partner assisted by another
        company's active program needs `confirm_other_company`; a partner whose data another
        company holds is only asked for (202): see /api/v1/enrollment-requests/."""
        program = self.get_object()
        if request.method == "POST":
            return self.create(request)
        enrollments = (
            program.enrollments.visible_to(request.user)
            .select_related("partner")
            .order_by("partner__business_name", "id")
        )
        return Response(EnrollmentSerializer(enrollments, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={status.HTTP_204_NO_CONTENT: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"enrollments/(?P<partner_id>[0-9]+)",
        permission_classes=[ServiceDecidesWrites],
        http_method_names=["delete", "options"],
    )
    def remove_enrollment(self, request, pk=None, partner_id=None):
        """Remove a partner from the program."""
        enrollment = (
            self.get_object()
            .enrollments.visible_to(request.user)
            .select_related("program")
            .filter(partner_id=partner_id)
            .first()
        )
        if enrollment is None:
            raise NotFound()
        services.enrollment_remove(enrollment=enrollment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], request=None, responses=TargetSerializer(many=True), filters=False)
    @extend_schema(methods=["PUT"], request=TargetSerializer, responses=TargetSerializer)
    @action(
        detail=True,
        methods=["get", "put"],
        http_method_names=["get", "put", "head", "options"],
        pagination_class=None,
        filter_backends=[],
        permission_classes=[ServiceDecidesWrites],
    )
    def targets(self, request, pk=None):
        """The program's targets (year null: the whole program); PUT sets those of one year."""
        program = self.get_object()
        if request.method == "PUT":
            serializer = TargetSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            target = services.program_target_set(program=program, actor=request.user, **serializer.validated_data)
            return Response(TargetSerializer(target).data)
        if not targets_visible_to(request.user):
            raise PermissionDenied(_("Your role may not read program targets."))
        targets = program.targets.order_by("year", "id")
        return Response(TargetSerializer(targets, many=True).data)


# --- Activities -----------------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none())
    business_name = serializers.CharField(source="partner.business_name", read_only=True)
    product_count = serializers.IntegerField(min_value=0, max_value=10**6, required=False)

    class Meta:
        model = ActivityParticipant
        fields = ["id", "partner", "business_name", "products_shown", "product_count"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["partner"].queryset = Partner.objects.visible_to(request.user)


class ActivitySerializer(serializers.ModelSerializer):
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.none())
    regency = regency_field(help_text=_("Code of the regency/city, e.g. 31.71."))
    cost = serializers.IntegerField(min_value=0, max_value=10**15, required=False, help_text=_("Whole rupiah."))
    participant_count = serializers.SerializerMethodField()
    kind = choice_field(Activity.Kind.choices)

    class Meta:
        model = Activity
        fields = [
            "id",
            "program",
            "kind",
            "title",
            "start_date",
            "end_date",
            "place",
            "regency",
            "region_code",
            "cost",
            "description",
            "participant_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["region_code", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["program"].queryset = Program.objects.visible_to(request.user)
        if isinstance(self.instance, Activity):
            self.fields["program"].read_only = True

    def get_participant_count(self, activity) -> int:
        return len(activity.participants.all())


class ActivityDetailSerializer(ActivitySerializer):
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "participants"]


class ActivityFilter(FilterSet):
    program = IntegerFilter(field_name="program_id", label=_("id of a program"))
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices)
    region = django_filters.CharFilter(method="filter_region", label=_("code of a region: it and everything below"))
    date_from = IsoDateFilter(field_name="start_date", lookup_expr="gte", validators=[validate_date])
    date_to = IsoDateFilter(field_name="start_date", lookup_expr="lte", validators=[validate_date])

    class Meta:
        model = Activity
        fields = ["program", "kind", "region", "date_from", "date_to"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_code=value) | queryset.filter(region_code__startswith=value + ".")


class ActivityViewSet(
    CreatingActionsMixin,
    IdempotentCreateMixin,
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Trainings, mentoring visits and exhibitions, with their participants."""

    queryset = Activity.objects.select_related("program", "regency")
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    search_fields = ["title", "place"]
    ordering_fields = ["start_date", "updated_at", "id"]
    ordering = "-id"
    http_method_names = [*WRITE_METHODS, "delete"]
    creating_actions = ("participants",)

    def get_queryset(self):
        # Participants (and their count) are those the caller may see: a partner of another region never shows.
        participants = ActivityParticipant.objects.visible_to(self.request.user).select_related("partner")
        return super().get_queryset().prefetch_related(Prefetch("participants", queryset=participants))

    def get_serializer_class(self):
        if self.action == "participants":
            return ParticipantSerializer
        return ActivitySerializer if self.action == "list" else ActivityDetailSerializer

    def perform_create(self, serializer):
        actor = self.request.user
        if self.action == "participants":
            serializer.instance = services.activity_participant_add(
                activity=self.get_object(), actor=actor, **serializer.validated_data
            )
            return
        activity = services.activity_create(actor=actor, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=activity.pk)

    def perform_update(self, serializer):
        services.activity_update(activity=serializer.instance, actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=ParticipantSerializer, responses={status.HTTP_201_CREATED: ParticipantSerializer})
    @action(detail=True, methods=["post"])
    def participants(self, request, pk=None):
        """Add a participant (partner) to the activity."""
        self.get_object()
        return self.create(request)

    @extend_schema(request=None, responses={status.HTTP_204_NO_CONTENT: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"participants/(?P<participant_id>[0-9]+)",
        # Removing a participant is recording work (the service checks it), not deleting an activity.
        permission_classes=[permissions.IsAuthenticated],
    )
    def remove_participant(self, request, pk=None, participant_id=None):
        """Remove a participant from the activity."""
        participant = self.get_object().participants.visible_to(request.user).filter(pk=participant_id).first()
        if participant is None:
            raise NotFound()
        services.activity_participant_remove(participant=participant, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProgramReaders(permissions.BasePermission):
    """Anyone who reads programs reads the requests in their scope; the services decide on writes."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("programs.view_program"))


class EnrollmentRequestFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=EnrollmentRequest.Status.choices)
    program = IntegerFilter(field_name="program_id", label=_("id of a program"))

    class Meta:
        model = EnrollmentRequest
        fields = ["status", "program"]


class EnrollmentRequestViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Requests to enrol a partner whose data another company holds. Another manager of the
    program's company than the requester approves (the partner is then enrolled, without any
    right over its data) or refuses them."""

    queryset = EnrollmentRequest.objects.select_related("partner")
    serializer_class = EnrollmentRequestSerializer
    filterset_class = EnrollmentRequestFilter
    permission_classes = [ProgramReaders]
    ordering_fields = ["requested_at", "updated_at", "id"]
    ordering = "-id"

    def _decide(self, service):
        serializer = DecisionNoteSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        request = self.get_object()
        service(request=request, actor=self.request.user, **serializer.validated_data)
        return Response(EnrollmentRequestSerializer(self.get_queryset().get(pk=request.pk)).data)

    @extend_schema(request=DecisionNoteSerializer, responses=EnrollmentRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the partner is enrolled in the program from now on."""
        return self._decide(services.enrollment_request_approve)

    @extend_schema(request=DecisionNoteSerializer, responses=EnrollmentRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse: the partner is not enrolled."""
        return self._decide(services.enrollment_request_refuse)


def register(router) -> None:
    router.register("programs", ProgramViewSet, basename="program")
    router.register("enrollment-requests", EnrollmentRequestViewSet, basename="enrollment-request")
    router.register("activities", ActivityViewSet, basename="activity")
    router.register_changes("program", ProgramViewSet)
    router.register_changes("activity", ActivityViewSet)
    router.register_changes("enrollment_request", EnrollmentRequestViewSet)

"""Partners, business groups with their members, and assessments in the API.

Personal data follows the pages: the list masks the NIK for everyone (as the list
page does) and shows phone, address and NPWP only where `partner_pii_visible`
allows; the detail shows them all unmasked where allowed and logs that view of
the NIK, as the detail page does. Writes call partners.services.
"""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.idempotency import IdempotentCreateMixin
from regions.models import Region
from tjsl.api import (
    WRITE_METHODS,
    CreatingActionsMixin,
    FilterSet,
    IntegerFilter,
    ScopedQuerysetMixin,
    ServiceDecidesWrites,
    choice_field,
)
from tjsl.api_defaults import StrictBooleanFilter

from . import links, services, views
from .imports import ImportFileError
from .models import (
    Assessment,
    BusinessGroup,
    ExportMilestone,
    Membership,
    NikViewLog,
    Partner,
    PartnerImport,
    Sector,
    SizeClass,
)
from .privacy import mask_address, mask_nik, mask_phone, nik_views_log, partner_pii_visible, with_pii_visibility
from .selectors import group_leader_for, group_member_count
from .validators import clean_digits, normalise_phone, validate_nib, validate_nik, validate_npwp


def regency_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.regencies(), **kwargs)


# --- Export milestones ---------------------------------------------------------------------

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ExportMilestoneSerializer(serializers.ModelSerializer):
    exported_on = serializers.DateField()
    value = serializers.IntegerField(min_value=0, max_value=10**15, help_text=_("Whole rupiah."))
    evidence = serializers.FileField(
        write_only=True, required=False, allow_null=True, help_text=_("Evidence file (multipart only); optional.")
    )
    evidence_note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    has_evidence_file = serializers.SerializerMethodField()

    class Meta:
        model = ExportMilestone
        fields = [
            "id",
            "partner",
            "destination_country",
            "exported_on",
            "value",
            "evidence",
            "evidence_note",
            "has_evidence_file",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["partner", "recorded_by", "created_at", "updated_at"]

    def get_has_evidence_file(self, milestone) -> bool:
        return bool(milestone.evidence)

    def validate_evidence(self, value):
        if value is not None and value.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("The file is larger than 20 MB."))
        return value


# --- Partners -----------------------------------------------------------------------------


class PartnerSerializer(serializers.ModelSerializer):
    regency = regency_field(help_text=_("Code of the regency/city, e.g. 16.10."))
    district = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.districts(),
        required=False,
        allow_null=True,
        help_text=_("Code of the district, e.g. 16.10.01."),
    )
    owner_nik = serializers.CharField(required=False, allow_blank=True, max_length=30)
    nib = serializers.CharField(required=False, allow_blank=True, max_length=30)
    npwp = serializers.CharField(required=False, allow_blank=True, max_length=30)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    joined_on = serializers.DateField()
    sector = choice_field(Sector.choices)
    status = choice_field(Partner.Status.choices, required=False)
    joining_class = choice_field(SizeClass.choices, allow_null=True, read_only=True)
    current_class = choice_field(SizeClass.choices, allow_null=True, read_only=True)
    naik_kelas = serializers.BooleanField(read_only=True)
    pii_visible = serializers.SerializerMethodField(
        help_text=_("Whether NIK, NPWP, phone and address are shown unmasked to you.")
    )
    confirm_similar = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_(
            "A business name like one already registered in the same regency is refused with an error on "
            "confirm_similar; send true to register it all the same."
        ),
    )

    class Meta:
        model = Partner
        fields = [
            "id",
            "business_name",
            "owner_name",
            "owner_nik",
            "nib",
            "npwp",
            "phone",
            "address",
            "regency",
            "district",
            "region_code",
            "sector",
            "kbli",
            "products",
            "joined_on",
            "status",
            "notes",
            "registered_by_company",
            "joining_class",
            "current_class",
            "naik_kelas",
            "has_export",
            "pii_visible",
            "confirm_similar",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "region_code",
            "registered_by_company",
            "has_export",
            "created_at",
            "updated_at",
        ]
        validators: list = []  # uniqueness is the service's, with its own message

    def get_pii_visible(self, partner) -> bool:
        return self._visible(partner)

    def _visible(self, partner) -> bool:
        request = self.context.get("request")
        return request is not None and partner_pii_visible(request.user, partner)

    def validate_owner_nik(self, value):
        value = clean_digits(value)
        if value:
            validate_nik(value)
        return value

    def validate_nib(self, value):
        value = clean_digits(value)
        if value:
            validate_nib(value)
        return value

    def validate_npwp(self, value):
        value = clean_digits(value)
        if value:
            validate_npwp(value)
        return value

    def validate_kbli(self, value):
        value = clean_digits(value)
        if value and (len(value) != 5 or not value.isdigit()):
            raise serializers.ValidationError(_("A KBLI code has 5 digits."))
        return value

    def validate_phone(self, value):
        return normalise_phone(value)

    def validate_joined_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("This date cannot be in the future."))
        return value

    def to_representation(self, partner):
        data = super().to_representation(partner)
        visible = data["pii_visible"]
        in_list = self.context.get("in_list", False)
        if not visible or in_list:
            data["owner_nik"] = mask_nik(partner.owner_nik)
        if not visible:
            data["npwp"] = mask_nik(partner.npwp)
            data["phone"] = mask_phone(partner.phone)
            data["address"] = mask_address(partner.address)
        return data


class PartnerFilter(FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("Business, owner, NIB or the last 4 digits of the NIK")
    )
    province = django_filters.CharFilter(method="filter_province", label=_("code of a province, e.g. 16"))
    regency = django_filters.CharFilter(field_name="regency__code", label=_("code of a regency/city, e.g. 16.10"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    size_class = django_filters.TypedChoiceFilter(
        field_name="current_class", choices=SizeClass.choices, coerce=int, label=_("current size class")
    )
    status = django_filters.ChoiceFilter(choices=Partner.Status.choices)
    group = IntegerFilter(method="filter_group", label=_("id of a business group"))
    program = IntegerFilter(method="filter_program", label=_("id of a program"))
    naik_kelas = StrictBooleanFilter(method="filter_naik_kelas", label=_("moved up a class"))
    export = StrictBooleanFilter(field_name="has_export", label=_("reached export"))

    class Meta:
        model = Partner
        fields = ["search", "province", "regency", "sector", "size_class", "status", "group", "program"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value, user=self.request.user)

    def filter_province(self, queryset, name, value):
        return queryset.filter(region_code__startswith=value + ".")

    def filter_group(self, queryset, name, value):
        groups = BusinessGroup.objects.visible_to(self.request.user).filter(pk=value)
        return queryset.filter(Exists(Membership.objects.filter(group__in=groups, partner=OuterRef("pk"))))

    def filter_program(self, queryset, name, value):
        programs = links.programs_visible_to(self.request.user)
        if programs is None:
            return queryset.none()
        return queryset.filter(enrollments__program__in=programs.filter(pk=value))  # one enrolment each

    def filter_naik_kelas(self, queryset, name, value):
        moved = queryset.naik_kelas()
        return moved if value else queryset.exclude(pk__in=moved.values("pk"))


class PartnerViewSet(
    CreatingActionsMixin,
    IdempotentCreateMixin,
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The shared registry of UMK partners, within your region."""

    queryset = Partner.objects.select_related("regency", "district")
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    search_fields: list[str] = []
    ordering_fields = ["business_name", "joined_on", "updated_at", "id"]
    ordering = "business_name"
    http_method_names = WRITE_METHODS
    creating_actions = ("export_milestones",)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = with_pii_visibility(queryset, self.request.user)
        return queryset

    def get_serializer_class(self):
        return ExportMilestoneSerializer if self.action == "export_milestones" else PartnerSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "in_list": self.action == "list"}

    def retrieve(self, request, *args, **kwargs):
        partner = self.get_object()
        if partner.owner_nik and partner_pii_visible(request.user, partner):
            nik_views_log(user=request.user, partners=[partner], purpose=NikViewLog.Purpose.DETAIL)
        return Response(self.get_serializer(partner).data)

    def perform_create(self, serializer):
        if self.action == "export_milestones":
            serializer.instance = services.export_milestone_record(
                partner=self.get_object(), actor=self.request.user, **serializer.validated_data
            )
            return
        serializer.instance = services.partner_create(actor=self.request.user, **self._entry(serializer))

    def perform_update(self, serializer):
        services.partner_update(partner=serializer.instance, actor=self.request.user, **self._entry(serializer))

    @staticmethod
    def _entry(serializer) -> dict:
        """A person's entry: look-alike names are checked unless confirm_similar was sent true."""
        data = dict(serializer.validated_data)
        return {**data, "confirm_similar": bool(data.get("confirm_similar", False))}

    @extend_schema(methods=["GET"], request=None, responses=ExportMilestoneSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"],
        request={"application/json": ExportMilestoneSerializer, "multipart/form-data": ExportMilestoneSerializer},
        responses={status.HTTP_201_CREATED: ExportMilestoneSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="export-milestones",
        parser_classes=[JSONParser, MultiPartParser],
        pagination_class=None,
        filter_backends=[],
        permission_classes=[ServiceDecidesWrites],
    )
    def export_milestones(self, request, pk=None):
        """The partner's export milestones (newest first); POST records one, with an evidence file or note."""
        partner = self.get_object()
        if request.method == "POST":
            return self.create(request)
        milestones = ExportMilestone.objects.filter(partner=partner).order_by("-exported_on", "-id")
        return Response(ExportMilestoneSerializer(milestones, many=True).data)

    @extend_schema(
        request=None,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The evidence file of an export milestone.")
            )
        },
    )
    @action(detail=True, methods=["get"], url_path=r"export-milestones/(?P<milestone_id>[0-9]+)/evidence")
    def export_milestone_evidence(self, request, pk=None, milestone_id=None):
        """The evidence file of one of the partner's export milestones, as a download (404 if none)."""
        partner = self.get_object()
        if not ExportMilestone.objects.filter(partner=partner, pk=milestone_id).exists():
            raise NotFound()
        return views.export_milestone_evidence(request._request, pk=int(milestone_id))


# --- Business groups and members ----------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    business_name = serializers.CharField(source="partner.business_name", read_only=True)
    region_code = serializers.CharField(source="partner.region_code", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "partner", "business_name", "region_code", "joined_on", "left_on"]
        read_only_fields = ["partner", "joined_on", "left_on"]


class MembershipAddSerializer(serializers.Serializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none())
    joined_on = serializers.DateField()
    confirm_other_province = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_("True to add a partner from another province than the group's (refused without it)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["partner"].queryset = Partner.objects.visible_to(request.user)

    def to_representation(self, membership):
        return MemberSerializer(membership, context=self.context).data


class MembershipEndSerializer(serializers.Serializer):
    left_on = serializers.DateField()


class BusinessGroupSerializer(serializers.ModelSerializer):
    regency = regency_field(help_text=_("Code of the regency/city, e.g. 16.10."))
    member_count = serializers.IntegerField(read_only=True, help_text=_("Members today."))

    class Meta:
        model = BusinessGroup
        fields = [
            "id",
            "name",
            "regency",
            "region_code",
            "leader",
            "registered_by_company",
            "notes",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["region_code", "registered_by_company", "created_at", "updated_at"]
        extra_kwargs = {"leader": {"queryset": Partner.objects.none(), "required": False, "allow_null": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request, group = self.context.get("request"), self.instance
        if request is not None and isinstance(group, BusinessGroup):
            # Only a current member can lead the group, as on the page.
            self.fields["leader"].queryset = group.members_on(timezone.localdate())
        elif "leader" in self.fields:
            self.fields["leader"].read_only = True

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("This field is required."))
        return value

    def to_representation(self, group):
        data = super().to_representation(group)
        request = self.context.get("request")
        if request is not None and group_leader_for(request.user, group) is None:
            data["leader"] = None  # a leader outside the caller's region stays hidden
        return data


class BusinessGroupDetailSerializer(BusinessGroupSerializer):
    members = serializers.SerializerMethodField(help_text=_("Current members first, then former ones."))

    class Meta(BusinessGroupSerializer.Meta):
        fields = [*BusinessGroupSerializer.Meta.fields, "members"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, group) -> list:
        memberships = (
            group.memberships.visible_to(self.context["request"].user)
            .select_related("partner")
            .order_by("left_on", "partner__business_name")
        )
        return MemberSerializer(memberships, many=True, context=self.context).data


class BusinessGroupFilter(FilterSet):
    regency = django_filters.CharFilter(field_name="regency__code", label=_("code of a regency/city"))
    province = django_filters.CharFilter(method="filter_province", label=_("code of a province"))
    q = django_filters.CharFilter(
        method="filter_q", label=_("group name, regency/city or province (name or code), as on the group list")
    )

    class Meta:
        model = BusinessGroup
        fields = ["regency", "province", "q"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(region_code__startswith=value + ".")

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class BusinessGroupViewSet(
    CreatingActionsMixin,
    IdempotentCreateMixin,
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Business groups (kelompok usaha) with their members; add and end memberships as actions."""

    queryset = BusinessGroup.objects.select_related("regency", "leader")
    serializer_class = BusinessGroupSerializer
    filterset_class = BusinessGroupFilter
    search_fields = ["name"]
    ordering_fields = ["name", "updated_at", "id"]
    ordering = "name"
    http_method_names = WRITE_METHODS
    creating_actions = ("members",)

    def get_serializer_class(self):
        if self.action == "members":
            return MembershipAddSerializer
        if self.action == "end_membership":
            return MembershipEndSerializer
        if self.action == "list":
            return BusinessGroupSerializer
        return BusinessGroupDetailSerializer

    def get_queryset(self):
        # Members outside the caller's region are neither listed nor counted.
        return super().get_queryset().annotate(member_count=group_member_count(self.request.user))

    def perform_create(self, serializer):
        if self.action == "members":
            data = dict(serializer.validated_data)
            confirmed = data.pop("confirm_other_province", False)
            serializer.instance = services.membership_add(
                group=self.get_object(), actor=self.request.user, other_province_confirmed=confirmed, **data
            )
            return
        data = {k: v for k, v in serializer.validated_data.items() if k != "leader"}
        group = services.business_group_create(actor=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=group.pk)

    def perform_update(self, serializer):
        services.business_group_update(group=serializer.instance, actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=MembershipAddSerializer, responses={status.HTTP_201_CREATED: MemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Add a partner to the group from a date."""
        self.get_object()  # 404 outside the scope before anything else
        return self.create(request)

    @extend_schema(request=MembershipEndSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path=r"members/(?P<membership_id>[0-9]+)/end")
    def end_membership(self, request, pk=None, membership_id=None):
        """End a membership on a date (the partner leaves the group)."""
        group = self.get_object()
        membership = (
            group.memberships.visible_to(request.user)
            .select_related("group", "partner")
            .filter(pk=membership_id)
            .first()
        )
        if membership is None:
            raise NotFound()
        serializer = MembershipEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_end(membership=membership, actor=request.user, **serializer.validated_data)
        return Response(MemberSerializer(membership).data)


# --- Assessments --------------------------------------------------------------------------


class AssessmentSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none())
    assessed_on = serializers.DateField()
    capital = serializers.IntegerField(min_value=0, max_value=10**15)
    annual_sales = serializers.IntegerField(min_value=0, max_value=10**15)
    workers = serializers.IntegerField(min_value=0, max_value=10**6)
    size_class = choice_field(SizeClass.choices, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "partner",
            "assessed_on",
            "capital",
            "annual_sales",
            "workers",
            "market_local",
            "market_regional",
            "market_national",
            "market_export",
            "note",
            "size_class",
            "assessed_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["assessed_by", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["partner"].queryset = Partner.objects.visible_to(request.user)


class AssessmentFilter(FilterSet):
    partner = IntegerFilter(field_name="partner_id", label=_("id of a partner"))

    class Meta:
        model = Assessment
        fields = ["partner"]


class AssessmentViewSet(
    IdempotentCreateMixin, ScopedQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Dated assessments of partners (`?partner=<id>` for one partner); the size class follows from them."""

    queryset = Assessment.objects.all()
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    search_fields: list[str] = []
    ordering_fields = ["assessed_on", "updated_at", "id"]
    ordering = "-id"

    def perform_create(self, serializer):
        serializer.instance = services.assessment_record(actor=self.request.user, **serializer.validated_data)


# --- Partner import ---------------------------------------------------------------------------


class CanImportPartners(permissions.BasePermission):
    """Importing is registering partners: only roles that may add partners, as on the pages."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("partners.add_partner"))


IMPORT_ROWS_PER_RESPONSE = 200  # as many as the import page shows


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=_("Line in the file (the header is line 1)."))
    data = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text=_("The cells as read."))
    errors = serializers.ListField(child=serializers.CharField(), help_text=_("Empty when the row is valid."))


class PartnerImportSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True, help_text=_("An .xlsx or .csv file with the template's columns."))
    status = choice_field(PartnerImport.Status.choices, read_only=True)
    rows = serializers.SerializerMethodField(
        help_text=_(
            "Up to 200 checked rows from ?rows_from= (default 0): only the rows with errors when there "
            "are any, else every row. The NIK is masked."
        )
    )
    rows_next_from = serializers.SerializerMethodField(
        help_text=_("The ?rows_from= value that reads the next rows; null when there are no more.")
    )

    class Meta:
        model = PartnerImport
        fields = [
            "id",
            "file",
            "original_name",
            "status",
            "total_rows",
            "processed_rows",
            "error_rows",
            "created_count",
            "message",
            "rows",
            "rows_next_from",
            "created_at",
            "finished_at",
        ]
        read_only_fields = [name for name in fields if name not in {"file", "rows", "rows_next_from", "status"}]

    def validate_file(self, upload):
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise serializers.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def to_representation(self, job):
        self._page = self._rows_page(job)  # read by get_rows and get_rows_next_from
        return super().to_representation(job)

    def _rows_page(self, job) -> tuple[list, int | None]:
        """The rows of this response (the faulty ones when there are any) and where the next ones start."""
        request = self.context.get("request")
        start = request.query_params.get("rows_from", "0") if request is not None else "0"
        if not start.isdigit():
            raise serializers.ValidationError({"rows_from": [_("Give a whole number, 0 or more.")]})
        start = min(int(start), job.total_rows)  # no import has more rows; keeps OFFSET small
        # LIMIT/OFFSET in SQL, one row more than shown to know whether others follow.
        rows = list(views.import_rows(job)[start : start + IMPORT_ROWS_PER_RESPONSE + 1])
        following = start + IMPORT_ROWS_PER_RESPONSE
        return rows[:IMPORT_ROWS_PER_RESPONSE], following if len(rows) > IMPORT_ROWS_PER_RESPONSE else None

    @extend_schema_field(ImportRowSerializer(many=True))
    def get_rows(self, job) -> list:
        rows = []
        for row in self._page[0]:
            data = {key: str(value) for key, value in row.data.items()}
            if "owner_nik" in data:
                data["owner_nik"] = mask_nik(data["owner_nik"])
            rows.append({"line": row.line, "data": data, "errors": [str(e) for e in row.errors]})
        return rows

    def get_rows_next_from(self, job) -> int | None:
        return self._page[1]


class PartnerImportViewSet(
    CreatingActionsMixin,
    IdempotentCreateMixin,
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Import partners from a spreadsheet: upload (checked at once, or in the background for big
    files), read the status and the rows' errors, then commit all rows or none. Only the uploader
    sees an import."""

    queryset = PartnerImport.objects.all()
    serializer_class = PartnerImportSerializer
    permission_classes = [CanImportPartners]
    parser_classes = [JSONParser, MultiPartParser]  # the upload is a file
    ordering = "-id"

    @extend_schema(request={"multipart/form-data": PartnerImportSerializer})
    def create(self, request, *args, **kwargs):
        """Upload a file; its rows are checked like on the import page."""
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        try:
            job = services.partner_import_start(
                actor=self.request.user, uploaded_file=serializer.validated_data["file"]
            )
        except ImportFileError as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from None
        serializer.instance = PartnerImport.objects.get(pk=job.pk)

    @extend_schema(request=None, responses=PartnerImportSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """Create every partner of a valid file, or none; repeating it after success changes nothing."""
        job = self.get_object()
        if job.status not in {PartnerImport.Status.COMMITTING, PartnerImport.Status.COMMITTED}:
            job = services.partner_import_request_commit(job=job, actor=request.user)
        return Response(PartnerImportSerializer(PartnerImport.objects.get(pk=job.pk)).data)


def register(router) -> None:
    router.register("partners", PartnerViewSet, basename="partner")
    router.register("partner-imports", PartnerImportViewSet, basename="partnerimport")
    router.register("groups", BusinessGroupViewSet, basename="businessgroup")
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register_changes("partner", PartnerViewSet)
    router.register_changes("group", BusinessGroupViewSet)
    router.register_changes("assessment", AssessmentViewSet)

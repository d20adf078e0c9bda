"""Dashboard figures and impact reports in the API.

`GET /api/v1/dashboard/` answers with the figures of the dashboard page for the
same parameters, through the same `dashboard_query()`: the caller's scope
applies and a region, company or program outside it is a 404.
"""

import datetime
import re
from functools import partial

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import FileResponse, Http404, QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.idempotency import IdempotentCreateMixin
from accounts.models import Company
from accounts.scope import scope_for, scope_label
from partners.models import Sector
from programs.models import Pillar
from regions.models import Region
from tjsl.api import FilterSet, IntegerFilter, ScopedPrimaryKeyRelatedField, ScopedQuerysetMixin, choice_field
from tjsl.periods import validate_year

from .dashboard import PeriodError, dashboard_data, dashboard_query, figures_for
from .impact.figures import period_start
from .impact.services import impact_report_enqueue, impact_report_request, report_files_readable, scope_covers
from .models import ImpactReport

DASHBOARD_PERMISSION = "disbursements.view_disbursement"  # as the dashboard page
REGION_CODE = re.compile(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")


# --- Dashboard ------------------------------------------------------------------------------


class HeadlineSerializer(serializers.Serializer):
    handovers = serializers.IntegerField(help_text=_("Handovers counted (approved and later), net of reversals."))
    net = serializers.IntegerField(help_text=_("Value handed over, net of reversals (whole rupiah)."))
    realised = serializers.IntegerField(help_text=_("Value handed over or verified (whole rupiah)."))
    budget = serializers.IntegerField(
        allow_null=True,
        help_text=_("Budget of the years (company view only); null for a role that may not read budgets."),
    )
    realisation_pct = serializers.FloatField(allow_null=True)
    beneficiaries = serializers.IntegerField(help_text=_("Businesses that received aid, directly or as members."))
    reached = serializers.IntegerField()
    groups = serializers.IntegerField()
    naik_kelas = serializers.IntegerField()
    export = serializers.IntegerField()
    activities = serializers.IntegerField()
    participants = serializers.IntegerField()


class TrendSerializer(serializers.Serializer):
    month = serializers.DateField()
    net = serializers.IntegerField()


def _row(name: str, id_field, **extra) -> type[serializers.Serializer]:
    fields = {"id": id_field, "label": serializers.CharField(), **extra}
    return type(name, (serializers.Serializer,), fields)


def _money():
    return serializers.IntegerField(allow_null=True)


ProgramRowSerializer = _row("DashboardProgramRow", serializers.IntegerField(), net=_money(), handovers=_money())
CompanyRowSerializer = _row("DashboardCompanyRow", serializers.IntegerField(), net=_money())
PillarRowSerializer = _row("DashboardPillarRow", serializers.CharField(), net=_money())
SdgRowSerializer = _row("DashboardSdgRow", serializers.IntegerField(), net=_money())
SectorRowSerializer = _row(
    "DashboardSectorRow", serializers.CharField(allow_null=True), net=_money(), beneficiaries=serializers.IntegerField()
)
ClassRowSerializer = _row(
    "DashboardClassRow", serializers.IntegerField(allow_null=True), beneficiaries=serializers.IntegerField()
)
KindRowSerializer = _row("DashboardKindRow", serializers.CharField(), net=_money())


class ChildRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    net = serializers.IntegerField()
    handovers = serializers.IntegerField()
    beneficiaries = serializers.IntegerField()


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class DashboardRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    region = DashboardRegionSerializer(allow_null=True, help_text=_("Null: the whole country."))
    scope = serializers.CharField(help_text=_("Whose figures these are: company and region of your scope."))
    headline = HeadlineSerializer()
    trend = TrendSerializer(many=True)
    by_program = ProgramRowSerializer(many=True)
    by_company = CompanyRowSerializer(many=True)
    by_pillar = PillarRowSerializer(many=True)
    by_sdg = SdgRowSerializer(many=True)
    by_sector = SectorRowSerializer(many=True)
    by_class = ClassRowSerializer(many=True)
    by_kind = KindRowSerializer(many=True)
    children = ChildRowSerializer(many=True, help_text=_("One row per region one level below."))


def _text(name: str, description) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, description=str(description))


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

DASHBOARD_PARAMETERS = [
    _text("period", _("A year (2023), a quarter (2023-Q4) or a month (2023-11); default: this year.")),
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description=str(_("Start of a custom range (widened to whole months)."))
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description=str(_("End of a custom range."))),
    OpenApiParameter(
        "region",
        {"type": "string", "pattern": REGION_CODE.pattern},
        description=str(_("Code of a region inside your scope, e.g. 16.10.")),
    ),
    OpenApiParameter("company", {"type": "integer", "minimum": 0}, description=str(_("id of a company in your scope"))),
    OpenApiParameter("program", {"type": "integer", "minimum": 0}, description=str(_("id of a program in your scope"))),
    OpenApiParameter("pillar", OpenApiTypes.STR, enum=Pillar.values),
    OpenApiParameter("sdg", {"type": "integer", "minimum": 0}, description=str(_("SDG number"))),
    OpenApiParameter("sector", OpenApiTypes.STR, enum=Sector.values),
]


class HasDashboardPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(DASHBOARD_PERMISSION))


def _clean_parameters(params) -> QueryDict:
    """Only the dashboard's own parameters; malformed values are a 400, not a 404 or a crash."""
    errors, clean = {}, QueryDict(mutable=True)
    for parameter in DASHBOARD_PARAMETERS:
        if parameter.name not in params:
            continue
        value = params.get(parameter.name)
        if value == "" and parameter.name in ("period", "from", "to"):
            continue
        if value == "":
            errors[parameter.name] = [_("Enter a value or leave the parameter out.")]
        elif "\x00" in value or len(value) > 50:
            errors[parameter.name] = [_("Enter a valid value.")]
        elif parameter.name in ("from", "to"):
            try:
                day = datetime.date.fromisoformat(value) if ISO_DATE.fullmatch(value) else None
            except ValueError:
                day = None
            if day is None:
                errors[parameter.name] = [_("Enter a date as yyyy-mm-dd (ISO 8601), e.g. 2023-11-09.")]
            else:
                clean[parameter.name] = f"{day:%d/%m/%Y}"  # the form the pages' period parser reads
        elif parameter.name == "region" and not REGION_CODE.match(value):
            errors[parameter.name] = [_("Enter a region code such as 16 or 16.10.")]
        elif parameter.name in ("company", "program", "sdg") and not (value.isascii() and value.isdigit()):
            errors[parameter.name] = [_("Enter a whole number.")]
        elif parameter.name in ("pillar", "sector") and value not in (parameter.enum or ()):
            errors[parameter.name] = [_("Select a valid choice.")]
        else:
            clean[parameter.name] = value
    if errors:
        raise exceptions.ValidationError(errors)
    return clean


class DashboardView(APIView):
    """The figures of the dashboard for your scope and a period."""

    permission_classes = [HasDashboardPermission]

    @extend_schema(
        parameters=DASHBOARD_PARAMETERS,
        responses={200: DashboardSerializer},
        operation_id="dashboard_retrieve",
    )
    def get(self, request):
        try:
            query, refs = dashboard_query(request.user, _clean_parameters(request.query_params))
        except Http404 as error:
            raise exceptions.NotFound() from error
        except PeriodError as error:
            raise exceptions.ValidationError({error.field_name: [error.message]}) from error
        data = figures_for(request.user, dashboard_data(query, refs))
        region = refs["region"]
        body = {
            **data,
            "period": {"key": query.period.key, "start": query.period.start, "end": query.period.end},
            "region": {"code": region.code, "name": region.name, "level": region.level} if region else None,
            "scope": scope_label(request.user),
        }
        return Response(DashboardSerializer(body).data)


# --- Impact reports -------------------------------------------------------------------------


class ImpactReportSerializer(serializers.ModelSerializer):
    has_pdf = serializers.SerializerMethodField()
    has_xlsx = serializers.SerializerMethodField()
    kind = choice_field(ImpactReport.Kind.choices, read_only=True)
    status = choice_field(ImpactReport.Status.choices, read_only=True)
    language = choice_field(ImpactReport.Language.choices, read_only=True)
    trigger = choice_field(ImpactReport.Trigger.choices, read_only=True)

    class Meta:
        model = ImpactReport
        fields = [
            "id",
            "kind",
            "period_key",
            "period_start",
            "period_end",
            "company",
            "region_code",
            "language",
            "version",
            "status",
            "progress",
            "trigger",
            "created_at",
            "updated_at",
            "finished_at",
            "has_pdf",
            "has_xlsx",
        ]

    def get_has_pdf(self, report) -> bool:
        return report.status == ImpactReport.Status.DONE and bool(report.pdf)

    def get_has_xlsx(self, report) -> bool:
        return report.status == ImpactReport.Status.DONE and bool(report.xlsx)


class PassthroughRenderer(renderers.BaseRenderer):
    """Lets a file response through content negotiation; errors still come as JSON."""

    media_type = "application/octet-stream"
    format = "bin"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PdfRenderer(PassthroughRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XlsxRenderer(PassthroughRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


PERIOD_KEY = re.compile(r"(?P<year>[0-9]{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?")


class ImpactReportRequestSerializer(serializers.Serializer):
    """Ask for a report of a period and a scope; it is produced by a worker. Follow the
    answer's `status` (GET the report) until it is `done`, then download its files."""

    period = serializers.CharField(help_text=_("A year (2023), a quarter (2023-Q4) or a month (2023-11)."))
    company = ScopedPrimaryKeyRelatedField(
        Company, required=False, allow_null=True, help_text=_("id of a company; empty: every company in your scope")
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(level__in=[1, 2]),
        required=False,
        allow_null=True,
        help_text=_("Code of a province or regency; empty: your whole scope."),
    )
    language = serializers.ChoiceField(choices=ImpactReport.Language.choices, default="id")

    def validate_period(self, value: str) -> tuple[str, datetime.date]:
        match = PERIOD_KEY.fullmatch(value.strip())
        if match is None:
            raise serializers.ValidationError(_("Enter a year (2023), a quarter (2023-Q4) or a month (2023-11)."))
        year = int(match["year"])
        try:
            validate_year(year)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        if match["quarter"]:
            return "quarter", period_start("quarter", year, int(match["quarter"]))
        if match["month"]:
            return "month", period_start("month", year, int(match["month"]))
        return "year", period_start("year", year)

    def validate(self, data):
        request = self.context["request"]
        company, region = data.get("company"), data.get("region")
        if company is None:
            company = request.user.company  # staff and managers: their own company, as on the page
        covered = scope_covers(
            scope_for(request.user),
            company_id=company.pk if company else None,
            region_code=region.code if region else None,
        )
        if not covered:
            raise serializers.ValidationError(
                {"region" if region else "company": [_("This report lies outside your scope.")]}, code="out_of_scope"
            )
        return {**data, "company": company}

    def to_representation(self, report):
        return ImpactReportSerializer(report, context=self.context).data


class ImpactReportFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=ImpactReport.Kind.choices)
    status = django_filters.ChoiceFilter(choices=ImpactReport.Status.choices)
    language = django_filters.ChoiceFilter(choices=ImpactReport.Language.choices)
    period_key = django_filters.CharFilter(label=_("period: 2023, 2023-Q4 or 2023-11"))
    company = IntegerFilter(field_name="company_id", label=_("id of a company"))

    class Meta:
        model = ImpactReport
        fields = ["kind", "status", "language", "period_key", "company"]


class ImpactReportViewSet(
    IdempotentCreateMixin, ScopedQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Impact reports (monthly, quarterly, yearly) of your scope, and their PDF and Excel files.
    POST asks for one (201, status `queued`); a worker produces it."""

    queryset = ImpactReport.objects.select_related("company").defer("figures", "diff")
    serializer_class = ImpactReportSerializer
    filterset_class = ImpactReportFilter
    search_fields: list[str] = []
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = "-id"

    def get_serializer_class(self):
        return ImpactReportRequestSerializer if self.action == "create" else ImpactReportSerializer

    @extend_schema(request=ImpactReportRequestSerializer, responses={201: ImpactReportSerializer})
    def create(self, request, *args, **kwargs):
        """Ask for a report of a period and a scope (an Idempotency-Key makes a retry safe)."""
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        kind, start = serializer.validated_data["period"]
        report = impact_report_request(
            actor=self.request.user,
            kind=kind,
            start=start,
            company=serializer.validated_data["company"],
            region=serializer.validated_data.get("region"),
            language=serializer.validated_data["language"],
        )
        transaction.on_commit(partial(impact_report_enqueue, report=report))
        serializer.instance = report

    def _download(self, fmt: str):
        report = self.get_object()
        if not report_files_readable(self.request.user, report):
            raise exceptions.PermissionDenied(
                _("The files of a company's report show its program budgets, which your role may not read.")
            )
        field = {"pdf": report.pdf, "xlsx": report.xlsx}[fmt]
        if report.status != ImpactReport.Status.DONE or not field:
            raise exceptions.NotFound()
        scope = report.company.short_name if report.company else "semua"
        name = (
            (f"laporan-dampak-tjsl-{report.period_key}-{scope}-{report.region_code or 'nasional'}-v{report.version}")
            .lower()
            .replace(" ", "-")
        )
        response = FileResponse(field.open("rb"), as_attachment=True, filename=f"{name}.{fmt}")
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(responses={(200, PdfRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        """The report as PDF (only when it is done)."""
        return self._download("pdf")

    @extend_schema(responses={(200, XlsxRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, XlsxRenderer])
    def xlsx(self, request, pk=None):
        """The report's figures as an Excel workbook (only when it is done)."""
        return self._download("xlsx")


def register(router) -> None:
    router.add_view("dashboard/", DashboardView.as_view(), name="dashboard")
    router.register("reports", ImpactReportViewSet, basename="impactreport")
    router.register_changes("report", ImpactReportViewSet)

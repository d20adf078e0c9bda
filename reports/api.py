"""Dashboard figures and impact reports in the API.

`GET /api/v1/dashboard/` answers with the figures of the dashboard page for the
same parameters, through the same `dashboard_query()`: the caller's scope
applies and a region, company or program outside it is a 404.
"""

import datetime
import re

import django_filters
from django.http import FileResponse, Http404, QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, renderers, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scope import scope_label
from partners.api import choice_field
from partners.models import Sector
from programs.models import Pillar
from tjsl.api import FilterSet, IntegerFilter, ScopedReadOnlyViewSet

from .dashboard import PeriodError, dashboard_data, dashboard_query, figures_for
from .impact.services import report_files_readable
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


class ImpactReportFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=ImpactReport.Kind.choices)
    status = django_filters.ChoiceFilter(choices=ImpactReport.Status.choices)
    language = django_filters.ChoiceFilter(choices=ImpactReport.Language.choices)
    period_key = django_filters.CharFilter(label=_("period: 2023, 2023-Q4 or 2023-11"))
    company = IntegerFilter(field_name="company_id", label=_("id of a company"))

    class Meta:
        model = ImpactReport
        fields = ["kind", "status", "language", "period_key", "company"]


class ImpactReportViewSet(ScopedReadOnlyViewSet):
    """Impact reports (monthly, quarterly, yearly) of your scope, and their PDF and Excel files."""

    queryset = ImpactReport.objects.select_related("company").defer("figures", "diff")
    serializer_class = ImpactReportSerializer
    filterset_class = ImpactReportFilter
    search_fields: list[str] = []
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = "-id"

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

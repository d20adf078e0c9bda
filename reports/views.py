"""Dashboard pages. Every figure comes from `dashboard_query(user, GET)`, which applies the scope."""

import base64
from typing import NamedTuple
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tjsl.templatetags.tjsl_format import number
from tjsl.templatetags.tjsl_format import rupiah_text as rupiah

from .charts import bar_chart_svg, column_chart_svg, count_label, rupiah_short
from .dashboard import (
    CACHE_SECONDS,
    PeriodError,
    dashboard_data,
    dashboard_query,
    figures_for,
    latest_year_with_data,
)
from .dashboard_forms import CUSTOM, DashboardFilterForm

VIEW_PERMISSION = "disbursements.view_disbursement"
FILTER_KEYS = ("period", "from", "to", "company", "program", "pillar", "sdg", "sector", "region")


def _place(region) -> dict:
    """The handover list's own region filters, as its form shows them (a district by its code)."""
    if region is None:
        return {}
    if region.level == 1:
        return {"province": region.pk}
    if region.level == 2:  # the list offers a province's regencies once the province is chosen
        return {"province": region.parent_id, "regency": region.pk}
    return {"region": region.code}


def _id_list(ids) -> str:
    """`3,5,8` for the lists' program filters; `0` (no program) when none matches."""
    return ",".join(str(pk) for pk in ids) or "0"


def _support(query) -> dict:
    """The partner and group lists' `supported_*` filters: the records the reach figures count."""
    params = {"supported_from": f"{query.period.start:%d/%m/%Y}", "supported_to": f"{query.period.end:%d/%m/%Y}"}
    if query.company_id:
        params["supported_company"] = query.company_id
    if query.program_ids is not None:
        params["supported_program"] = _id_list(query.program_ids)
    if query.region_code:
        params["supported_region"] = query.region_code
    return params


def _links(query, region) -> dict:
    """Where each figure leads: the handover, partner and group lists showing what it counts."""
    handover = {
        "counted": "1",
        **_place(region),
        "date_from": f"{query.period.start:%d/%m/%Y}",
        "date_to": f"{query.period.end:%d/%m/%Y}",
    }
    if query.company_id:
        handover["company"] = query.company_id
    if query.program_id:
        handover["program"] = query.program_id
    elif query.program_ids is not None:
        handover["programs"] = _id_list(query.program_ids)
    if query.sector:
        handover["sector"] = query.sector
    support = _support(query)
    received = {"supported": "received", **support, **({"sector": query.sector} if query.sector else {})}
    reached = {**received, "supported": "reached"}
    handovers = reverse("disbursements:handover-list")
    partners = reverse("partners:partner-list")
    return {
        "handovers": f"{handovers}?{urlencode(handover)}",
        "handover_params": handover,
        "partners": f"{partners}?{urlencode(received)}",
        "partner_params": received,
        "reached": f"{partners}?{urlencode(reached)}",
        "naik_kelas": f"{partners}?{urlencode({**reached, 'naik_kelas': '1'})}",
        "export": f"{partners}?{urlencode({**reached, 'export': '1'})}",
        # With a sector filter no group is counted (a group has no sector of its own): no list.
        "groups": "" if query.sector else f"{reverse('partners:businessgroup-list')}?{urlencode(support)}",
    }


def _params(request) -> dict:
    return {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)}


class Breakdown(NamedTuple):
    """One breakdown table under the regions (data["by_<chart>"]) and its chart."""

    chart: str  # name in the chart URL
    title: str
    chart_title: str
    link_key: str  # parameter of the handover list each row links to (pillar, SDG: their programs)
    counts: bool  # counts beneficiaries rather than net value

    @property
    def key(self) -> str:
        return f"by_{self.chart}"


BREAKDOWNS = (
    Breakdown("company", gettext_lazy("By company"), gettext_lazy("Net value by company"), "company", False),
    Breakdown("program", gettext_lazy("By program"), gettext_lazy("Net value by program"), "program", False),
    Breakdown("pillar", gettext_lazy("By pillar"), gettext_lazy("Net value by pillar"), "", False),
    Breakdown("sdg", gettext_lazy("By SDG"), gettext_lazy("Net value by SDG"), "", False),
    Breakdown("kind", gettext_lazy("By kind of item"), gettext_lazy("Net value by kind of item"), "item_kind", False),
    Breakdown("sector", gettext_lazy("By sector"), gettext_lazy("Beneficiaries by sector"), "", True),
    Breakdown("class", gettext_lazy("By size class"), gettext_lazy("Beneficiaries by size class"), "", True),
)


def _alt(pairs) -> str:
    """A chart's text alternative: every label with its value, readable without the picture."""
    return "; ".join(f"{label}: {value}" for label, value in pairs)


PLACE_KEYS = ("province", "regency", "region")


def _programs_of(programs, query, keep) -> str:
    return _id_list(p.pk for p in programs if keep(p) and (query.program_ids is None or p.pk in query.program_ids))


def _row_href(breakdown, row_id, links: dict, query, programs) -> str:
    """The list showing what one breakdown row counts: its handovers, or its beneficiaries."""
    if breakdown.counts:
        if row_id is None or row_id == "":
            return ""  # not assessed / business groups: no filter of the partner list selects them
        key = {"sector": "sector", "class": "size_class"}[breakdown.chart]
        return f"{reverse('partners:partner-list')}?{urlencode({**links['partner_params'], key: row_id})}"
    params = {k: v for k, v in links["handover_params"].items() if k not in ("program", "programs")}
    if breakdown.chart == "pillar":
        params["programs"] = _programs_of(programs, query, lambda p: p.pillar == row_id)
    elif breakdown.chart == "sdg":
        params["programs"] = _programs_of(programs, query, lambda p: row_id in {s.number for s in p.sdgs.all()})
    else:
        params = {**links["handover_params"], breakdown.link_key: row_id}
    return f"{reverse('disbursements:handover-list')}?{urlencode(params)}"


def _breakdowns(data: dict, links: dict, chart, query, programs) -> list[dict]:
    """The breakdown tables, formatted here once rather than cell by cell in the template."""
    known = {p.pk for p in programs}
    sections = []
    for breakdown in BREAKDOWNS:
        source = data[breakdown.key]
        has_net = any("net" in row for row in source)
        rows = [
            {
                "label": row["label"],
                "href": ""
                if breakdown.chart == "program" and row["id"] not in known
                else _row_href(breakdown, row["id"], links, query, programs),
                "net": rupiah(row.get("net") or 0) if has_net else "",
                "beneficiaries": number(row.get("beneficiaries")) if breakdown.counts else "",
            }
            for row in source
        ]
        shown = "beneficiaries" if breakdown.counts else "net"
        sections.append(
            {
                "title": breakdown.title,
                "chart_url": chart(breakdown.chart),
                "alt": _alt((row["label"], row[shown]) for row in rows),
                "has_net": has_net,
                "counts": breakdown.counts,
                "rows": rows,
            }
        )
    return sections


def _child_regions(data: dict, child_query: str, child_level: int, links: dict) -> list[dict]:
    prefix = f"?{child_query}&region=" if child_query else "?region="
    handover_params = {k: v for k, v in links["handover_params"].items() if k not in PLACE_KEYS}
    rows = []
    for row in data["children"]:
        placed = not row.get("unplaced")
        rows.append(
            {
                "label": row["label"],
                "href": f"{prefix}{quote(row['code'])}" if child_level <= 3 and placed else "",
                "net": rupiah(row["net"]),
                "handovers": number(row["handovers"]),
                "beneficiaries": number(row["beneficiaries"]),
                "handovers_href": _list_url("disbursements:handover-list", handover_params, region=row["code"])
                if placed
                else "",
                "beneficiaries_href": _list_url(
                    "partners:partner-list", links["partner_params"], supported_region=row["code"]
                )
                if placed
                else "",
            }
        )
    return rows


def _list_url(name: str, params: dict, **extra) -> str:
    return f"{reverse(name)}?{urlencode({**params, **extra})}"


FORM_FIELD = {"period": "period", "from": "date_from", "to": "date_to"}


def _refused_period(request, error: PeriodError):
    """A 400 page that says what is wrong with the period, with the filters to correct it."""
    params = _params(request)
    form_data = {
        "period": params.get("period", ""),
        "date_from": params.get("from", ""),
        "date_to": params.get("to", ""),
    }
    form = DashboardFilterForm(form_data, companies=[], programs=[])
    form.is_valid()
    form.add_error(FORM_FIELD[error.field_name], error.message)
    kept = [(k, v) for k, v in params.items() if k not in FORM_FIELD]  # region, company...: kept as they were
    context = {"form": form, "error": error, "kept": kept}
    return render(request, "reports/dashboard_refused.html", context, status=400)


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
def dashboard(request):
    try:
        query, refs = dashboard_query(request.user, request.GET)
    except PeriodError as error:
        return _refused_period(request, error)
    data = figures_for(request.user, dashboard_data(query, refs))
    params = _params(request)
    custom = bool(params.get("from") or params.get("to"))
    if not custom:
        params["period"] = query.period.key  # the period opened on, kept by every link of the page
    form_data = {
        **params,
        "period": CUSTOM if custom else params["period"],
        "date_from": params.get("from", ""),
        "date_to": params.get("to", ""),
    }
    form = DashboardFilterForm(form_data, companies=refs["companies"], programs=refs["programs"])
    without_region = {k: v for k, v in params.items() if k != "region"}
    links = _links(query, refs["region"])
    child_query = urlencode(without_region)
    child_level = query.level + 1
    context = {
        "query": query,
        "region": refs["region"],
        "data": data,
        "form": form,
        "links": links,
        "child_query": child_query,
        "child_level": child_level,
        "trend_alt": _alt((date_format(row["month"], "F Y"), rupiah(row["net"])) for row in data["trend"]),
        "children": _child_regions(data, child_query, child_level, links),
        "trend_chart": chart_data_uri(query, data, "trend"),
        "latest": _latest_with_data(query, data, params),
        "breakdowns": _breakdowns(data, links, lambda name: chart_data_uri(query, data, name), query, refs["programs"]),
    }
    return render(request, "reports/dashboard.html", context)


def _latest_with_data(query, data: dict, params: dict) -> dict | None:
    """For a period without handovers: whether any exist in the scope, and the latest year's link."""
    headline = data["headline"]
    if headline["handovers"] or headline["net"]:
        return None
    year = latest_year_with_data(query.scope)
    kept = {k: v for k, v in params.items() if k not in ("period", "from", "to")}
    url = f"?{urlencode({**kept, 'period': year})}" if year and str(year) != query.period.key else ""
    return {"year": year, "url": url}


def _bars(rows, *, value="net", fmt=rupiah_short):
    rows = [r for r in rows if r.get(value)]
    return {"labels": [str(r["label"]) for r in rows], "values": [r[value] for r in rows], "fmt": fmt}


def _chart_spec(name: str, data: dict) -> tuple[str, dict] | None:
    if name == "trend":
        return _("Net value by month"), {
            "labels": [f"{row['month']:%m/%y}" for row in data["trend"]],
            "values": [row["net"] for row in data["trend"]],
            "fmt": rupiah_short,
        }
    if name == "regions":
        return _("Net value by region"), _bars(data["children"][:20])
    breakdown = next((b for b in BREAKDOWNS if b.chart == name), None)
    if breakdown is None:
        return None
    if breakdown.counts:
        return str(breakdown.chart_title), _bars(data[breakdown.key], value="beneficiaries", fmt=count_label)
    return str(breakdown.chart_title), _bars(data[breakdown.key])


CHART_NAMES = frozenset({"trend", "regions", *(breakdown.chart for breakdown in BREAKDOWNS)})


def chart_svg(query, data: dict, name: str) -> str | None:
    """One chart of the dashboard as SVG markup (None for an unknown name), cached with the figures."""
    if name not in CHART_NAMES:
        return None  # before the cache: a name from the address never becomes part of a key
    key = f"{query.cache_key()}:chart:{name}"
    svg = cache.get(key)
    if svg is None:
        spec = _chart_spec(name, data)
        if spec is None:
            return None
        title, chart = spec
        draw = column_chart_svg if name == "trend" else bar_chart_svg
        svg = draw(title=title, **chart)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def chart_data_uri(query, data: dict, name: str) -> str:
    """The chart inside the page, as an image the CSP allows (img-src data:): no request of its own,
    and no inline SVG, whose style attributes the CSP forbids."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(query, data, name).encode()).decode()


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
def dashboard_chart(request, name: str):
    """One chart of the dashboard as SVG, for the same user, scope and filters as the page."""
    try:
        query, refs = dashboard_query(request.user, request.GET)
    except PeriodError as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
    svg = chart_svg(query, dashboard_data(query, refs), name)
    if svg is None:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Impact reports -----------------------------------------------------------------------

from django.contrib import messages  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.http import FileResponse  # noqa: E402
from django.shortcuts import get_object_or_404, redirect  # noqa: E402
from django.views.decorators.http import require_http_methods  # noqa: E402
from django.views.generic import DetailView, ListView  # noqa: E402

from accounts.models import Company  # noqa: E402
from accounts.scope import scope_for  # noqa: E402
from regions.models import Region  # noqa: E402

from .impact.documents import period_label  # noqa: E402
from .impact.forms import ImpactReportRequestForm  # noqa: E402
from .impact.services import (  # noqa: E402
    impact_report_enqueue,
    impact_report_request,
    report_diff_for,
    report_files_readable,
    scope_covers,
)
from .models import ImpactReport  # noqa: E402

REPORT_VIEW_PERMISSION = "reports.view_impactreport"
REPORT_ADD_PERMISSION = "reports.add_impactreport"


class ImpactReportMixin:
    def get_queryset(self):
        return ImpactReport.objects.visible_to(self.request.user).select_related("company", "region", "requested_by")


class ImpactReportListView(ImpactReportMixin, ListView):
    template_name = "reports/report_list.html"
    context_object_name = "reports"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().defer("figures", "diff")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_request"] = self.request.user.has_perm(REPORT_ADD_PERMISSION)
        return context


class ImpactReportDetailView(ImpactReportMixin, DetailView):
    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context["period_label"] = period_label(report.kind, report.period_start)
        context["diff"] = report_diff_for(self.request.user, report)
        context["versions"] = (
            ImpactReport.objects.visible_to(self.request.user)
            .of_scope(
                kind=report.kind,
                period_start=report.period_start,
                company_id=report.company_id,
                region_code=report.region_code,
                language=report.language,
            )
            .defer("figures", "diff")
            .order_by("-version")
        )
        return context


def _visible_report_or_404(user, pk: int) -> ImpactReport:
    if not user.has_perm(REPORT_VIEW_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(ImpactReport.objects.visible_to(user), pk=pk)


@require_GET
def report_status(request, pk: int):
    """The progress partial, polled by htmx every 2 s while the report is queued or running."""
    report = _visible_report_or_404(request.user, pk)
    return render(request, "reports/_report_status.html", {"report": report})


@require_GET
def report_download(request, pk: int, fmt: str):
    report = _visible_report_or_404(request.user, pk)
    if not report_files_readable(request.user, report):
        raise PermissionDenied
    field = {"pdf": report.pdf, "xlsx": report.xlsx}.get(fmt)
    if report.status != ImpactReport.Status.DONE or not field:
        raise Http404
    scope = report.company.short_name if report.company else "semua"
    name = f"laporan-dampak-tjsl-{report.period_key}-{scope}-{report.region_code or 'nasional'}-v{report.version}.{fmt}"
    response = FileResponse(field.open("rb"), as_attachment=True, filename=name.lower().replace(" ", "-"))
    response["Cache-Control"] = "private, no-store"
    return response


def _requested_scope(user, data) -> tuple[Company | None, Region | None]:
    """The company and region posted, or 404 when they lie outside the user's scope."""
    scope = scope_for(user)
    region_code = (data.get("region") or "").strip() or None
    company_id = (data.get("company") or "").strip() or scope.company_id
    region = get_object_or_404(Region, code=region_code, level__in=[1, 2]) if region_code else None
    try:
        company = get_object_or_404(Company, pk=int(company_id)) if company_id else None
    except ValueError as error:
        raise Http404 from error
    if not scope_covers(scope, company_id=company.pk if company else None, region_code=region_code):
        raise Http404
    return company, region


@require_http_methods(["GET", "POST"])
def report_request(request):
    if not request.user.has_perm(REPORT_ADD_PERMISSION):
        raise PermissionDenied
    scope = scope_for(request.user)
    form = ImpactReportRequestForm(request.POST or None, scope=scope)
    if request.method == "POST":
        company, region = _requested_scope(request.user, request.POST)
        if form.is_valid():
            try:
                report = impact_report_request(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    start=form.start(),
                    company=company,
                    region=region,
                    language=form.cleaned_data["language"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if impact_report_enqueue(report=report):
                    messages.success(request, _("The report is being produced; it appears in your list when done."))
                else:
                    messages.error(
                        request,
                        _("The job queue is unavailable right now, so the report could not be produced. "
                          "Nothing else is affected; please try again later."),
                    )  # fmt: skip
                return redirect("reports:report-detail", pk=report.pk)
    return render(request, "reports/report_request.html", {"form": form})

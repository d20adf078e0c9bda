"""Dashboard pages. Every figure comes from `dashboard_query(user, GET)`, which applies the scope."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .charts import bar_chart_svg, column_chart_svg, count_label, rupiah_short
from .dashboard import CACHE_SECONDS, dashboard_data, dashboard_query
from .dashboard_forms import DashboardFilterForm

VIEW_PERMISSION = "disbursements.view_disbursement"
FILTER_KEYS = ("period", "from", "to", "company", "program", "pillar", "sdg", "sector", "region")


def _links(query, region) -> dict:
    """Where each figure leads: the handover and partner lists with matching filters."""
    place = {}
    if region is not None:
        if region.level == 1:
            place = {"province": region.pk}
        else:
            place = {"regency": region.pk if region.level == 2 else region.parent_id}
    handover = {
        **place,
        "date_from": f"{query.period.start:%d/%m/%Y}",
        "date_to": f"{query.period.end:%d/%m/%Y}",
    }
    if query.company_id:
        handover["company"] = query.company_id
    if query.program_id:
        handover["program"] = query.program_id
    partner = dict(place)
    if query.sector:
        partner["sector"] = query.sector
    if query.program_id:
        partner["program"] = query.program_id
    handovers = reverse("disbursements:handover-list")
    partners = reverse("partners:partner-list")
    return {
        "handovers": f"{handovers}?{urlencode(handover)}",
        "handover_params": handover,
        "partners": f"{partners}?{urlencode(partner)}",
        "partner_params": partner,
        "naik_kelas": f"{partners}?{urlencode({**partner, 'naik_kelas': '1'})}",
        "export": f"{partners}?{urlencode({**partner, 'export': '1'})}",
        "groups": reverse("partners:businessgroup-list"),
    }


def _params(request) -> dict:
    return {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)}


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
def dashboard(request):
    query, refs = dashboard_query(request.user, request.GET)
    data = dashboard_data(query, refs)
    params = _params(request)
    form_data = {**params, "date_from": params.get("from", ""), "date_to": params.get("to", "")}
    form = DashboardFilterForm(form_data, companies=refs["companies"], programs=refs["programs"])
    without_region = {k: v for k, v in params.items() if k != "region"}
    context = {
        "query": query,
        "region": refs["region"],
        "data": data,
        "form": form,
        "links": _links(query, refs["region"]),
        "chart_query": urlencode(params),
        "child_query": urlencode(without_region),
        "child_level": query.level + 1,
        "charts": CHARTS,
    }
    return render(request, "reports/dashboard.html", context)


def _bars(rows, *, value="net", fmt=rupiah_short):
    rows = [r for r in rows if r.get(value)]
    return {"labels": [str(r["label"]) for r in rows], "values": [r[value] for r in rows], "fmt": fmt}


def _chart_spec(name: str, data: dict) -> tuple[str, dict] | None:
    specs = {
        "program": (_("Net value by program"), lambda: _bars(data["by_program"])),
        "company": (_("Net value by company"), lambda: _bars(data["by_company"])),
        "pillar": (_("Net value by pillar"), lambda: _bars(data["by_pillar"])),
        "sdg": (_("Net value by SDG"), lambda: _bars(data["by_sdg"])),
        "kind": (_("Net value by kind of item"), lambda: _bars(data["by_kind"])),
        "sector": (
            _("Beneficiaries by sector"),
            lambda: _bars(data["by_sector"], value="beneficiaries", fmt=count_label),
        ),
        "class": (
            _("Beneficiaries by size class"),
            lambda: _bars(data["by_class"], value="beneficiaries", fmt=count_label),
        ),
        "regions": (_("Net value by region"), lambda: _bars(data["children"][:20])),
    }
    if name == "trend":
        return _("Net value by month"), {
            "labels": [f"{row['month']:%m/%y}" for row in data["trend"]],
            "values": [row["net"] for row in data["trend"]],
            "fmt": rupiah_short,
        }
    if name not in specs:
        return None
    title, build = specs[name]
    return title, build()


CHARTS = ("trend", "program", "company", "pillar", "sdg", "kind", "sector", "class", "regions")


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
def dashboard_chart(request, name: str):
    """One chart of the dashboard as SVG, for the same user, scope and filters as the page."""
    query, refs = dashboard_query(request.user, request.GET)
    key = f"{query.cache_key()}:chart:{name}"
    svg = cache.get(key)
    if svg is None:
        spec = _chart_spec(name, dashboard_data(query, refs))
        if spec is None:
            raise Http404
        title, chart = spec
        draw = column_chart_svg if name == "trend" else bar_chart_svg
        svg = draw(title=title, **chart)
        cache.set(key, svg, CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response

"""Project-level pages: the home page, the health check and the language switch."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from accounts.roles import Role
from accounts.scope import scope_label

from . import problems
from .celery import app as celery_app

logger = logging.getLogger(__name__)


WORK_LIST_SIZE = 10


def _first(queryset, size: int = WORK_LIST_SIZE) -> tuple[list, bool]:
    """The first `size` rows and whether there are more (one query)."""
    rows = list(queryset[: size + 1])
    return rows[:size], len(rows) > size


def _handover_rows(queryset):
    return queryset.select_related("program", "partner", "group").order_by("-pk")


def _region_figures(user) -> dict | None:
    """A regional official's headline figures: the dashboard's own, for its default period."""
    from reports.dashboard import PeriodError, dashboard_data, dashboard_query, figures_for

    try:
        query, refs = dashboard_query(user, QueryDict())
    except (Http404, PeriodError):
        return None
    data = figures_for(user, dashboard_data(query, refs))
    return {"headline": data["headline"], "period": query.period, "region": refs["region"]}


def work_list(user) -> dict:
    """What the home page lists for `user`: everything read through `visible_to(user)`."""
    from disbursements import selectors
    from reports.models import ImpactReport

    context = {}
    enters_or_approves = user.has_role(Role.STAF) or user.has_role(Role.MANAJER)
    if enters_or_approves and user.company_id and user.has_perm("disbursements.view_disbursement"):
        awaiting = selectors.awaiting_my_approval(user)
        context["awaiting"], context["awaiting_more"] = _first(_handover_rows(awaiting))
        # Returns first, so a long list of drafts never hides what came back to me.
        drafts = list(_handover_rows(selectors.my_drafts(user)).order_by("-returned", "-pk")[: 2 * WORK_LIST_SIZE])
        context["returned"] = [d for d in drafts if d.returned][:WORK_LIST_SIZE]
        context["drafts"] = [d for d in drafts if not d.returned][:WORK_LIST_SIZE]
        context["approved"], context["approved_more"] = _first(_handover_rows(selectors.approved_not_handed_over(user)))
        context["handover_work"] = True
    if user.has_perm("reports.view_impactreport"):
        reports = ImpactReport.objects.visible_to(user).filter(status=ImpactReport.Status.DONE)
        context["reports"] = list(reports.select_related("company", "region").order_by("-finished_at", "-pk")[:5])
        context["report_work"] = True
    if user.has_role(Role.PEJABAT):
        context["region_figures"] = _region_figures(user)
    return context


def home(request):
    user = request.user
    context = {"role": user.role, "scope": scope_label(user), **work_list(user)}
    return render(request, "home.html", context)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            # Redis: a real round trip; the file-system broker has no server.
            if conn.transport.driver_type == "redis":
                conn.default_channel.client.ping()
        return True
    except Exception:
        logger.warning("Health check: broker unreachable", exc_info=True)
        return False


@login_not_required
@require_GET
@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    body["status"] = "ok" if not failing else "unavailable: " + ", ".join(failing)
    return JsonResponse(body, status=503 if failing else 200)


# The language switch must work on the login page too.
set_language = login_not_required(django_set_language)


@login_not_required
def server_error(request):
    """A 500: problem details under /api/ (what a client parses), the branded page elsewhere."""
    if request.path_info.startswith("/api/"):
        detail = _("Something went wrong on our side; try again later.")
        body = problems.problem(500, code="server_error", detail=detail)
        return JsonResponse(body, status=500, content_type=problems.MEDIA_TYPE)
    return defaults.server_error(request)

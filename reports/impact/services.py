"""Writes of impact reports: request, schedule, produce (run by a worker), fail, sweep.

A report row is created `queued` with its version fixed; a worker takes it with a
row lock (`SELECT ... FOR UPDATE SKIP LOCKED`) and the transition queued -> running,
so two workers never produce the same report. Once `done` the row never changes.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Company, User
from accounts.roles import Role
from accounts.scope import Scope, scope_for
from programs.models import Activity
from programs.selectors import budget_visible_to
from regions.models import Region
from webhooks.models import Event
from webhooks.services import emit

from ..models import HandoverMonthFact, ImpactReport
from .documents import period_label, report_pdf, report_xlsx
from .figures import build_figures, figures_diff, figures_hash, period_closed_before, period_for

logger = logging.getLogger(__name__)
Status = ImpactReport.Status


class QueueUnavailable(Exception):
    """The job could not be handed to the broker."""


# --- Scope rules ------------------------------------------------------------------------


def report_scope(report: ImpactReport) -> Scope:
    return Scope(company_id=report.company_id, region_code=report.region_code or None)


def scope_covers(user_scope: Scope, *, company_id: int | None, region_code: str | None) -> bool:
    """May a user with `user_scope` see a report of (company, region)?"""
    if user_scope.nothing:
        return False
    if user_scope.company_id is not None and company_id != user_scope.company_id:
        return False
    if user_scope.region_code is None:
        return True
    return bool(region_code) and user_scope.covers_region_code(region_code)


# --- Creating reports ------------------------------------------------------------------


def impact_report_create(*, kind, start, company, region, language, trigger, requested_by) -> ImpactReport:
    """The next version of (period, scope, language); retried once if a parallel request took the number."""
    period = period_for(kind, start)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = ImpactReport.objects.of_scope(
                    kind=kind,
                    period_start=start,
                    company_id=company.pk if company else None,
                    region_code=region.code if region else "",
                    language=language,
                ).aggregate(v=Max("version"))["v"]
                report = ImpactReport(
                    kind=kind,
                    period_start=period.start,
                    period_end=period.end,
                    period_key=period.key,
                    company=company,
                    region=region,
                    language=language,
                    version=(latest or 0) + 1,
                    trigger=trigger,
                    requested_by=requested_by,
                    progress_note=_("Waiting for a worker"),
                )
                report.full_clean(exclude=["scope_key", "region_code"])
                report.save()
                return report
        except IntegrityError:
            continue
    raise ValidationError(_("Another request for this report is being saved; try again."))


def impact_report_request(
    *,
    actor: User,
    kind: str,
    start: datetime.date,
    company: Company | None,
    region: Region | None,
    language: str = "id",
) -> ImpactReport:
    """A user asks for a report; it is queued (call `impact_report_enqueue` after commit)."""
    if not actor.has_perm("reports.add_impactreport"):
        raise PermissionDenied(_("You may not request reports."))
    user_scope = scope_for(actor)
    company_id, region_code = (company.pk if company else None), (region.code if region else None)
    if not scope_covers(user_scope, company_id=company_id, region_code=region_code):
        raise PermissionDenied(_("This report lies outside your scope."))
    if region is not None and region.level > 2:
        raise ValidationError(_("Reports cover the country, a province or a regency."))
    if period_for(kind, start).start > timezone.localdate():
        raise ValidationError(_("This period has not started yet."))
    return impact_report_create(
        kind=kind,
        start=start,
        company=company,
        region=region,
        language=language,
        trigger=ImpactReport.Trigger.USER,
        requested_by=actor,
    )


def impact_report_enqueue(*, report: ImpactReport) -> bool:
    """Hand the job to the broker; when it is down, the report is marked failed with the reason."""
    from ..tasks import impact_report_produce  # late: the tasks import this module

    try:
        impact_report_produce.apply_async((report.pk,), retry=False)
    except Exception as error:  # kombu raises OperationalError, socket and redis errors alike
        logger.warning("Impact report %s not queued: %s", report.pk, type(error).__name__)
        impact_report_fail(
            report_id=report.pk, reason=_("The job queue is unavailable; the report was not produced. Try again later.")
        )
        return False
    return True


def _active_provinces(period) -> list[str]:
    codes = set(
        HandoverMonthFact.objects.filter(month__gte=period.start, month__lte=period.end)
        .values_list("province_code", flat=True)
        .distinct()
    )
    codes |= {
        code[:2]
        for code in Activity.objects.filter(start_date__gte=period.start, start_date__lte=period.end)
        .values_list("region_code", flat=True)
        .distinct()
        if code
    }
    return sorted(codes)


def impact_reports_schedule_period(*, kind: str, day: datetime.date, language: str = "id") -> list[ImpactReport]:
    """Queue the reports of the period closed before `day`: every company (national) and every
    province with activity (all companies). A scope already produced by the schedule is skipped."""
    start = period_closed_before(kind, day)
    period = period_for(kind, start)
    scopes = [(company, None) for company in Company.objects.filter(is_active=True).order_by("pk")]
    scopes += [(None, region) for region in Region.objects.filter(level=1, code__in=_active_provinces(period))]
    created = []
    for company, region in scopes:
        existing = ImpactReport.objects.of_scope(
            kind=kind,
            period_start=start,
            company_id=company.pk if company else None,
            region_code=region.code if region else "",
            language=language,
        ).filter(trigger=ImpactReport.Trigger.SCHEDULE)
        if existing.exclude(status=Status.FAILED).exists():
            continue
        report = impact_report_create(
            kind=kind,
            start=start,
            company=company,
            region=region,
            language=language,
            trigger=ImpactReport.Trigger.SCHEDULE,
            requested_by=None,
        )
        transaction.on_commit(lambda report=report: impact_report_enqueue(report=report))
        created.append(report)
    return created


# --- Producing --------------------------------------------------------------------------


def _progress(report_id: int):
    def step(percent: int, note: str) -> None:
        ImpactReport.objects.filter(pk=report_id, status=Status.RUNNING).update(
            progress=percent, progress_note=str(note)[:200]
        )

    return step


def _take(report_id: int) -> ImpactReport | None:
    """queued -> running, under a row lock; None when another worker has it or it is finished."""
    with transaction.atomic():
        report = (
            ImpactReport.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=report_id, status=Status.QUEUED)
            .first()
        )
        if report is None:
            return None
        # A conditional update: atomic even where row locks are not supported (SQLite).
        taken = ImpactReport.objects.filter(pk=report.pk, status=Status.QUEUED).update(
            status=Status.RUNNING,
            started_at=timezone.now(),
            attempts=report.attempts + 1,
            progress=5,
            progress_note=_("Started"),
        )
    if not taken:
        return None
    report.refresh_from_db()
    return report


def _previous_done(report: ImpactReport) -> ImpactReport | None:
    return (
        ImpactReport.objects.of_scope(
            kind=report.kind,
            period_start=report.period_start,
            company_id=report.company_id,
            region_code=report.region_code,
            language=report.language,
        )
        .filter(status=Status.DONE, version__lt=report.version)
        .order_by("-version")
        .first()
    )


def impact_report_produce(*, report_id: int) -> ImpactReport | None:
    """Produce a queued report: figures, PDF, .xlsx, diff; then notify. Safe to call twice."""
    report = _take(report_id)
    if report is None:
        return None
    step = _progress(report.pk)
    scope = report_scope(report)
    period = period_for(report.kind, report.period_start)
    with translation.override(report.language):
        figures = build_figures(period=period, kind=report.kind, scope=scope, progress=step)
        step(65, _("Laying out the PDF"))
        pdf = report_pdf(report, figures)
        step(75, _("Writing the workbook"))
        xlsx = report_xlsx(report, figures, scope=scope, period=period, progress=step)
    previous = _previous_done(report)
    step(95, _("Saving"))
    with transaction.atomic():
        report = ImpactReport.objects.select_for_update().get(pk=report.pk)
        if report.status != Status.RUNNING:
            return report  # swept or failed meanwhile: leave it as it is
        report.figures = figures
        report.figures_hash = figures_hash(figures)
        report.diff = figures_diff(previous.figures, figures, previous_version=previous.version) if previous else None
        report.pdf.save(f"{report.pk}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{report.pk}.xlsx", ContentFile(xlsx), save=False)
        report.status, report.progress, report.progress_note = Status.DONE, 100, ""
        report.finished_at = timezone.now()
        report.save()
        emit(Event.REPORT_READY, company_id=report.company_id, data=_webhook_data(report))
        transaction.on_commit(lambda: impact_report_notify(report=report))
    return report


def _webhook_data(report: ImpactReport) -> dict:
    """What a webhook says about a finished report; the files are at the API's pdf/ and xlsx/."""
    return {
        "id": report.pk,
        "kind": report.kind,
        "period_start": report.period_start,
        "region_code": report.region_code or None,
        "language": report.language,
        "version": report.version,
    }


def impact_report_requeue(*, report_id: int) -> None:
    """A transient error: back to the queue for the next retry."""
    ImpactReport.objects.filter(pk=report_id, status=Status.RUNNING).update(
        status=Status.QUEUED, progress=0, progress_note=_("Retrying after a transient error")
    )


def impact_report_fail(*, report_id: int, reason: str) -> None:
    ImpactReport.objects.filter(pk=report_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.FAILED, error=str(reason)[:2000], finished_at=timezone.now(), progress_note=""
    )


def impact_reports_sweep(*, older_than: datetime.timedelta) -> dict:
    """Reports 'running' longer than the hard time limit: requeued once, then failed."""
    cutoff = timezone.now() - older_than
    stuck = ImpactReport.objects.filter(status=Status.RUNNING, started_at__lt=cutoff)
    requeued = list(stuck.filter(attempts__lt=2).values_list("pk", flat=True))
    ImpactReport.objects.filter(pk__in=requeued, status=Status.RUNNING).update(
        status=Status.QUEUED, progress=0, progress_note=_("Requeued after the worker stopped")
    )
    failed = stuck.exclude(pk__in=requeued).update(
        status=Status.FAILED,
        error=_("The job ran longer than its time limit and was stopped."),
        finished_at=timezone.now(),
    )
    for pk in requeued:
        impact_report_enqueue(report=ImpactReport.objects.get(pk=pk))
    return {"requeued": len(requeued), "failed": failed}


# --- Notification ----------------------------------------------------------------------


def report_recipients(report: ImpactReport) -> list[str]:
    """Scheduled: the company's managers, or a province's officials; on request: the requester."""
    if report.trigger == ImpactReport.Trigger.USER:
        return [report.requested_by.email] if report.requested_by and report.requested_by.email else []
    users = User.objects.filter(is_active=True).exclude(email="")
    if report.company_id:
        users = users.filter(company_id=report.company_id, groups__name=Role.MANAJER)
    elif report.region_id and report.region.level == 1:
        users = users.filter(region_id=report.region_id, groups__name=Role.PEJABAT)
    else:
        return []
    return sorted(set(users.values_list("email", flat=True)))


def impact_report_notify(*, report: ImpactReport) -> int:
    recipients = report_recipients(report)
    if not recipients:
        return 0
    link = settings.TJSL_SITE_URL.rstrip("/") + reverse("reports:report-detail", args=[report.pk])
    with translation.override(report.language):
        what = period_label(report.kind, report.period_start)
        scope = " · ".join(
            [str(report.company or _("All companies")), report.region.name if report.region else str(_("National"))]
        )
        subject = _("TJSL impact report ready: %(period)s, %(scope)s") % {"period": what, "scope": scope}
        body = _("The impact report for %(period)s (%(scope)s), version %(version)s, is ready:\n%(link)s\n") % {
            "period": what,
            "scope": scope,
            "version": report.version,
            "link": link,
        }
    return send_mail(subject, body, None, recipients, fail_silently=True)


def report_files_readable(user, report: ImpactReport) -> bool:
    """A company's report prints its program budgets (summary and per program): its files and
    budget figures go only to roles that may read budgets. Reports of all companies carry none."""
    return report.company_id is None or budget_visible_to(user)


def report_diff_for(user, report: ImpactReport) -> dict | None:
    """The changes from the previous version, without budget figures for a role that may not read them."""
    if report.diff is None or report_files_readable(user, report):
        return report.diff
    changes = [c for c in report.diff.get("changes", []) if not _is_budget_figure(c["key"])]
    return {**report.diff, "changes": changes}


def _is_budget_figure(key: str) -> bool:
    return key.startswith("programs.") or key in ("summary.budget", "summary.realisation_pct")

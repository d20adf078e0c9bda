"""Reports app models.

Dashboard roll-ups (pre-aggregated tables)
------------------------------------------
The dashboard reads these instead of scanning every handover. Each table carries
`company_id` and the handover's `region_code` (plus its province and regency
prefixes), so the user's scope applies to them exactly as to the handovers
(`Scope.q(company_field="company_id", region_code_field="region_code")`).
They are derived data: `reports.aggregates` rebuilds them from the handovers,
and refreshes a cell (month, company, program, region) after every status change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tjsl.models import TouchedOnSave


class FactBase(models.Model):
    month = models.DateField(_("month"))  # first day of the month of `handed_on`
    company_id = models.IntegerField(_("company"))
    program_id = models.IntegerField(_("program"))
    province_code = models.CharField(_("province code"), max_length=2)
    regency_code = models.CharField(_("regency code"), max_length=5)
    region_code = models.CharField(_("region code"), max_length=13)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.company_id}/{self.program_id} {self.region_code}"


class HandoverMonthFact(FactBase):
    """Counted handovers per month, company, program, region and recipient sector."""

    sector = models.CharField(_("recipient sector"), max_length=20, blank=True)  # "" for group handovers
    handovers = models.IntegerField(_("handovers"), default=0)  # counted handovers (reversals excluded)
    net_value = models.BigIntegerField(_("net value (Rp)"), default=0)  # approved onwards, net of reversals
    realised_value = models.BigIntegerField(_("realised net value (Rp)"), default=0)  # handed over + verified

    class Meta:
        verbose_name = _("handover month fact")
        verbose_name_plural = _("handover month facts")
        indexes = [
            models.Index(fields=["month", "province_code"], name="hmf_month_province_idx"),
            models.Index(fields=["regency_code", "month"], name="hmf_regency_month_idx"),
            models.Index(fields=["program_id", "month"], name="hmf_program_month_idx"),
        ]


class HandoverItemMonthFact(FactBase):
    """Net value of counted handovers by kind of item."""

    sector = models.CharField(_("recipient sector"), max_length=20, blank=True)
    item_kind = models.CharField(_("kind of item"), max_length=12)
    net_value = models.BigIntegerField(_("net value (Rp)"), default=0)

    class Meta:
        verbose_name = _("handover item month fact")
        verbose_name_plural = _("handover item month facts")
        indexes = [
            models.Index(fields=["month", "province_code"], name="himf_month_province_idx"),
            models.Index(fields=["regency_code", "month"], name="himf_regency_month_idx"),
        ]


class ReachMonthFact(FactBase):
    """Who was reached, one row per (cell, role, entity), for distinct counts over any period.

    Partner attributes (sector, class, export) are copied at build time so that
    distinct counts by sector or class need no join; a nightly rebuild refreshes them.
    """

    class Role(models.TextChoices):
        BENEFICIARY = "B", _("Beneficiary of a handover")
        PARTICIPANT = "P", _("Participant in an activity")
        GROUP = "G", _("Business group receiving a handover")

    role = models.CharField(_("role"), max_length=1, choices=Role.choices)
    entity_id = models.IntegerField(_("partner or group"))
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    size_class = models.PositiveSmallIntegerField(_("size class"), null=True)
    naik_kelas = models.BooleanField(_("moved up a class"), default=False)
    has_export = models.BooleanField(_("reached export"), default=False)

    class Meta:
        verbose_name = _("reach month fact")
        verbose_name_plural = _("reach month facts")
        indexes = [
            models.Index(fields=["month", "province_code"], name="rmf_month_province_idx"),
            models.Index(fields=["regency_code", "month"], name="rmf_regency_month_idx"),
            models.Index(fields=["program_id", "month"], name="rmf_program_month_idx"),
            models.Index(fields=["entity_id", "month"], name="rmf_entity_month_idx"),
        ]


class ReachYearFact(models.Model):
    """Who was reached in a calendar year, one row per (year, slice, role, entity).

    Distinct counts over a whole year, nationally or per province, for all companies
    or one, are then plain row counts on an index: no COUNT(DISTINCT) over the
    monthly rows. Slices: company_id 0 = all companies, province_code "" = national.
    Role R ("reached") is the union of beneficiaries (B) and participants (P), kept
    as rows of its own so that it too is a count, not a distinct count.
    """

    ALL_COMPANIES = 0
    NATIONAL = ""
    REACHED = "R"  # the union of ReachMonthFact.Role.BENEFICIARY and PARTICIPANT

    year = models.PositiveSmallIntegerField(_("year"))
    company_id = models.IntegerField(_("company"))
    province_code = models.CharField(_("province code"), max_length=2, blank=True)
    role = models.CharField(_("role"), max_length=1)
    entity_id = models.IntegerField(_("partner or group"))
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    size_class = models.PositiveSmallIntegerField(_("size class"), null=True)
    naik_kelas = models.BooleanField(_("moved up a class"), default=False)
    has_export = models.BooleanField(_("reached export"), default=False)

    class Meta:
        verbose_name = _("reach year fact")
        verbose_name_plural = _("reach year facts")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "company_id", "province_code", "role", "entity_id"], name="ryf_unique_entity"
            )
        ]
        indexes = [
            models.Index(
                fields=[
                    "year",
                    "company_id",
                    "province_code",
                    "role",
                    "sector",
                    "size_class",
                    "naik_kelas",
                    "has_export",
                ],
                name="ryf_slice_attrs_idx",
            ),
            models.Index(fields=["entity_id", "year"], name="ryf_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.company_id}/{self.province_code or '-'} {self.role}:{self.entity_id}"


# --- Impact reports -------------------------------------------------------------------
#
# A snapshot of what was printed for a period and a scope. Once done it never changes;
# producing the same period and scope again makes a new version (see reports.impact).


class ReachYearCount(models.Model):
    """How many ReachYearFact rows share a (year, slice, role, attributes) key.

    The yearly distinct counts of the dashboard, ready to read: a national year is a few
    hundred of these rows instead of 200,000 entity rows. Kept equal to ReachYearFact by
    `reports.aggregates` (rebuilt with it, adjusted by the same refreshes).
    """

    KEY = ("year", "company_id", "province_code", "role", "sector", "size_class", "naik_kelas", "has_export")

    year = models.PositiveSmallIntegerField(_("year"))
    company_id = models.IntegerField(_("company"))
    province_code = models.CharField(_("province code"), max_length=2, blank=True)
    role = models.CharField(_("role"), max_length=1)
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    size_class = models.PositiveSmallIntegerField(_("size class"), null=True)
    naik_kelas = models.BooleanField(_("moved up a class"), default=False)
    has_export = models.BooleanField(_("reached export"), default=False)
    entities = models.PositiveIntegerField(_("partners or groups"))

    class Meta:
        verbose_name = _("reach year count")
        verbose_name_plural = _("reach year counts")
        indexes = [models.Index(fields=["year", "company_id", "province_code"], name="ryc_slice_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.company_id}/{self.province_code or '-'} {self.role}: {self.entities}"


import uuid  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.db.models import F, Q  # noqa: E402

from accounts.scope import scope_for  # noqa: E402


def impact_report_upload_path(instance, filename: str) -> str:
    """A random name under private/: the files are served only through a scoped view."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/reports/{uuid.uuid4().hex}.{extension}"


class ImpactReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.in_scope(scope_for(user))

    def in_scope(self, scope):
        """Reports whose scope lies inside `scope`: its company (if any) and within its region (if any).

        National reports (region_code "") are outside every regional scope.
        """
        return self.filter(scope.q(company_field="company_id", region_code_field="region_code"))

    def of_scope(self, *, kind: str, period_start, company_id, region_code: str, language: str):
        return self.filter(
            kind=kind,
            period_start=period_start,
            scope_key=ImpactReport.make_scope_key(company_id, region_code),
            language=language,
        )


class ImpactReport(TouchedOnSave, models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        USER = "user", _("User request")

    class Language(models.TextChoices):
        ID = "id", _("Bahasa Indonesia")
        EN = "en", _("English")

    kind = models.CharField(_("period kind"), max_length=7, choices=Kind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    period_key = models.CharField(_("period"), max_length=10)  # "2023-11", "2023-Q4", "2023"
    company = models.ForeignKey(
        "accounts.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impact_reports",
        verbose_name=_("company"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impact_reports",
        verbose_name=_("region"),
    )
    region_code = models.CharField(_("region code"), max_length=13, blank=True, editable=False)  # "": national
    scope_key = models.CharField(max_length=40, editable=False)  # "<company id or *>:<region code or *>"
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ID)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=7, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    error = models.TextField(_("reason of failure"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    figures = models.JSONField(_("figures"), null=True, blank=True)
    figures_hash = models.CharField(_("figures hash (SHA-256)"), max_length=64, blank=True)
    diff = models.JSONField(_("changes from the previous version"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    trigger = models.CharField(_("trigger"), max_length=8, choices=Trigger.choices, default=Trigger.USER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=impact_report_upload_path, blank=True)
    xlsx = models.FileField(_("Excel workbook"), upload_to=impact_report_upload_path, blank=True)

    objects = ImpactReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("impact report")
        verbose_name_plural = _("impact reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "scope_key", "language", "version"], name="impact_report_version_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="impact_report_status_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="impact_report_progress_percent"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="impact_report_period_order"),
        ]
        indexes = [
            models.Index(fields=["status", "started_at"], name="impact_report_status_idx"),
            models.Index(fields=["region_code", "-created_at"], name="impact_report_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period_key} {self.scope_key} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.DONE).exists():
            raise ValidationError(_("A produced report never changes; produce a new version instead."))
        self.region_code = self.region.code if self.region_id else ""
        self.scope_key = self.make_scope_key(self.company_id, self.region_code)
        super().save(*args, **kwargs)

    @staticmethod
    def make_scope_key(company_id: int | None, region_code: str | None) -> str:
        return f"{company_id or '*'}:{region_code or '*'}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

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
        ]

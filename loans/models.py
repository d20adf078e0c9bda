"""Pendanaan UMK (PUMK): working-capital loans to partner businesses.

A loan keeps the rule set it was approved under. Money movements are append-only journal
entries: a loan's outstanding principal and jasa are the sums of its entries, nothing else.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import scope_for

from . import schedules


class Collectibility(models.TextChoices):
    LANCAR = "lancar", _("Current (Lancar)")
    KURANG_LANCAR = "kurang_lancar", _("Substandard (Kurang Lancar)")
    DIRAGUKAN = "diragukan", _("Doubtful (Diragukan)")
    MACET = "macet", _("Loss (Macet)")


class Method(models.TextChoices):
    EFEKTIF = schedules.EFEKTIF, _("Effective (declining balance)")
    FLAT = schedules.FLAT, _("Flat")


class Channel(models.TextChoices):
    DIRECT = "direct", _("Direct")
    JOINT = "joint", _("Joint (with another party)")
    BANK = "bank", _("Through a bank")


class LoanRuleSetQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> "LoanRuleSet | None":
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class LoanRuleSet(models.Model):
    """The loan rules as data, versioned by the date they take effect; a platform administrator edits them."""

    name = models.CharField(_("name"), max_length=120)
    effective_from = models.DateField(_("effective from"), unique=True)
    ceiling = models.BigIntegerField(_("ceiling per business (Rp)"))
    top_up_ceiling = models.BigIntegerField(_("top-up ceiling (Rp)"))
    top_up_max_tenor = models.PositiveSmallIntegerField(_("top-up: longest tenor (months)"))
    max_tenor = models.PositiveSmallIntegerField(_("longest tenor (months)"))
    jasa_rate_bp = models.PositiveIntegerField(
        _("jasa administrasi (basis points a year)"), help_text=_("300 is 3% a year.")
    )
    lancar_max_days = models.PositiveIntegerField(_("Lancar: up to days late"))
    kurang_lancar_max_days = models.PositiveIntegerField(_("Kurang Lancar: up to days late"))
    diragukan_max_days = models.PositiveIntegerField(_("Diragukan: up to days late (Macet above)"))

    objects = LoanRuleSetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("loan rule set")
        verbose_name_plural = _("loan rule sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(ceiling__gt=0, top_up_ceiling__gte=0, max_tenor__gt=0), name="loan_rules_positive"
            ),
            models.CheckConstraint(
                condition=Q(lancar_max_days__lt=F("kurang_lancar_max_days"))
                & Q(kurang_lancar_max_days__lt=F("diragukan_max_days")),
                name="loan_rules_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d-%m-%Y})"

    def band(self, days_late: int) -> str:
        if days_late <= self.lancar_max_days:
            return Collectibility.LANCAR
        if days_late <= self.kurang_lancar_max_days:
            return Collectibility.KURANG_LANCAR
        if days_late <= self.diragukan_max_days:
            return Collectibility.DIRAGUKAN
        return Collectibility.MACET


class LoanFund(models.Model):
    """A company's PUMK fund for a year: approvals of that year may commit up to `amount`."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, related_name="loan_funds")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.BigIntegerField(_("fund (Rp)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["company", "-year"]
        verbose_name = _("PUMK fund")
        verbose_name_plural = _("PUMK funds")
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="loan_fund_company_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="loan_fund_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class LoanNumberSequence(models.Model):
    """The last loan number given per company and year (PLN/PUMK/2024/0001), locked while numbering."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="loan_sequence_company_year")]

    def __str__(self) -> str:
        return f"{self.company_id}/{self.year}: {self.last}"


class Status(models.TextChoices):
    APPLIED = "applied", _("Application")
    APPROVED = "approved", _("Approved")
    DISBURSED = "disbursed", _("Disbursed")
    REPAID = "repaid", _("Repaid (Lunas)")
    WRITTEN_OFF = "written_off", _("Written off")
    REFUSED = "refused", _("Refused")


# A loan holder has at most one of these at a time (top-ups aside).
ACTIVE_STATUSES = (Status.APPLIED, Status.APPROVED, Status.DISBURSED)
# Approved amounts count against the fund of their year.
COMMITTED_STATUSES = (Status.APPROVED, Status.DISBURSED, Status.REPAID, Status.WRITTEN_OFF)


class LoanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Company users: their company's loans; officials: every company's, in their region."""
        return self.filter(scope_for(user).q(company_field="company_id", region_code_field="region_code"))

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def disbursed(self):
        return self.filter(status=Status.DISBURSED)


class Loan(models.Model):
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, related_name="loans", verbose_name=_("company")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="loans", verbose_name=_("borrower")
    )
    rule_set = models.ForeignKey(
        LoanRuleSet, on_delete=models.PROTECT, related_name="loans", verbose_name=_("rule set"), editable=False
    )
    is_top_up = models.BooleanField(_("top-up"), default=False)
    amount = models.BigIntegerField(_("amount (Rp)"))
    tenor_months = models.PositiveSmallIntegerField(_("tenor (months)"))
    method = models.CharField(_("schedule method"), max_length=10, choices=Method.choices, default=Method.EFEKTIF)
    purpose = models.CharField(_("purpose"), max_length=300)
    survey_note = models.TextField(_("field survey note"), blank=True)
    other_company_loan = models.BooleanField(
        _("holds an active loan from another company"), default=False, editable=False
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
    number = models.CharField(_("number"), max_length=40, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("fund year"), null=True, editable=False)
    sequence = models.PositiveIntegerField(null=True, editable=False)
    # The borrower's region when the loan was applied for: scope and reports stay right if it moves.
    region_code = models.CharField(_("region code"), max_length=13, db_index=True, editable=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("approved"), null=True, editable=False)
    disbursed_on = models.DateField(_("disbursement date"), null=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True, editable=False)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    days_late = models.PositiveIntegerField(_("days late"), default=0, editable=False)
    collectibility = models.CharField(
        _("collectibility"), max_length=14, choices=Collectibility.choices, default=Collectibility.LANCAR
    )

    objects = LoanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(condition=Q(tenor_months__gt=0), name="loan_tenor_positive"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="loan_status_valid"),
            models.CheckConstraint(condition=Q(method__in=[m.value for m in Method]), name="loan_method_valid"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                name="loan_approver_not_creator",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "refused"]) | Q(approved_by__isnull=False, number__gt=""),
                name="loan_approved_is_numbered",
            ),
            models.UniqueConstraint(fields=["company", "number"], condition=~Q(number=""), name="loan_number_unique"),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="loan_company_status_idx"),
            models.Index(fields=["partner", "status"], name="loan_partner_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number or _("Loan application #%(pk)s") % {"pk": self.pk}

    @property
    def schedule_rows(self) -> list[schedules.ScheduleRow]:
        """The schedule from the disbursement date (or from today, as a preview)."""
        start = self.disbursed_on or timezone.localdate()
        return schedules.schedule(
            amount=self.amount,
            tenor=self.tenor_months,
            rate_bp=self.rule_set.jasa_rate_bp,
            method=self.method,
            start=start,
        )


class Instalment(models.Model):
    """One row of the schedule, written when the loan is disbursed."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("no."))
    due_date = models.DateField(_("due date"))
    principal = models.BigIntegerField(_("principal (Rp)"))
    jasa = models.BigIntegerField(_("jasa (Rp)"))

    class Meta:
        ordering = ["loan", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="instalment_once"),
            models.CheckConstraint(condition=Q(principal__gte=0, jasa__gte=0), name="instalment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.loan} #{self.number}"


class Repayment(models.Model):
    """Money received from the borrower; its allocation is in the journal. Never edited, only reversed."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("date paid"))
    amount = models.BigIntegerField(_("amount (Rp)"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True)
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.loan} {self.paid_on:%d-%m-%Y}"


JOURNAL_FROZEN_MESSAGE = _("Journal entries are never changed or removed; record a reversal instead.")


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(JOURNAL_FROZEN_MESSAGE)

    def delete(self):
        raise ValidationError(JOURNAL_FROZEN_MESSAGE)

    def as_of(self, day: datetime.date):
        return self.filter(on__lte=day)

    def balances(self) -> dict[str, int]:
        """Outstanding principal and jasa and the credit held: the sums of the entries."""
        totals = self.aggregate(principal=Sum("principal"), jasa=Sum("jasa"), credit=Sum("credit"))
        return {key: value or 0 for key, value in totals.items()}


class EntryKind(models.TextChoices):
    DISBURSEMENT = "disbursement", _("Disbursement")
    INSTALMENT_DUE = "instalment_due", _("Instalment due")
    PAYMENT = "payment", _("Payment")
    WRITE_OFF = "write_off", _("Write-off")
    RECOVERY = "recovery", _("Recovery")
    REVERSAL = "reversal", _("Reversal")


class JournalEntry(models.Model):
    """One money movement on a loan, signed: + owed by the borrower (principal, jasa) or held for them (credit)."""

    Kind = EntryKind

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="journal")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    on = models.DateField(_("date"))
    principal = models.BigIntegerField(_("principal (Rp)"), default=0)
    jasa = models.BigIntegerField(_("jasa (Rp)"), default=0)
    credit = models.BigIntegerField(_("credit (Rp)"), default=0)
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    repayment = models.ForeignKey(Repayment, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    # None: booked by the daily run (an instalment falling due).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in EntryKind]), name="journal_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | Q(~Q(kind="reversal"), reverses__isnull=True),
                name="journal_reversal_links_original",
            ),
            models.CheckConstraint(
                condition=~Q(kind="payment") | Q(repayment__isnull=False), name="journal_payment_has_repayment"
            ),
            models.UniqueConstraint(
                fields=["instalment"], condition=Q(kind="instalment_due"), name="journal_instalment_due_once"
            ),
        ]
        indexes = [models.Index(fields=["loan", "on"], name="journal_loan_on_idx")]

    def __str__(self) -> str:
        return f"{self.loan} {self.get_kind_display()} {self.on:%d-%m-%Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(JOURNAL_FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(JOURNAL_FROZEN_MESSAGE)


class CollectibilityHistory(models.Model):
    """A loan's collectibility at a month end, kept by the daily run."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="collectibility_history")
    as_of = models.DateField(_("as of"))
    days_late = models.PositiveIntegerField(_("days late"))
    collectibility = models.CharField(_("collectibility"), max_length=14, choices=Collectibility.choices)
    outstanding_principal = models.BigIntegerField(_("outstanding principal (Rp)"))
    outstanding_jasa = models.BigIntegerField(_("outstanding jasa (Rp)"))

    class Meta:
        ordering = ["loan", "-as_of"]
        verbose_name = _("month-end collectibility")
        verbose_name_plural = _("month-end collectibility")
        constraints = [models.UniqueConstraint(fields=["loan", "as_of"], name="collectibility_once_per_date")]

    def __str__(self) -> str:
        return f"{self.loan} {self.as_of:%d-%m-%Y}: {self.collectibility}"

"""Aid handovers (penyaluran / serah terima bantuan): the money records.

A handover belongs to the company of its program. From approval on it is
frozen: the model layer refuses edits and deletes, and on PostgreSQL a trigger
does too (migration 0002). Corrections are reversals that keep the original.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import scope_for
from tjsl.models import TouchedOnSave


def _verification_token() -> str:
    return secrets.token_urlsafe(24)


def private_upload_path(instance, filename: str) -> str:
    """A random name under private/: never the uploader's name, never guessable."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/disbursements/{uuid.uuid4().hex}.{extension}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    HANDED_OVER = "handed_over", _("Handed over")
    VERIFIED = "verified", _("Verified")
    CANCELLED = "cancelled", _("Cancelled")


# From approval on, a handover and its items are frozen.
LOCKED_STATUSES = (Status.APPROVED, Status.HANDED_OVER, Status.VERIFIED)
# Statuses whose amounts count against the budget.
COMMITTED_STATUSES = LOCKED_STATUSES
REALISED_STATUSES = (Status.HANDED_OVER, Status.VERIFIED)
# Fields the workflow may still change on a frozen handover.
WORKFLOW_FIELDS = frozenset(
    {
        "status",
        "handed_over_at",
        "handed_over_by",
        "verified_at",
        "verified_by",
        "bast_scan",
        "updated_at",  # moves with every step
    }
)


SCAN_FROZEN_MESSAGE = _("Once a handover is handed over, its signed BAST scan and hand-over record cannot be replaced.")
# The workflow step that may write each group of workflow fields on a frozen handover (once).
FORWARD_STEPS = {(Status.APPROVED, Status.HANDED_OVER), (Status.HANDED_OVER, Status.VERIFIED)}
HAND_OVER_FIELDS = ("bast_scan", "handed_over_at", "handed_over_by")
VERIFY_FIELDS = ("verified_at", "verified_by")


class FrozenRecordError(ValidationError):
    pass


class DisbursementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Company users: their company's handovers; officials: every company's, in their region."""
        return self.in_scope(scope_for(user))

    def in_scope(self, scope):
        """The same rule for a scope without a user (scheduled reports)."""
        queryset = self.filter(scope.q(company_field="company_id"))
        return queryset.in_region_code(scope.region_code) if scope.region_code else queryset

    def in_region_code(self, code: str):
        """Within a province, regency or district; exact columns keep keyset pages on an index."""
        if len(code) == 2:
            return self.filter(province_code=code)
        if len(code) == 5:
            return self.filter(regency_code=code)
        return self.filter(Q(region_code=code) | Q(region_code__startswith=code + "."))

    def search(self, term: str):
        """By number, whole ("HK/TJSL/2023/0001") or any part of it ("2023/00")."""
        term = (term or "").strip()
        return self.filter(number__icontains=term) if term else self

    def committed(self):
        return self.filter(status__in=COMMITTED_STATUSES)

    def realised(self):
        return self.filter(status__in=REALISED_STATUSES)

    def net_amount(self) -> int:
        """Sum of the effect on the budget: handovers add, reversals subtract."""
        totals = self.aggregate(
            plus=Sum("total", filter=Q(kind=Disbursement.Kind.HANDOVER)),
            minus=Sum("total", filter=Q(kind=Disbursement.Kind.REVERSAL)),
        )
        return (totals["plus"] or 0) - (totals["minus"] or 0)

    def update(self, **kwargs):
        if kwargs and self.filter(status__in=LOCKED_STATUSES).exists():
            # The workflow saves one handover at a time (see _refuse_frozen_change); in bulk, nothing moves.
            if "bast_scan" in kwargs:
                raise FrozenRecordError(SCAN_FROZEN_MESSAGE)
            raise FrozenRecordError(_("An approved handover cannot be changed; record a reversal instead."))
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status__in=LOCKED_STATUSES).exists():
            raise FrozenRecordError(_("An approved handover cannot be deleted; record a reversal instead."))
        return super().delete()


class Disbursement(TouchedOnSave, models.Model):
    class Kind(models.TextChoices):
        HANDOVER = "handover", _("Handover")
        REVERSAL = "reversal", _("Reversal")

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("company")
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("program")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HANDOVER)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    number = models.CharField(_("number"), max_length=40, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), null=True, editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
        verbose_name=_("recipient business"),
    )
    group = models.ForeignKey(
        "partners.BusinessGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
        verbose_name=_("recipient group"),
    )
    # The recipient's region when the handover was made: reports stay right if it moves.
    region_code = models.CharField(_("region code"), max_length=13, blank=True, db_index=True, editable=False)
    regency_code = models.CharField(_("regency code"), max_length=5, blank=True, editable=False)
    province_code = models.CharField(_("province code"), max_length=2, blank=True, editable=False)

    handed_on = models.DateField(_("date"), null=True, blank=True)
    place_regency = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place (regency/city)"),
        limit_choices_to={"level": 2},
    )
    place = models.CharField(_("place"), max_length=200, blank=True)

    giver_name = models.CharField(_("first party: name"), max_length=150, blank=True)
    giver_position = models.CharField(_("first party: position"), max_length=150, blank=True)
    receiver_name = models.CharField(_("second party: name"), max_length=150, blank=True)
    receiver_position = models.CharField(_("second party: position"), max_length=150, blank=True)
    receiver_nik = models.CharField(_("second party: NIK"), max_length=16, blank=True)
    receiver_organisation = models.CharField(_("second party: organisation"), max_length=200, blank=True)
    basis = models.CharField(_("basis (decision letter or agreement no.)"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why this reversal is needed."))

    total = models.BigIntegerField(_("total (Rp)"), default=0, editable=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, editable=False)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    handed_over_at = models.DateTimeField(null=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    verified_at = models.DateTimeField(null=True, editable=False)
    bast_scan = models.FileField(_("signed BAST (PDF)"), upload_to=private_upload_path, blank=True, editable=False)
    verification_token = models.CharField(max_length=40, unique=True, default=_verification_token, editable=False)

    objects = DisbursementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], condition=~Q(number=""), name="disb_number_unique"),
            models.UniqueConstraint(
                fields=["company", "year", "sequence"], condition=Q(sequence__isnull=False), name="disb_sequence_unique"
            ),
            models.UniqueConstraint(fields=["created_by", "submission_key"], name="disb_submission_once"),
            models.CheckConstraint(condition=Q(total__gte=0), name="disb_total_not_negative"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="disb_status_valid"),
            # Never both recipients; exactly one once it leaves draft.
            models.CheckConstraint(
                condition=~Q(partner__isnull=False, group__isnull=False)
                & (Q(status__in=["draft", "cancelled"]) | Q(partner__isnull=False) | Q(group__isnull=False)),
                name="disb_exactly_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                name="disb_approver_not_creator",
            ),
            models.CheckConstraint(
                condition=Q(kind="handover", reverses__isnull=True) | Q(kind="reversal", reverses__isnull=False),
                name="disb_reversal_links_original",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="disb_company_status_idx"),
            models.Index(fields=["region_code", "-handed_on", "-id"], name="disb_region_date_idx"),
            models.Index(fields=["program", "year", "status"], name="disb_program_year_idx"),
            models.Index(fields=["-handed_on", "-id"], name="disb_date_idx"),
            # Keyset pages of the list: newest first within a province or a company.
            models.Index(fields=["province_code", "-id"], name="disb_province_id_idx"),
            models.Index(fields=["regency_code", "-id"], name="disb_regency_id_idx"),
            models.Index(fields=["company", "-id"], name="disb_company_id_idx"),
            models.Index(fields=["status", "company", "-id"], name="disb_queue_idx"),
        ]

    def __str__(self) -> str:
        # Not yet numbered (a draft, or submitted and waiting): the status badge beside it says which.
        return self.number or _("Handover #%(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        self._refuse_frozen_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status__in=LOCKED_STATUSES).exists():
            raise FrozenRecordError(_("An approved handover cannot be deleted; record a reversal instead."))
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES

    @property
    def recipient(self):
        return self.partner or self.group

    @property
    def signed_total(self) -> int:
        return -self.total if self.kind == self.Kind.REVERSAL else self.total

    def _refuse_frozen_change(self, update_fields) -> None:
        if not self.pk:
            return
        attnames = {name: self._meta.get_field(name).attname for name in WORKFLOW_FIELDS}
        stored = type(self).objects.filter(pk=self.pk).values(*attnames.values()).first()
        if stored is None or stored["status"] not in LOCKED_STATUSES:
            return
        if update_fields is None or set(update_fields) - WORKFLOW_FIELDS:
            raise FrozenRecordError(_("An approved handover cannot be changed; record a reversal instead."))
        step = (stored["status"], self.status)
        if self.status != stored["status"] and step not in FORWARD_STEPS:
            raise FrozenRecordError(_("A handover moves only forwards: approved, handed over, verified."))
        changed = {name for name in update_fields if self._stored_value(attnames[name]) != stored[attnames[name]]}
        if changed & set(HAND_OVER_FIELDS) and step != (Status.APPROVED, Status.HANDED_OVER):
            raise FrozenRecordError(SCAN_FROZEN_MESSAGE)
        if changed & set(VERIFY_FIELDS) and step != (Status.HANDED_OVER, Status.VERIFIED):
            raise FrozenRecordError(_("Who verified a handover, and when, cannot be changed."))

    def _stored_value(self, attname: str):
        value = getattr(self, attname)
        return value.name or "" if isinstance(value, FieldFile) else value


class ChildOfFrozenQuerySet(models.QuerySet):
    def _refuse_if_frozen(self):
        if self.filter(disbursement__status__in=LOCKED_STATUSES).exists():
            raise FrozenRecordError(_("An approved handover cannot be changed; record a reversal instead."))

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()


class ChildOfFrozen(models.Model):
    """Items, allocations and witnesses freeze with their handover."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self):
        status = Disbursement.objects.filter(pk=self.disbursement_id).values_list("status", flat=True).first()
        if status in LOCKED_STATUSES:
            raise FrozenRecordError(_("An approved handover cannot be changed; record a reversal instead."))


class Item(ChildOfFrozen):
    class Kind(models.TextChoices):
        PERALATAN = "peralatan", _("Production equipment")
        BAHAN_BAKU = "bahan_baku", _("Raw materials")
        UANG = "uang", _("Cash")
        PELATIHAN = "pelatihan", _("Training")
        JASA = "jasa", _("Services")
        LAINNYA = "lainnya", _("Other")

    disbursement = models.ForeignKey(Disbursement, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=30)
    unit_value = models.BigIntegerField(_("unit value (Rp)"))
    total = models.BigIntegerField(_("total (Rp)"))

    objects = ChildOfFrozenQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_value__gte=0), name="item_unit_value_not_negative"),
            models.CheckConstraint(condition=Q(total__gte=0), name="item_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.description


class AllocationQuerySet(ChildOfFrozenQuerySet):
    def visible_to(self, user):
        """The handover's company for company users; the member's own region for everyone:
        a group's handover never shows a reader the members outside their region."""
        return self.filter(
            scope_for(user).q(company_field="disbursement__company_id", region_code_field="partner__region_code")
        )


class Allocation(ChildOfFrozen):
    """The share of a group handover that reaches one member."""

    disbursement = models.ForeignKey(Disbursement, on_delete=models.CASCADE, related_name="allocations")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="allocations")
    amount = models.BigIntegerField(_("amount (Rp)"))

    objects = AllocationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner__business_name", "pk"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["disbursement", "partner"], name="allocation_once_per_member"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.amount}"


class Witness(ChildOfFrozen):
    """'Mengetahui': who witnessed the handover and signs the BAST."""

    disbursement = models.ForeignKey(Disbursement, on_delete=models.CASCADE, related_name="witnesses")
    position_order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150)

    objects = ChildOfFrozenQuerySet.as_manager()

    class Meta:
        ordering = ["position_order", "pk"]
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"


class Contributor(models.Model):
    """Someone who entered or changed a handover's content while it was a draft.

    Segregation of duties compares the approver with every contributor, not only
    with the person who created the draft; on PostgreSQL a trigger
    refuses an approver who is one of them, whatever path writes the row.
    """

    disbursement = models.ForeignKey(Disbursement, on_delete=models.CASCADE, related_name="contributors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_changed_at = models.DateTimeField(_("first change"), auto_now_add=True)
    last_changed_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        ordering = ["first_changed_at", "pk"]
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        constraints = [
            models.UniqueConstraint(fields=["disbursement", "user"], name="contributor_once_per_handover"),
        ]

    def __str__(self) -> str:
        return f"{self.disbursement_id}: {self.user_id}"


EVIDENCE_FROZEN_MESSAGE = _("The photos of an approved handover cannot be changed or removed.")


class EvidenceQuerySet(models.QuerySet):
    def _refuse_if_frozen(self):
        if self.filter(disbursement__status__in=LOCKED_STATUSES).exists():
            raise FrozenRecordError(EVIDENCE_FROZEN_MESSAGE)

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()


class Evidence(models.Model):
    """Photos of the handover; files live outside the static root.

    They are added by the step to "handed over" (while the handover is still
    approved) and never changed afterwards; on PostgreSQL a trigger agrees (migration 0003).
    """

    disbursement = models.ForeignKey(Disbursement, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=private_upload_path)
    content_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args, **kwargs):
        if self.pk:
            type(self).objects.filter(pk=self.pk)._refuse_if_frozen()
        if _status_of(self.disbursement_id) != Status.APPROVED:
            raise FrozenRecordError(_("Photos are added when the handover is marked as handed over."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        type(self).objects.filter(pk=self.pk)._refuse_if_frozen()
        return super().delete(*args, **kwargs)


def _status_of(disbursement_id) -> str | None:
    return Disbursement.objects.filter(pk=disbursement_id).values_list("status", flat=True).first()


TRANSITION_FROZEN_MESSAGE = _("The status changes of a handover are its record; they cannot be changed or removed.")


class TransitionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise FrozenRecordError(TRANSITION_FROZEN_MESSAGE)

    def delete(self):
        raise FrozenRecordError(TRANSITION_FROZEN_MESSAGE)


class Transition(models.Model):
    """Who moved a handover from one status to another, when and why.

    Written once, never changed (on PostgreSQL a trigger agrees, migration 0006).
    """

    disbursement = models.ForeignKey(Disbursement, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenRecordError(TRANSITION_FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenRecordError(TRANSITION_FROZEN_MESSAGE)


class NumberSequence(models.Model):
    """The last number given per company and year; locked while numbering, so no gaps."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="sequence_company_year")]

    def __str__(self) -> str:
        return f"{self.company_id}/{self.year}: {self.last}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own notifications, about handovers their scope still reaches."""
        return self.filter(recipient_id=user.pk, handover__in=Disbursement.objects.visible_to(user))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something happened to a handover that `recipient` should act on or know about."""

    class Verb(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for approval")
        RETURNED = "returned", _("returned to draft")
        APPROVED = "approved", _("approved")
        HANDED_OVER = "handed_over", _("handed over")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    verb = models.CharField(_("what happened"), max_length=12, choices=Verb.choices)
    handover = models.ForeignKey(
        Disbursement, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("handover")
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(verb__in=["submitted", "returned", "approved", "handed_over"]),
                name="notification_verb_valid",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.handover}: {self.get_verb_display()}"

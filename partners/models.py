"""The shared registry of UMK partners (mitra binaan).

The registry is shared by every company: a business helped by one company is
recognised by the others. Scope for reading it is the user's region only;
what a user may see of a partner's personal data is decided separately.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import scope_for
from tjsl.models import TouchedOnSave

from .validators import validate_nib, validate_nik, validate_npwp, validate_phone_e164


class Sector(models.TextChoices):
    KERAJINAN = "kerajinan", _("Crafts")
    KULINER = "kuliner", _("Food and drink")
    FESYEN = "fesyen", _("Fashion")
    PERTANIAN = "pertanian", _("Agriculture")
    PERIKANAN = "perikanan", _("Fisheries")
    PERDAGANGAN = "perdagangan", _("Trade")
    JASA = "jasa", _("Services")
    LAINNYA = "lainnya", _("Other")


class SizeClass(models.IntegerChoices):
    """UMK size classes (PP 7/2021); the order is what 'moving up' compares."""

    MIKRO = 1, _("Micro")
    KECIL = 2, _("Small")
    MENENGAH = 3, _("Medium")
    BESAR = 4, _("Above medium")


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The registry is shared across companies; a user's region still applies."""
        return self.filter(scope_for(user).q(region_code_field="region_code"))

    def in_region(self, region):
        return self.filter(Q(region_code=region.code) | Q(region_code__startswith=region.code + "."))

    def active(self):
        return self.filter(status=Partner.Status.AKTIF)

    def naik_kelas(self):
        """Partners whose latest class is above their class at joining (see NAIK_KELAS_RULE)."""
        return self.filter(joining_class__isnull=False, current_class__gt=F("joining_class"))

    def search(self, term: str, *, user):
        """Business name, owner, NIB, or the owner's NIK as far as `user` may read it.

        A NIK is matched only by the last four digits that its mask shows, or whole where
        `user` sees it unmasked (partners.privacy.nik_search_q): never by a hidden digit.
        """
        from .privacy import nik_search_q  # privacy reads these models

        term = (term or "").strip()
        if not term:
            return self
        if term.isdigit():
            return self.filter(Q(nib__startswith=term) | nik_search_q(user, term) | Q(business_name__icontains=term))
        return self.filter(Q(business_name__icontains=term) | Q(owner_name__icontains=term))


# Naik kelas ("moving up a class"): the latest class is above the class at joining.
# The class at joining is the class of the latest assessment on or before the date
# joined, else of the first assessment after it. Kept in code (not a setting) so that
# the list filter, the partner page and the reports all read one rule.
NAIK_KELAS_RULE = "latest_class_above_joining_class"


class Partner(TouchedOnSave, models.Model):
    class Status(models.TextChoices):
        AKTIF = "aktif", _("Active")
        LULUS = "lulus", _("Graduated")
        NONAKTIF = "nonaktif", _("Inactive")

    business_name = models.CharField(_("business name"), max_length=200)
    owner_name = models.CharField(_("owner's name"), max_length=150)
    owner_nik = models.CharField(_("owner's NIK"), max_length=16, blank=True, validators=[validate_nik])
    nib = models.CharField(_("NIB"), max_length=13, blank=True, validators=[validate_nib])
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True, validators=[validate_npwp])
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("Stored as +62…"), validators=[validate_phone_e164]
    )
    address = models.TextField(_("address"), blank=True)
    regency = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
        limit_choices_to={"level": 2},
    )
    district = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("district"),
        limit_choices_to={"level": 3},
    )
    # The most precise region code known (district, else regency); scope filters on it.
    region_code = models.CharField(_("region code"), max_length=13, db_index=True, editable=False)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    kbli = models.CharField(_("KBLI code"), max_length=5, blank=True)
    products = models.TextField(_("products"), blank=True)
    joined_on = models.DateField(_("date joined"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AKTIF)
    notes = models.TextField(_("notes"), blank=True)
    registered_by_company = models.ForeignKey(
        "accounts.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_partners",
        verbose_name=_("registered by company"),
    )
    # Kept current by the assessment services, so that lists filter without joins.
    joining_class = models.PositiveSmallIntegerField(
        _("class at joining"), choices=SizeClass.choices, null=True, blank=True
    )
    current_class = models.PositiveSmallIntegerField(
        _("current class"), choices=SizeClass.choices, null=True, blank=True
    )
    has_export = models.BooleanField(_("reached export"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["business_name", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_nik"],
                condition=~Q(owner_nik=""),
                name="partner_unique_nik",
                violation_error_message=_("A partner with this NIK is already registered."),
            ),
            models.UniqueConstraint(
                fields=["nib"],
                condition=~Q(nib=""),
                name="partner_unique_nib",
                violation_error_message=_("A partner with this NIB is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(owner_nik="") | Q(owner_nik__regex=r"^[0-9]{16}$"), name="partner_nik_16"
            ),
            models.CheckConstraint(condition=Q(nib="") | Q(nib__regex=r"^[0-9]{13}$"), name="partner_nib_13"),
            models.CheckConstraint(condition=Q(npwp="") | Q(npwp__regex=r"^[0-9]{15,16}$"), name="partner_npwp_15_16"),
            models.CheckConstraint(condition=Q(status__in=["aktif", "lulus", "nonaktif"]), name="partner_status"),
        ]
        indexes = [
            models.Index(fields=["region_code", "business_name"], name="partner_region_name_idx"),
            models.Index(fields=["sector"], name="partner_sector_idx"),
            models.Index(fields=["current_class", "business_name"], name="partner_class_name_idx"),
            models.Index(fields=["status", "business_name"], name="partner_status_name_idx"),
            models.Index(fields=["business_name", "id"], name="partner_name_idx"),
            models.Index(fields=["has_export", "business_name"], name="partner_export_name_idx"),
        ]

    def __str__(self) -> str:
        return self.business_name

    def save(self, *args, **kwargs):
        # Derived, not a rule: the code that scope and region filters read.
        self.region_code = (self.district or self.regency).code
        if kwargs.get("update_fields") is not None and {"regency", "district"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "region_code"}
        super().save(*args, **kwargs)

    @property
    def naik_kelas(self) -> bool:
        """Moved up a class: the latest class is above the class at joining."""
        return bool(self.joining_class and self.current_class and self.current_class > self.joining_class)


# --- Size classes -----------------------------------------------------------------


class SizeClassThreshold(models.Model):
    """Upper bounds of a size class (PP 7/2021, Pasal 35), kept as data an administrator can change.

    A business above every row is 'Above medium'. Each criterion places a business
    in the smallest class whose bound it does not exceed; the business then takes
    the *higher* of the two classes (capital and sales must both fit a class).
    """

    size_class = models.PositiveSmallIntegerField(
        _("size class"),
        choices=[c for c in SizeClass.choices if c[0] != SizeClass.BESAR],
        unique=True,
    )
    max_capital = models.BigIntegerField(
        _("maximum business capital (Rp)"), help_text=_("Excluding land and buildings.")
    )
    max_sales = models.BigIntegerField(_("maximum annual sales (Rp)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["size_class"]
        verbose_name = _("size-class threshold")
        verbose_name_plural = _("size-class thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(max_capital__gte=0), name="threshold_capital_nonnegative"),
            models.CheckConstraint(condition=Q(max_sales__gte=0), name="threshold_sales_nonnegative"),
        ]

    def __str__(self) -> str:
        return str(self.get_size_class_display())


# --- Business groups ----------------------------------------------------------------


class BusinessGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shared like partners: only the user's region applies."""
        return self.filter(scope_for(user).q(region_code_field="region_code"))

    def search(self, term: str):
        """By the group's name or its region: regency/city or province name, or a region code."""
        term = term.strip()
        if not term:
            return self
        return self.filter(
            Q(name__icontains=term)
            | Q(regency__name__icontains=term)
            | Q(regency__parent__name__icontains=term)
            | Q(region_code__startswith=term)
        )


class BusinessGroup(TouchedOnSave, models.Model):
    """A kelompok usaha: partners working together, e.g. 30 craftsmen of one village."""

    name = models.CharField(_("name"), max_length=200)
    regency = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
        limit_choices_to={"level": 2},
    )
    region_code = models.CharField(_("region code"), max_length=13, db_index=True, editable=False)
    leader = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_groups",
        verbose_name=_("leader"),
    )
    registered_by_company = models.ForeignKey(
        "accounts.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_groups",
        verbose_name=_("registered by company"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = BusinessGroupQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("business group")
        verbose_name_plural = _("business groups")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.regency.code
        if kwargs.get("update_fields") is not None and "regency" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "region_code"}
        super().save(*args, **kwargs)

    def members_on(self, date) -> "models.QuerySet[Partner]":
        """Partners who were members on `date` (joined on or before it, not yet left)."""
        return Partner.objects.filter(
            Exists(
                Membership.objects.filter(group=self, partner=OuterRef("pk"), joined_on__lte=date).filter(
                    Q(left_on__isnull=True) | Q(left_on__gt=date)
                )
            )
        )


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Both the group and the member within the user's region: a group of one region with a
        member from another never shows that member to the first region's readers."""
        scope = scope_for(user)
        return self.filter(
            scope.q(region_code_field="group__region_code") & scope.q(region_code_field="partner__region_code")
        )

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))


class Membership(models.Model):
    group = models.ForeignKey(
        BusinessGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("partner")
    )
    joined_on = models.DateField(_("date joined"))
    left_on = models.DateField(_("date left"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["joined_on", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                # Left on the day joined: a member added by mistake, removed the same day.
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_left_not_before_joined",
                violation_error_message=_("The date left cannot be before the date joined."),
            ),
            models.UniqueConstraint(
                fields=["group", "partner"],
                condition=Q(left_on__isnull=True),
                name="membership_one_open_per_partner",
                violation_error_message=_("This partner is already a member of this group."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.group}"


# --- Assessments and export ------------------------------------------------------------


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).q(region_code_field="partner__region_code"))


class Assessment(TouchedOnSave, models.Model):
    """A dated visit or self-report; the partner's size class follows from the latest one."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("partner")
    )
    assessed_on = models.DateField(_("date assessed"))
    capital = models.BigIntegerField(
        _("business capital (Rp)"), validators=[MinValueValidator(0)], help_text=_("Excluding land and buildings.")
    )
    annual_sales = models.BigIntegerField(_("annual sales (Rp)"), validators=[MinValueValidator(0)])
    workers = models.PositiveIntegerField(_("workers"))
    market_local = models.BooleanField(_("local market"), default=False)
    market_regional = models.BooleanField(_("regional market"), default=False)
    market_national = models.BooleanField(_("national market"), default=False)
    market_export = models.BooleanField(_("export market"), default=False)
    note = models.TextField(_("note"), blank=True)
    size_class = models.PositiveSmallIntegerField(_("size class"), choices=SizeClass.choices, editable=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("assessed by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["assessed_on", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(condition=Q(capital__gte=0), name="assessment_capital_nonnegative"),
            models.CheckConstraint(condition=Q(annual_sales__gte=0), name="assessment_sales_nonnegative"),
            models.CheckConstraint(condition=Q(size_class__in=[1, 2, 3, 4]), name="assessment_size_class_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.assessed_on}"

    @property
    def markets(self) -> list[str]:
        names = [
            (self.market_local, _("local")),
            (self.market_regional, _("regional")),
            (self.market_national, _("national")),
            (self.market_export, _("export")),
        ]
        return [str(label) for reached, label in names if reached]


def private_storage() -> FileSystemStorage:
    """Files only the app streams to allowed users: never under a public URL."""
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "private", base_url=None)


def evidence_upload_to(instance, filename: str) -> str:
    return f"partners/evidence/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"


def import_upload_to(instance, filename: str) -> str:
    return f"partners/imports/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"


class ExportMilestoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).q(region_code_field="partner__region_code"))


class ExportMilestone(TouchedOnSave, models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="export_milestones", verbose_name=_("partner")
    )
    destination_country = models.CharField(_("destination country"), max_length=100)
    exported_on = models.DateField(_("date exported"))
    value = models.BigIntegerField(_("value (Rp)"), validators=[MinValueValidator(0)])
    evidence = models.FileField(
        _("evidence file"), storage=private_storage, upload_to=evidence_upload_to, blank=True, max_length=200
    )
    evidence_note = models.TextField(_("evidence note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = ExportMilestoneQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["exported_on", "pk"]
        verbose_name = _("export milestone")
        verbose_name_plural = _("export milestones")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="export_value_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.destination_country} · {self.exported_on}"


# --- Personal data access log ------------------------------------------------------------


class NikViewLog(models.Model):
    """Who saw a partner's unmasked NIK, and when. The NIK itself is never stored here."""

    class Purpose(models.TextChoices):
        DETAIL = "detail", _("Detail page")
        EXPORT = "export", _("Export")
        EDIT = "edit", _("Edit form")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        verbose_name = _("NIK view")
        verbose_name_plural = _("NIK views")

    def __str__(self) -> str:
        return f"{self.user} · {self.partner_id} · {self.viewed_at:%Y-%m-%d %H:%M}"


# --- Imports ------------------------------------------------------------------------------


class PartnerImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self.all()
        return self.filter(created_by_id=user.pk)


class PartnerImport(models.Model):
    """An uploaded list of partners: validated row by row, then committed all or none."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        VALIDATING = "validating", _("Checking rows")
        VALID = "valid", _("Ready to import")
        INVALID = "invalid", _("Rows have errors")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), storage=private_storage, upload_to=import_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_count = models.PositiveIntegerField(_("partners created"), default=0)
    message = models.TextField(_("message"), blank=True)
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("company")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = PartnerImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner import")
        verbose_name_plural = _("partner imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.VALIDATING, self.Status.COMMITTING}

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class PartnerImportRow(models.Model):
    """One data row of an import as read, with its errors and the values it would create.

    Rows are their own table so that pages and the API read them a page at a time in SQL.
    """

    partner_import = models.ForeignKey(
        PartnerImport, on_delete=models.CASCADE, related_name="row_set", verbose_name=_("partner import")
    )
    line = models.PositiveIntegerField(_("line"))
    data = models.JSONField(_("cells"), default=dict)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    has_errors = models.BooleanField(_("has errors"), default=False)
    # The checked values for Partner (JSON-ready), or null when the row has errors.
    clean = models.JSONField(_("checked values"), null=True, blank=True)

    class Meta:
        ordering = ["partner_import", "line"]
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        constraints = [
            models.UniqueConstraint(fields=["partner_import", "line"], name="partners_import_row_line_unique")
        ]
        indexes = [
            models.Index(
                fields=["partner_import", "line"], condition=Q(has_errors=True), name="partners_import_row_faulty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_import_id}:{self.line}"


def export_upload_to(instance, filename: str) -> str:
    return f"partners/exports/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"


class PartnerExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the user who asked for an export sees it: it holds what their scope showed them."""
        return self.filter(created_by_id=user.pk)


class PartnerExport(models.Model):
    """A big partner list export, made by a worker and downloaded by its requester when done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", ".xlsx"
        CSV = "csv", ".csv"

    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The list's filters as they were in the address (?q=…&province=…), applied again by the worker.
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), storage=private_storage, upload_to=export_upload_to, blank=True, max_length=200)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = PartnerExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner export")
        verbose_name_plural = _("partner exports")
        constraints = [
            models.CheckConstraint(condition=Q(fmt__in=["xlsx", "csv"]), name="partners_export_fmt_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_fmt_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.processed_rows / self.total_rows)) if self.total_rows else 0

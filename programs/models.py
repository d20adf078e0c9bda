"""TJSL programs: pillar and SDGs, period, yearly budgets (RKA), targets, activities, enrolled partners.

A program belongs to one company. Handovers (disbursements) and reports hang on it;
activities are support without a handover of goods (trainings, mentoring, exhibitions).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import scope_for
from tjsl.models import TouchedOnSave


class Pillar(models.TextChoices):
    # English msgids like every other label; Indonesian: Sosial, Ekonomi, Lingkungan, Hukum dan Tata Kelola.
    SOSIAL = "sosial", _("Social")
    EKONOMI = "ekonomi", _("Economic")
    LINGKUNGAN = "lingkungan", _("Environmental")
    HUKUM = "hukum", _("Law and Governance")


# SDG (TPB) goals served by each pillar; the data migration seeds Sdg from this.
PILLAR_SDGS: dict[str, tuple[int, ...]] = {
    Pillar.SOSIAL: (1, 2, 3, 4, 5),
    Pillar.EKONOMI: (7, 8, 9, 10, 17),
    Pillar.LINGKUNGAN: (6, 11, 12, 13, 14, 15),
    Pillar.HUKUM: (16,),
}


class SdgQuerySet(models.QuerySet):
    def for_pillar(self, pillar: str | None):
        return self.filter(pillar=pillar) if pillar else self.none()


class Sdg(models.Model):
    """A Sustainable Development Goal (Tujuan Pembangunan Berkelanjutan); reference data."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=120, help_text=_("Indonesian name (TPB)."))
    name_en = models.CharField(_("English name"), max_length=120)
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices)

    objects = SdgQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("SDG")
        verbose_name_plural = _("SDGs")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=17), name="sdg_number_1_17"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Company users see their company's programs; regional officials see every company's
        programs present in their region (a target region within or covering it, an enrolled
        partner or an activity there), drafts excepted; auditors and platform admins see all."""
        scope = scope_for(user)
        if scope.nothing:
            return self.none()
        qs = self.filter(scope.q(company_field="company"))
        if scope.region_code is not None:
            qs = qs.filter(pk__in=Program.objects.present_in_region_code(scope.region_code).values("pk"))
            if scope.company_id is None:
                qs = qs.exclude(status=Program.Status.DRAFT)
        return qs

    def present_in_region_code(self, code: str):
        parts = code.split(".")
        covering = [".".join(parts[: i + 1]) for i in range(len(parts))]
        below = code + "."
        return self.filter(
            Q(target_regions__code__in=covering)
            | Q(target_regions__code__startswith=below)
            | Q(enrollments__partner__region_code=code)
            | Q(enrollments__partner__region_code__startswith=below)
            | Q(activities__region_code=code)
            | Q(activities__region_code__startswith=below)
        )

    def active(self):
        return self.filter(status=Program.Status.AKTIF)

    def accepting_handovers(self, on: datetime.date | None = None):
        """Active programs; with `on`, only those whose period covers that day (a handover's date)."""
        queryset = self.filter(status=Program.Status.AKTIF)
        if on is not None:
            queryset = queryset.filter(start_date__lte=on, end_date__gte=on)
        return queryset

    def in_year(self, year: int):
        return self.filter(start_date__year__lte=year, end_date__year__gte=year)


class Program(TouchedOnSave, models.Model):
    class SupportForm(models.TextChoices):
        BANTUAN = "bantuan", _("Grant (bantuan)")
        PENDANAAN_UMK = "pendanaan_umk", _("UMK financing (Pendanaan UMK)")
        PELATIHAN = "pelatihan", _("Training and mentoring")
        AKSES_PASAR = "akses_pasar", _("Market access")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AKTIF = "aktif", _("Active")
        DITUTUP = "ditutup", _("Closed")

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, related_name="programs", verbose_name=_("company")
    )
    code = models.CharField(_("code"), max_length=30, help_text=_("Unique within the company, e.g. HK-PK."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices)
    sdgs = models.ManyToManyField(Sdg, related_name="programs", verbose_name=_("SDGs"), blank=True)
    support_form = models.CharField(_("form of support"), max_length=20, choices=SupportForm.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    target_regions = models.ManyToManyField(
        "regions.Region",
        related_name="+",
        verbose_name=_("target regions"),
        blank=True,
        limit_choices_to={"level__in": [1, 2]},
    )
    unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    person_responsible = models.CharField(_("person responsible"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("closed by"),
    )
    close_reason = models.TextField(_("reason for closing"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[sdgs, target_regions])

    class Meta:
        ordering = ["-start_date", "code", "pk"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="program_unique_code_per_company"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="program_end_after_start"),
            models.CheckConstraint(condition=Q(status__in=["draft", "aktif", "ditutup"]), name="program_status"),
            models.CheckConstraint(
                condition=Q(pillar__in=["sosial", "ekonomi", "lingkungan", "hukum"]), name="program_pillar"
            ),
            models.CheckConstraint(
                condition=Q(support_form__in=["bantuan", "pendanaan_umk", "pelatihan", "akses_pasar"]),
                name="program_support_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def accepts_new_records(self) -> bool:
        """Whether new handovers, activities and enrolments may still be recorded."""
        return self.status != self.Status.DITUTUP

    @property
    def years(self) -> range:
        return range(self.start_date.year, self.end_date.year + 1)

    def covers(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def period_note(self) -> str:
        """Beside 'Active', when the period does not cover today: 'period ended 31 December 2025' or
        'not started yet (starts 1 January 2027)' (such a program takes no handover dated today)."""
        if self.status != self.Status.AKTIF:
            return ""
        today = timezone.localdate()
        if today > self.end_date:
            return _("period ended %(date)s") % {"date": date_format(self.end_date, "DATE_FORMAT")}
        if today < self.start_date:
            return _("not started yet (starts %(date)s)") % {"date": date_format(self.start_date, "DATE_FORMAT")}
        return ""


class ProgramBudget(models.Model):
    """The yearly budget (RKA) of a program, in whole rupiah. Changed only by `program_budget_set`."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("program"))
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.BigIntegerField(_("amount (Rp)"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["program", "year"]
        verbose_name = _("program budget")
        verbose_name_plural = _("program budgets")
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="budget_unique_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.year}"


class BudgetChange(models.Model):
    """Who changed a yearly budget, when, why, from what to what."""

    budget = models.ForeignKey(ProgramBudget, on_delete=models.PROTECT, related_name="changes")
    old_amount = models.BigIntegerField(_("old amount (Rp)"), null=True, blank=True)
    new_amount = models.BigIntegerField(_("new amount (Rp)"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("budget change")
        verbose_name_plural = _("budget changes")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="budget_change_reason_required"),
            models.CheckConstraint(condition=Q(new_amount__gte=0), name="budget_change_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.budget}: {self.old_amount} -> {self.new_amount}"


class ProgramTarget(models.Model):
    """Targets for the whole program (year empty) or for one year."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="targets", verbose_name=_("program"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, help_text=_("Empty: whole program."))
    partners_reached = models.PositiveIntegerField(_("partners reached"), default=0)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), default=0)
    naik_kelas = models.PositiveIntegerField(_("partners moving up a class"), default=0)
    export_partners = models.PositiveIntegerField(_("export partners"), default=0)

    class Meta:
        ordering = ["program", F("year").asc(nulls_first=True)]
        verbose_name = _("program target")
        verbose_name_plural = _("program targets")
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="target_unique_year"),
            models.UniqueConstraint(
                fields=["program"], condition=Q(year__isnull=True), name="target_unique_whole_program"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.year or '*'}"


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The program's company for company users; the activity's region for officials."""
        return self.filter(scope_for(user).q(company_field="program__company", region_code_field="region_code"))


class Activity(TouchedOnSave, models.Model):
    """Support without a handover of goods: a training, a mentoring visit, an exhibition."""

    class Kind(models.TextChoices):
        PELATIHAN = "pelatihan", _("Training")
        PENDAMPINGAN = "pendampingan", _("Mentoring visit")
        PAMERAN = "pameran", _("Exhibition")
        LAINNYA = "lainnya", _("Other")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="activities", verbose_name=_("program"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200)
    regency = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
        limit_choices_to={"level": 2},
    )
    region_code = models.CharField(_("region code"), max_length=13, db_index=True, editable=False)
    cost = models.BigIntegerField(_("cost (Rp)"), default=0)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="activity_end_after_start"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="activity_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=["pelatihan", "pendampingan", "pameran", "lainnya"]), name="activity_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Derived, not a rule: the code that scope and region filters read.
        self.region_code = self.regency.code
        if kwargs.get("update_fields") is not None and "regency" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "region_code"}
        super().save(*args, **kwargs)


class ActivityParticipantQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The program's company for company users; the participant's own region for everyone:
        a regional official never reads a partner of another region through an activity."""
        return self.filter(
            scope_for(user).q(company_field="activity__program__company", region_code_field="partner__region_code")
        )


class ActivityParticipant(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participants", verbose_name=_("activity")
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="activity_participations",
        verbose_name=_("partner"),
    )
    products_shown = models.TextField(_("products shown"), blank=True)
    product_count = models.PositiveIntegerField(_("number of products"), default=0)

    objects = ActivityParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "partner__business_name", "pk"]
        verbose_name = _("activity participant")
        verbose_name_plural = _("activity participants")
        constraints = [
            models.UniqueConstraint(fields=["activity", "partner"], name="participant_unique_per_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.partner}"


class EnrollmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The program's company for company users; the enrolled partner's region for everyone:
        a program visible through one enrolment in a region shows only that region's enrolments."""
        return self.filter(
            scope_for(user).q(company_field="program__company", region_code_field="partner__region_code")
        )


class Enrollment(models.Model):
    """A partner taking part in a program (mitra binaan of that program)."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("program")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("partner")
    )
    joined_on = models.DateField(_("joined on"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    # Set when the partner was already in an active program of another company and the user confirmed.
    other_company_confirmed = models.BooleanField(_("assisted by another company (confirmed)"), default=False)
    other_company_note = models.CharField(_("other companies"), max_length=300, blank=True)
    # A partner whose data another company holds: enrolled only once a manager approved the
    # request, and it gives the enrolling company no right over the partner's record or its
    # personal data (see partners.privacy and README "Access rules").
    cross_company = models.BooleanField(
        _("partner of another company"),
        default=False,
        editable=False,
        help_text=_("Enrolled with a manager's approval; gives no right to edit the partner or see its personal data."),
    )
    request = models.OneToOneField(
        "EnrollmentRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollment",
        editable=False,
        verbose_name=_("approved request"),
    )

    objects = EnrollmentQuerySet.as_manager()
    # Who enrolled and who removed a partner, and when: a removal leaves its history row.
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "partner__business_name", "pk"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["program", "partner"], name="enrollment_unique_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} · {self.partner}"


class EnrollmentRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The program's company for company users; the partner's region for everyone."""
        return self.filter(
            scope_for(user).q(company_field="program__company", region_code_field="partner__region_code")
        )

    def pending(self):
        return self.filter(status=EnrollmentRequest.Status.PENDING)


class EnrollmentRequest(TouchedOnSave, models.Model):
    """A request to enrol a partner whose data another company holds.

    Until a manager of the program's company other than the requester approves it, the
    partner is not enrolled: it counts nowhere and gives no access to anything.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="enrollment_requests", verbose_name=_("program")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    joined_on = models.DateField(_("joined on"))
    other_companies = models.CharField(_("other companies"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    objects = EnrollmentRequestQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("enrolment request")
        verbose_name_plural = _("enrolment requests")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "partner"], condition=Q(status="pending"), name="enrollment_request_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "refused"]), name="enrollment_request_status"
            ),
            # Segregation of duties, kept by the database too: nobody decides on their own request.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="enrollment_request_not_decided_by_requester",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="enrollment_request_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} · {self.partner}"

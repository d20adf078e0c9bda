"""The shared registry of UMK partners (mitra binaan).

The registry is shared by every company: a business helped by one company is
recognised by the others. Scope for reading it is the user's region only;
what a user may see of a partner's personal data is decided separately.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import scope_for


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


class Partner(models.Model):
    class Status(models.TextChoices):
        AKTIF = "aktif", _("Active")
        LULUS = "lulus", _("Graduated")
        NONAKTIF = "nonaktif", _("Inactive")

    business_name = models.CharField(_("business name"), max_length=200)
    owner_name = models.CharField(_("owner's name"), max_length=150)
    owner_nik = models.CharField(_("owner's NIK"), max_length=16, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("Stored as +62…"))
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
    joining_class = models.PositiveSmallIntegerField(_("class at joining"), choices=SizeClass.choices, null=True)
    current_class = models.PositiveSmallIntegerField(_("current class"), choices=SizeClass.choices, null=True)
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
            models.UniqueConstraint(fields=["owner_nik"], condition=~Q(owner_nik=""), name="partner_unique_nik"),
            models.UniqueConstraint(fields=["nib"], condition=~Q(nib=""), name="partner_unique_nib"),
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

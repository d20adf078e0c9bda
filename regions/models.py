"""Kemendagri administrative regions: provinces, regencies/cities and districts.

Codes are Kemendagri's (`16`, `16.10`, `16.10.01`), never BPS codes. A region
covers itself and every region whose code starts with its code and a dot,
which is how a regional official's scope reaches down the tree.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=Region.Level.PROVINCE)

    def regencies(self):
        return self.filter(level=Region.Level.REGENCY)

    def districts(self):
        return self.filter(level=Region.Level.DISTRICT)

    def within(self, region: "Region | None"):
        """The region itself and everything below it; everything for None (national)."""
        if region is None:
            return self.all()
        return self.filter(Q(code=region.code) | Q(code__startswith=region.code + "."))

    def visible_to(self, user):
        # Reference data: every signed-in user may read the whole list.
        return self.all()


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")
        DISTRICT = 3, _("District")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency")
        KOTA = "kota", _("City")
        KECAMATAN = "kecamatan", _("District")

    code = models.CharField(_("code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="region_level_valid"),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="region_parent_matches_level",
            ),
        ]
        indexes = [models.Index(fields=["level", "name"], name="region_level_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def province(self) -> "Region":
        if self.level == self.Level.PROVINCE:
            return self
        return Region.objects.get(code=self.province_code)

    def covers(self, other: "Region | None") -> bool:
        """Whether `other` is this region or lies below it."""
        return other is not None and (other.code == self.code or other.code.startswith(self.code + "."))

    @property
    def full_name(self) -> str:
        if self.level == self.Level.PROVINCE:
            return self.name
        return f"{self.name}, {self.province.name}"

"""Companies (BUMN) and users with a role and a scope."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .roles import ROLES_SEEING_PERSONAL_DATA, Role


class CompanyQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .scope import scope_for

        scope = scope_for(user)
        if scope.nothing:
            return self.none()
        if scope.company_id is not None:
            return self.filter(pk=scope.company_id)
        return self.all()


class Company(models.Model):
    """A state-owned enterprise (BUMN) whose TJSL unit uses the product."""

    code = models.CharField(
        _("code"), max_length=10, unique=True, help_text=_("Short code used in handover numbers, e.g. HK.")
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60)
    tjsl_unit = models.CharField(_("TJSL unit"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CompanyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9]{2,10}$"), name="company_code_upper"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .scope import scope_for

        scope = scope_for(user)
        if (
            user.is_superuser
            or user.has_role(Role.AUDITOR)
            or (user.has_role(Role.ADMINISTRATOR) and user.company_id is None)
        ):
            return self.all()
        if user.has_role(Role.ADMINISTRATOR) and not scope.nothing:
            return self.filter(company_id=user.company_id)
        return self.filter(pk=user.pk)


class TjslUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person signing in. Company and region together make up their scope."""

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("company"),
        help_text=_("Empty for platform-wide roles: regional officials, auditors, platform administrators."),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region scope"),
        help_text=_("A province or regency; empty means the whole country."),
        limit_choices_to={"level__in": [1, 2]},
    )
    position = models.CharField(_("position"), max_length=120, blank=True)

    objects = TjslUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        if self.region_id and self.region.level not in (1, 2):
            raise ValidationError({"region": _("A scope is a province or a regency.")})

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names

    @property
    def role(self) -> Role | None:
        """The user's main role (a user normally has exactly one)."""
        for role in Role:
            if role.value in self.role_names:
                return role
        return None

    @property
    def sees_personal_data(self) -> bool:
        return self.is_superuser or any(self.has_role(role) for role in ROLES_SEEING_PERSONAL_DATA)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

"""Companies (BUMN) and users with a role and a scope."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user sees and manages only their own tokens."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def not_revoked(self):
        return self.filter(revoked_at__isnull=True)

    def usable(self):
        return self.not_revoked().filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is kept; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. 'ERP export'."))
    prefix = models.CharField(_("prefix"), max_length=16, help_text=_("The first characters, to recognise it."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class IdempotencyRecordQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Records older than `TJSL_IDEMPOTENCY_KEY_DAYS`: a retry after that creates anew."""
        from django.conf import settings

        cutoff = (now or timezone.now()) - timezone.timedelta(days=settings.TJSL_IDEMPOTENCY_KEY_DAYS)
        return self.filter(created_at__lt=cutoff)


class IdempotencyRecord(models.Model):
    """The stored outcome of a creating request sent with an `Idempotency-Key` header.

    Kept for `TJSL_IDEMPOTENCY_KEY_DAYS` days: a daily task deletes older ones, and an
    expired key met before that is treated as new.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(_("idempotency key"), max_length=255)
    request_method = models.CharField(_("method"), max_length=10)
    request_path = models.CharField(_("path"), max_length=500)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"), null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    objects = IdempotencyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]

    def __str__(self) -> str:
        return f"{self.request_method} {self.request_path} [{self.key}]"

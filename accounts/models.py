"""Companies (BUMN) and users with a role and a scope."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .roles import COMPANY_ADMIN_GRANTABLE_ROLES, ROLES_SEEING_PERSONAL_DATA, Role


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
    separate_duties = models.BooleanField(
        _("separate approval, handover and verification"),
        default=True,
        help_text=_("One person may not approve, hand over and verify the same handover."),
    )

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


class TimeZone(models.TextChoices):
    """Indonesia's three time zones; pages print times in the user's one (14.05 WIB)."""

    WIB = "Asia/Jakarta", _("WIB (Western Indonesia, UTC+7)")
    WITA = "Asia/Makassar", _("WITA (Central Indonesia, UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (Eastern Indonesia, UTC+9)")


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

    def managed_by(self, actor):
        """The accounts a company administrator manages: their company's users inside their
        region scope that hold only company roles, never a superuser."""
        if not getattr(actor, "can_manage_users", False):
            return self.none()
        other_roles = [role.value for role in Role if role not in COMPANY_ADMIN_GRANTABLE_ROLES]
        users = self.filter(company_id=actor.company_id, is_superuser=False).exclude(groups__name__in=other_roles)
        if actor.region_id:
            code = actor.region.code
            users = users.filter(Q(region__code=code) | Q(region__code__startswith=code + "."))
        return users


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
    is_service_account = models.BooleanField(
        _("service account"),
        default=False,
        help_text=_("A system that calls the API with OAuth 2 client credentials; it never signs in to pages."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=20,
        choices=TimeZone.choices,
        default=TimeZone.WIB,
        help_text=_("Times on pages, exports and e-mails are shown in this time zone."),
    )

    objects = TjslUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(time_zone__in=TimeZone.values), name="user_time_zone_valid"),
        ]

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
        """The name shown as author in histories and lists; a system says that it is one."""
        name = self.get_full_name() or self.username
        return _("%(name)s (service account)") % {"name": name} if self.is_service_account else name

    @property
    def can_manage_users(self) -> bool:
        """A company's Administrator manages that company's users in the app (not in /admin/)."""
        return bool(self.is_active and self.company_id is not None and self.has_role(Role.ADMINISTRATOR))


class UserEventAction(models.TextChoices):
    INVITED = "invited", _("invited")
    CHANGED = "changed", _("changed")
    DEACTIVATED = "deactivated", _("deactivated")
    REACTIVATED = "reactivated", _("reactivated")
    PASSWORD_RESET_SENT = "password_reset_sent", _("password reset link sent")
    SERVICE_ACCOUNT_CREATED = "service_account_created", _("service account created")
    SERVICE_ACCOUNT_REVOKED = "service_account_revoked", _("service account revoked")


class UserEvent(models.Model):
    """An audit row for a change made to an account in the app: who, when, what (old -> new)."""

    Action = UserEventAction

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="events", verbose_name=_("user"))
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        constraints = [
            models.CheckConstraint(condition=Q(action__in=UserEventAction.values), name="userevent_action_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_action_display()}"

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label, old value, new value) in the reader's language."""
        rows = self.changes.items()
        return [(self._label(key), self._value(key, old), self._value(key, new)) for key, (old, new) in rows]

    @staticmethod
    def _label(key: str) -> str:
        if key == "role":
            return str(_("Role"))
        try:
            return capfirst(User._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:  # a key written by an older version
            return key

    @staticmethod
    def _value(key: str, value) -> str:
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if key == "role" and value in Role.values:
            return str(Role(value).label)
        return str(value) if value not in ("", None) else "–"


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

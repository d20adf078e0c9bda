"""A user's scope: (one company or all) x (one region or the whole country).

`scope_for(user)` is the only place that turns a user into a scope, and
`Scope.filter()` is what every model's `visible_to(user)` applies.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from .roles import Role

COMPANY_ROLES = {Role.STAF, Role.MANAJER, Role.ADMINISTRATOR}


@dataclass(frozen=True)
class Scope:
    company_id: int | None = None  # None: every company
    region_code: str | None = None  # None: the whole country
    nothing: bool = False  # a user without a role sees nothing

    def q(self, *, company_field: str | None = None, region_code_field: str | None = None) -> Q:
        """A filter for a model with a company and/or a region code field."""
        if self.nothing:
            return Q(pk__in=[])
        q = Q()
        if company_field and self.company_id is not None:
            q &= Q(**{company_field: self.company_id})
        if region_code_field and self.region_code is not None:
            q &= Q(**{region_code_field: self.region_code}) | Q(
                **{f"{region_code_field}__startswith": self.region_code + "."}
            )
        return q

    def covers_region_code(self, code: str | None) -> bool:
        if self.nothing:
            return False
        if self.region_code is None:
            return True
        return code is not None and (code == self.region_code or code.startswith(self.region_code + "."))


def scope_for(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(nothing=True)
    if user.is_superuser:
        return Scope()
    role = user.role
    if role is None:
        return Scope(nothing=True)
    region_code = user.region.code if user.region_id else None
    if role in COMPANY_ROLES and user.company_id is not None:
        return Scope(company_id=user.company_id, region_code=region_code)
    if role in COMPANY_ROLES and role != Role.ADMINISTRATOR:
        # Staff or a manager not attached to a company has nothing to work on.
        return Scope(nothing=True)
    return Scope(region_code=region_code)


def scope_label(user) -> str:
    """'Hutama Karya · Nasional', 'Semua perusahaan · Sumatera Selatan'."""
    scope = scope_for(user)
    if scope.nothing:
        return _("No access yet")
    company = str(user.company) if scope.company_id is not None else _("All companies")
    region = user.region.name if scope.region_code else _("National")
    return f"{company} · {region}"

"""Reads that the apps above partners lend to the partner pages (docs/architecture.md).

partners sits below programs and disbursements and imports neither, yet its lists filter by
program and show whom a dashboard figure counts. Those apps hand the reads over here when they
load (in their `AppConfig.ready()`); without them a list offers no program and counts nobody.
"""

from collections.abc import Callable

from django.db.models import Q, QuerySet

_lent: dict[str, Callable] = {}


def lend(**reads: Callable) -> None:
    """Register reads by name: `programs_visible_to(user)`, `supported_partners(support, user)`
    and `supported_groups(support, user)`."""
    _lent.update(reads)


def programs_visible_to(user) -> QuerySet | None:
    """The programs `user` sees, or None when no app lends them."""
    read = _lent.get("programs_visible_to")
    return read(user) if read else None


def supported_partners(support, user) -> Q:
    """Partners that a period's support (`partners.selectors.Support`) counts."""
    read = _lent.get("supported_partners")
    return read(support, user) if read else Q(pk__in=[])


def supported_groups(support, user) -> Q:
    """Business groups that a period's support counts."""
    read = _lent.get("supported_groups")
    return read(support, user) if read else Q(pk__in=[])

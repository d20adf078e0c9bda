"""Who may see a partner's personal data (NIK, phone, address), and masking.

The registry is shared, personal data is not: a user sees it unmasked only when
their role needs it (Staf TJSL, Manajer, Administrator) and, for company users,
only for partners whose data their company holds: it registered them, or enrolled them
while no other company held them (enrolling another company's partner gives nothing).
Every display of an unmasked NIK is logged without the NIK itself.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, OuterRef, Q, Value
from django.utils.translation import gettext as _

from .models import NikViewLog, Partner

logger = logging.getLogger("partners.privacy")

MASK = "•"


def _company_link_q(company_id: int) -> Q:
    """Partners whose data the company holds: it registered them, or enrolled them while no
    other company held them. Enrolling another company's partner (cross_company) gives nothing."""
    enrolled = Partner.objects.filter(
        pk=OuterRef("pk"), enrollments__program__company_id=company_id, enrollments__cross_company=False
    )
    return Q(registered_by_company_id=company_id) | Exists(enrolled)


def _sees_everything(user) -> bool:
    return user.is_superuser or (user.sees_personal_data and user.company_id is None)


def partner_pii_visible(user, partner: Partner) -> bool:
    """Whether `user` may see this partner's NIK, phone and address unmasked."""
    if not getattr(user, "is_authenticated", False) or not user.sees_personal_data:
        return False
    if _sees_everything(user):
        return True
    annotated = getattr(partner, "pii_visible", None)
    if annotated is not None:
        return bool(annotated)
    return Partner.objects.filter(pk=partner.pk).filter(_company_link_q(user.company_id)).exists()


def pii_visible_q(user) -> Q:
    """The partners whose personal data `user` sees unmasked, as a filter (the rule above)."""
    if not getattr(user, "is_authenticated", False) or not user.sees_personal_data:
        return Q(pk__in=[])
    if _sees_everything(user):
        return Q()
    return _company_link_q(user.company_id)


def with_pii_visibility(queryset, user):
    """Annotate `pii_visible` on each partner, in the same query (for lists and exports)."""
    if not getattr(user, "is_authenticated", False) or not user.sees_personal_data:
        return queryset.annotate(pii_visible=Value(False, output_field=BooleanField()))
    if _sees_everything(user):
        return queryset.annotate(pii_visible=Value(True, output_field=BooleanField()))
    return queryset.annotate(pii_visible=pii_visible_q(user))


# The mask shows this many digits at each end of a NIK; a search may match only what it shows.
NIK_SHOWN_DIGITS = 4
NIK_LENGTH = 16


def nik_search_q(user, term: str) -> Q:
    """Partners that a digits-only search term matches through the owner's NIK, for `user`.

    Only what the user may read is matched: the last four digits (shown by the mask to
    everyone), or the whole NIK of a partner whose NIK the user sees unmasked. Any other
    term, a partial NIK or a whole NIK hidden from the user, matches no NIK at all, so the
    results never depend on a hidden digit (otherwise each guess would reveal one).
    """
    if len(term) == NIK_SHOWN_DIGITS:
        return Q(owner_nik__endswith=term)
    if len(term) == NIK_LENGTH:
        return Q(owner_nik=term) & pii_visible_q(user)
    return Q(pk__in=[])


def mask_nik(nik: str) -> str:
    """1610••••••••0003: region of issue and serial stay readable."""
    if not nik:
        return ""
    return nik[:4] + MASK * (len(nik) - 8) + nik[-4:]


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    return phone[:6] + MASK * max(len(phone) - 9, 3) + phone[-3:]


def mask_address(address: str) -> str:
    return MASK * 8 if address else ""


def nik_views_log(*, user, partners, purpose: str) -> None:
    """Record that `user` saw these partners' unmasked NIK (never the NIK itself)."""
    ids = [p.pk for p in partners if p.owner_nik]
    if not ids:
        return
    NikViewLog.objects.bulk_create([NikViewLog(user=user, partner_id=pk, purpose=purpose) for pk in ids])
    logger.info("unmasked NIK shown: user=%s purpose=%s partners=%d first_id=%s", user.pk, purpose, len(ids), ids[0])


# --- Identifier checks: "is this NIK registered?" ------------------------------------------
# Each answer says whether a NIK exists, so each is counted against the asking user's budget
# (in the cache, Redis in production) and logged without the NIK: guessing NIKs one after the
# other stops after a few tries and leaves a trace.

IDENTIFIER_CHECK_BUDGETS = {
    # kind: (setting with the number of NIKs, window in seconds)
    "single": ("TJSL_NIK_CHECKS_PER_HOUR", 3600),
    "import": ("TJSL_NIK_IMPORT_CHECKS_PER_DAY", 86400),
}


def _budget_key(user, kind: str, window: int) -> str:
    return f"nik-checks:{kind}:{user.pk}:{int(time.time()) // window}"


def identifier_checks_take(*, user, count: int = 1, kind: str = "single", purpose: str) -> None:
    """Spend `count` NIK checks of `user`'s budget, or raise ValidationError when it is used up."""
    setting, window = IDENTIFIER_CHECK_BUDGETS[kind]
    limit = getattr(settings, setting)
    key = _budget_key(user, kind, window)
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key, count)
    except ValueError:  # the window ended between add and incr
        cache.set(key, count, timeout=window)
        used = count
    if used > limit:
        cache.decr(key, count)  # a refused check spends nothing
        logger.warning("NIK checks refused: user=%s purpose=%s asked=%d limit=%d", user.pk, purpose, count, limit)
        if kind == "import":
            message = _("This file has more NIKs than you may check today (%(limit)d). Try again tomorrow.")
        else:
            message = _("You have checked too many NIKs in the last hour (at most %(limit)d). Try again later.")
        raise ValidationError(message % {"limit": limit}, code="too_many_nik_checks")


def identifier_checks_log(*, user, purpose: str, checked: int, found: int) -> None:
    """Record who asked whether NIKs exist, how many and with what answer (never the NIKs)."""
    logger.info("NIK check: user=%s purpose=%s checked=%d found=%d", getattr(user, "pk", None), purpose, checked, found)

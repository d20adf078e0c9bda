"""Who may see a partner's personal data (NIK, phone, address), and masking.

The registry is shared, personal data is not: a user sees it unmasked only when
their role needs it (Staf TJSL, Manajer, Administrator) and, for company users,
only for partners whose data their company holds: it registered them, or enrolled them
while no other company held them (enrolling another company's partner gives nothing).
Every display of an unmasked NIK is logged without the NIK itself.
"""

import logging

from django.db.models import BooleanField, Exists, OuterRef, Q, Value

from .models import NikViewLog, Partner
from .selectors import enrollment_model

logger = logging.getLogger("partners.privacy")

MASK = "•"


def _company_link_q(company_id: int) -> Q:
    """Partners whose data the company holds: it registered them, or enrolled them while no
    other company held them. Enrolling another company's partner (cross_company) gives nothing."""
    q = Q(registered_by_company_id=company_id)
    enrollment = enrollment_model()
    if enrollment is not None:
        q |= Exists(
            enrollment.objects.filter(partner=OuterRef("pk"), program__company_id=company_id, cross_company=False)
        )
    return q



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


def with_pii_visibility(queryset, user):
    """Annotate `pii_visible` on each partner, in the same query (for lists and exports)."""
    if not getattr(user, "is_authenticated", False) or not user.sees_personal_data:
        return queryset.annotate(pii_visible=Value(False, output_field=BooleanField()))
    if _sees_everything(user):
        return queryset.annotate(pii_visible=Value(True, output_field=BooleanField()))
    return queryset.annotate(pii_visible=_company_link_q(user.company_id))


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

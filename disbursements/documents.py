"""The BAST (Berita Acara Serah Terima) of a handover: its context and QR code.

The document is Indonesian whatever the reader's interface language, so its
wording lives here and in templates/disbursements/bast.html rather than in the
translation catalogue. Reads only; nothing here changes a handover.
"""

import base64
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import qrcode
from django.urls import reverse
from django.utils import translation
from lokal import terbilang
from qrcode.image.svg import SvgPathImage

from accounts.scope import scope_for
from partners.privacy import mask_nik, partner_pii_visible
from tjsl.formats.output import MONTHS
from tjsl.templatetags.tjsl_format import quantity_text

from .models import Disbursement, Status

DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS_ID = MONTHS["id"]
ITEM_KINDS_ID = {
    "peralatan": "Peralatan produksi",
    "bahan_baku": "Bahan baku",
    "uang": "Uang tunai",
    "pelatihan": "Pelatihan",
    "jasa": "Jasa",
    "lainnya": "Lainnya",
}
STATUS_ID = {
    Status.DRAFT: "Draf",
    Status.SUBMITTED: "Diajukan",
    Status.APPROVED: "Disetujui",
    Status.HANDED_OVER: "Diserahkan",
    Status.VERIFIED: "Terverifikasi",
    Status.CANCELLED: "Dibatalkan",
}
# Statuses whose BAST is a final, numbered record rather than a draft.
NUMBERED_STATUSES = (Status.APPROVED, Status.HANDED_OVER, Status.VERIFIED)
# What every physical item is stated to be in when handed over (no condition is recorded per item).
ITEM_CONDITION = "Baik"
# Kinds that are goods one can inspect; training, services and cash have no condition.
PHYSICAL_KINDS = ("peralatan", "bahan_baku")


def date_long_id(day: date) -> str:
    """'9 November 2023'."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def date_in_words_id(day: date) -> str:
    """'Kamis, tanggal sembilan bulan November tahun dua ribu dua puluh tiga'."""
    return (
        f"{DAYS_ID[day.weekday()]}, tanggal {terbilang(day.day)} bulan {MONTHS_ID[day.month - 1]} "
        f"tahun {terbilang(day.year)}"
    )


def quantity_id(quantity: Decimal) -> str:
    """Decimal comma and no trailing zeros, as Indonesian pages show it: 2 and 2,5, never 2.00."""
    with translation.override("id"):
        return quantity_text(quantity)


def document_filename(disbursement: Disbursement, *, suffix: str = "", extension: str = "pdf") -> str:
    """A download name from the number: BAST-HK-TJSL-2023-0001.pdf (BAST-DRAF-12.pdf before approval)."""
    stem = disbursement.number or f"DRAF-{disbursement.pk}"
    stem = re.sub(r"[^A-Za-z0-9]+", "-", f"BAST-{stem}{suffix}").strip("-")
    return f"{stem}.{extension}"


def verification_url(disbursement: Disbursement, request) -> str:
    """The public page the QR code points to, as an absolute URL."""
    return request.build_absolute_uri(reverse("disbursements:verify", args=[disbursement.verification_token]))


def qr_svg(data: str) -> str:
    """The QR code of `data` as SVG markup, made in memory."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image(image_factory=SvgPathImage).to_string(encoding="unicode")


def qr_data_uri(data: str) -> str:
    """The QR code of `data` as a data: URI, for an <img> that the PDF renderer never fetches remotely."""
    encoded = base64.b64encode(qr_svg(data).encode()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


@dataclass(frozen=True)
class BastItem:
    number: int
    kind: str
    description: str
    quantity: str
    unit: str
    condition: str
    unit_value: int
    total: int


@dataclass(frozen=True)
class BastMember:
    number: int
    name: str
    owner: str
    amount: int


def _receiver_nik(disbursement: Disbursement, user) -> str:
    nik = disbursement.receiver_nik
    if not nik:
        return ""
    return nik if getattr(user, "sees_personal_data", False) else mask_nik(nik)


def _recipient_region(disbursement: Disbursement) -> str:
    regency = getattr(disbursement.recipient, "regency", None)
    if regency is None:
        return ""
    province = regency.parent.name if regency.parent_id else ""
    return ", ".join(part for part in (regency.name, province) if part)


def _recipient_address(disbursement: Disbursement, user) -> str:
    """A business's address only for readers allowed to see it; otherwise its regency and province."""
    partner = disbursement.partner
    if partner is not None and partner.address and partner_pii_visible(user, partner):
        return partner.address
    return _recipient_region(disbursement)


def _items(disbursement: Disbursement) -> list[BastItem]:
    return [
        BastItem(
            number=index,
            kind=ITEM_KINDS_ID.get(item.kind, item.kind),
            description=item.description,
            quantity=quantity_id(item.quantity),
            unit=item.unit,
            condition=ITEM_CONDITION if item.kind in PHYSICAL_KINDS else "",
            unit_value=item.unit_value,
            total=item.total,
        )
        for index, item in enumerate(disbursement.items.all(), start=1)
    ]


def _members(disbursement: Disbursement, user) -> list[BastMember]:
    """Names and amounts only: the attachment never carries a member's NIK or address, and
    lists only the members the reader may see (a regional reader gets their region's).
    A member allocated nothing is no beneficiary: no line and no signature for them."""
    allocations = (
        disbursement.allocations.visible_to(user)
        .filter(amount__gt=0)
        .select_related("partner")
        .order_by("partner__business_name", "pk")
    )
    return [
        BastMember(number=index, name=a.partner.business_name, owner=a.partner.owner_name, amount=a.amount)
        for index, a in enumerate(allocations, start=1)
    ]


def _reader_region(user) -> str:
    """The region a regional reader's copy is limited to; empty for a reader of the whole country."""
    return user.region.name if scope_for(user).region_code else ""


def bast_queryset():
    return Disbursement.objects.select_related(
        "company", "program", "partner__regency__parent", "group__regency__parent", "place_regency"
    ).prefetch_related("items", "witnesses")


def bast_context(*, disbursement: Disbursement, user, verify_url: str) -> dict:
    """Everything bast.html shows, already in Indonesian and in the reader's privacy level."""
    is_final = disbursement.status in NUMBERED_STATUSES
    day = disbursement.handed_on
    items = _items(disbursement)
    return {
        "handover": disbursement,
        "is_final": is_final,
        "number": disbursement.number if is_final else "",
        "status_label": STATUS_ID.get(disbursement.status, disbursement.status),
        "watermark": "" if is_final else ("DIBATALKAN" if disbursement.status == Status.CANCELLED else "DRAF"),
        "date_words": date_in_words_id(day) if day else "",
        "date_long": date_long_id(day) if day else "",
        "place": disbursement.place,
        "place_regency": disbursement.place_regency.name if disbursement.place_regency_id else "",
        "company": disbursement.company,
        "program": disbursement.program,
        "recipient": disbursement.recipient,
        "is_group": disbursement.group_id is not None,
        "receiver_nik": _receiver_nik(disbursement, user),
        "recipient_address": _recipient_address(disbursement, user),
        "items": items,
        "has_goods": any(item.condition for item in items),
        "total": disbursement.total,
        "members": _members(disbursement, user) if disbursement.group_id else [],
        "members_region": _reader_region(user) if disbursement.group_id else "",
        "witnesses": list(disbursement.witnesses.all()),
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
    }

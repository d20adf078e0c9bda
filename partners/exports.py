"""The filtered partner list as .xlsx or .csv, personal data masked unless allowed."""

import datetime
from types import SimpleNamespace

from django.http import QueryDict
from django.utils.translation import gettext as _

from .filters import PartnerFilter
from .imports import rows_csv, rows_workbook, rows_write
from .models import NikViewLog, Partner, SizeClass
from .privacy import mask_address, mask_nik, mask_phone, nik_views_log, with_pii_visibility
from .validators import display_phone

EXPORT_BATCH = 2000


def export_header() -> list[str]:
    return [
        "id",
        _("business name"),
        _("owner's name"),
        _("owner's NIK"),
        _("NIB"),
        _("NPWP"),
        _("phone"),
        _("address"),
        _("regency/city"),
        _("region code"),
        _("sector"),
        _("KBLI code"),
        _("products"),
        _("date joined"),
        _("status"),
        _("class at joining"),
        _("current class"),
        _("moved up a class"),
        _("reached export"),
    ]


def _class_label(value):
    return str(SizeClass(value).label) if value else ""


def export_rows(queryset, user):
    """Rows of the export; logs the partners whose NIK goes out unmasked."""
    queryset = with_pii_visibility(queryset.select_related("regency"), user)
    unmasked = []
    for p in queryset.iterator(chunk_size=EXPORT_BATCH):
        visible = bool(p.pii_visible)
        if visible and p.owner_nik:
            unmasked.append(p)
        yield [
            p.pk,
            p.business_name,
            p.owner_name,
            p.owner_nik if visible else mask_nik(p.owner_nik),
            p.nib,
            p.npwp if visible else mask_nik(p.npwp),
            display_phone(p.phone) if visible else mask_phone(p.phone),
            p.address if visible else mask_address(p.address),
            p.regency.name,
            p.region_code,
            p.get_sector_display(),
            p.kbli,
            p.products,
            p.joined_on.strftime("%d/%m/%Y"),
            p.get_status_display(),
            _class_label(p.joining_class),
            _class_label(p.current_class),
            _("yes") if p.naik_kelas else _("no"),
            _("yes") if p.has_export else _("no"),
        ]
        if len(unmasked) >= EXPORT_BATCH:
            nik_views_log(user=user, partners=unmasked, purpose=NikViewLog.Purpose.EXPORT)
            unmasked = []
    nik_views_log(user=user, partners=unmasked, purpose=NikViewLog.Purpose.EXPORT)


def partners_export(queryset, user, fmt: str) -> bytes:
    rows = export_rows(queryset, user)
    if fmt == "csv":
        return rows_csv(export_header(), rows)
    return rows_workbook(export_header(), rows)


# --- Big exports, made by a worker --------------------------------------------------------------

PROGRESS_EVERY = 2000


def export_queryset(user, params: QueryDict, request=None):
    """The partners of the list page with these filters, within the user's scope.

    The worker has no request: it passes the stored filters, and the user stands in for it.
    """
    request = request or SimpleNamespace(user=user, GET=params)
    base = Partner.objects.visible_to(user)
    filterset = PartnerFilter(params or None, queryset=base, request=request)
    return filterset.qs if filterset.is_bound and filterset.is_valid() else base


def export_filename(fmt: str, day: datetime.date) -> str:
    return f"mitra-binaan-{day:%Y%m%d}.{fmt}"


def partners_export_write(handle, queryset, user, fmt: str, progress=None) -> int:
    """Write the export to a binary file row by row; `progress(n)` is told every few thousand rows."""
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            yield row
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)

    rows_write(handle, fmt, export_header(), counted(export_rows(queryset, user)))
    return written

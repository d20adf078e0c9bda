"""Writes to the partner registry. Every function is atomic and records who acted."""

import datetime
import itertools
import json
import tempfile
from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.roles import Role
from regions.models import Region
from tjsl.outbox import outbox_send
from tjsl.uploads import EXTENSIONS, PDF_TYPES, PHOTO_TYPES, validate_upload
from webhooks.models import Event
from webhooks.services import emit

from .imports import ImportFileError, RowChecker, check_xlsx_archive, read_rows, storable
from .models import (
    Assessment,
    BusinessGroup,
    ExportMilestone,
    Membership,
    Partner,
    PartnerExport,
    PartnerImport,
    PartnerImportRow,
    SizeClass,
)
from .privacy import identifier_checks_log, identifier_checks_take, partner_pii_visible
from .selectors import companies_assisting, companies_holding_data, partners_similar
from .sizing import size_class_for, thresholds_load
from .validators import clean_digits

PARTNER_FIELDS = [
    "business_name",
    "owner_name",
    "owner_nik",
    "nib",
    "npwp",
    "phone",
    "address",
    "regency",
    "district",
    "sector",
    "kbli",
    "products",
    "joined_on",
    "status",
    "notes",
]


# --- Rules shared by pages and services ----------------------------------------------------


def _company_linked(user, partner: Partner) -> bool:
    if user.is_superuser or user.company_id is None:
        return True
    return companies_holding_data(partner).filter(pk=user.company_id).exists()


def partner_editable_by(user, partner: Partner) -> bool:
    """Staff edit partners whose data their company holds (`companies_holding_data`): it registered
    them or enrolled them while no other company held them. The registry is shared for reading only."""
    return user.has_perm("partners.change_partner") and _company_linked(user, partner)


def group_editable_by(user, group: BusinessGroup) -> bool:
    if not user.has_perm("partners.change_businessgroup"):
        return False
    return user.is_superuser or user.company_id is None or group.registered_by_company_id in (None, user.company_id)


def history_visible_to(user) -> bool:
    """Change history is for auditors, administrators and managers."""
    return user.is_superuser or any(user.has_role(r) for r in (Role.AUDITOR, Role.ADMINISTRATOR, Role.MANAJER))


def _not_in_future(value: datetime.date | None, field: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})


def duplicate_message(existing: Partner, label: str, *, link: bool = True) -> str:
    """'A partner with this NIK is already registered: <link>, assisted by HK.' (no personal data).

    Without `link`, only that the partner exists and which companies assist it: naming the
    business would tell whose NIK was typed to someone who may not see that NIK.
    """
    companies = companies_assisting(existing)
    assisted = format_html_join(", ", "{}", ((str(c),) for c in companies)) or _("no company yet")
    if not link:
        return format_html(
            "{} ({}: {}).",
            _("A partner with this %(identifier)s is already registered") % {"identifier": label},
            _("assisted by"),
            assisted,
        )
    url = reverse("partners:partner-detail", args=[existing.pk])
    return format_html(
        '{} <a href="{}">{}</a> ({}: {}).',
        _("A partner with this %(identifier)s is already registered:") % {"identifier": label},
        url,
        existing.business_name,
        _("assisted by"),
        assisted,
    )


def _nik_readable_by(actor, partner: Partner) -> bool:
    """Whether the actor may see this partner (scope) and its NIK (personal data rule)."""
    if actor is None:
        return False
    return partner_pii_visible(actor, partner) and Partner.objects.visible_to(actor).filter(pk=partner.pk).exists()


def partner_duplicates_check(
    *, owner_nik: str, nib: str, exclude_pk: int | None = None, actor=None, nik_changed: bool = True
) -> None:
    """Block a NIK or NIB that another partner already has, linking to that record.

    A new or changed NIK is an "is this NIK registered?" question: it spends one of the
    actor's NIK checks and is logged, and the answer names the record only to those who
    may read its NIK (the NIB is no personal data).
    """
    errors = {}
    if owner_nik and nik_changed and actor is not None:
        try:
            identifier_checks_take(user=actor, purpose="duplicate")
        except ValidationError as exc:
            raise ValidationError({"owner_nik": exc}) from None
    for field, value, label in (("owner_nik", owner_nik, "NIK"), ("nib", nib, "NIB")):
        if not value:
            continue
        existing = Partner.objects.filter(**{field: value}).exclude(**{field: ""}).exclude(pk=exclude_pk).first()
        if field == "owner_nik" and nik_changed:
            identifier_checks_log(user=actor, purpose="duplicate", checked=1, found=int(existing is not None))
        if existing:
            link = field == "nib" or _nik_readable_by(actor, existing)
            errors[field] = ValidationError(duplicate_message(existing, label, link=link), code="duplicate")
    if errors:
        raise ValidationError(errors)


# --- Partners ----------------------------------------------------------------------------


def _partner_validate(partner: Partner, *, actor, nik_changed: bool = True) -> None:
    _not_in_future(partner.joined_on, "joined_on")
    if partner.district_id and not partner.district.code.startswith(partner.regency.code + "."):
        raise ValidationError({"district": _("This district is not in the chosen regency.")})
    partner_duplicates_check(
        owner_nik=partner.owner_nik, nib=partner.nib, exclude_pk=partner.pk, actor=actor, nik_changed=nik_changed
    )
    partner.region_code = (partner.district or partner.regency).code
    partner.full_clean()


class SimilarBusinessError(ValidationError):
    """A business with a similar name is registered in the same regency; `similar` lists them."""

    code = "similar_business"

    def __init__(self, similar: list[Partner]):
        self.similar = similar
        names = ", ".join(f"{p.business_name} (id {p.pk})" for p in similar)
        message = _(
            "Similar businesses are registered in this regency: %(names)s. "
            "Confirm that this is a different business to register it."
        ) % {"names": names}
        super().__init__({"confirm_similar": ValidationError(message, code=self.code)})


def partner_similar_check(
    *, business_name: str, regency_id: int | None, exclude_pk: int | None = None, confirmed: bool | None = False
) -> None:
    """The one rule for look-alike registrations: refused unless confirmed.

    What a person enters (the form, the API, the import) passes `confirmed` as a bool; None
    is for writes that are nobody's entry (scripts, fixtures), which it does not check.
    """
    if confirmed or confirmed is None or not business_name or not regency_id:
        return
    similar = list(partners_similar(business_name=business_name, regency_id=regency_id, exclude_pk=exclude_pk))
    if similar:
        raise SimilarBusinessError(similar)


@transaction.atomic
def partner_create(*, actor, confirm_similar: bool | None = None, **data) -> Partner:
    if not actor.has_perm("partners.add_partner"):
        raise PermissionDenied
    partner = Partner(**{k: v for k, v in data.items() if k in PARTNER_FIELDS})
    partner.created_by = actor
    partner.registered_by_company_id = actor.company_id
    partner._history_user = actor
    _partner_validate(partner, actor=actor)
    partner_similar_check(business_name=partner.business_name, regency_id=partner.regency_id, confirmed=confirm_similar)
    partner.save()
    emit(Event.PARTNER_CREATED, company_id=actor.company_id, data=_webhook_data(partner))
    return partner


def _webhook_data(partner: Partner) -> dict:
    """What a webhook says about a partner (no personal data: read it through the API)."""
    return {
        "id": partner.pk,
        "business_name": partner.business_name,
        "region_code": partner.region_code,
        "sector": partner.sector,
        "status": partner.status,
    }


@transaction.atomic
def partner_update(*, partner: Partner, actor, confirm_similar: bool | None = None, **data) -> Partner:
    if not partner_editable_by(actor, partner):
        raise PermissionDenied
    changed = [k for k in PARTNER_FIELDS if k in data and getattr(partner, k) != data[k]]
    for key in changed:
        setattr(partner, key, data[key])
    if not changed:
        return partner
    _partner_validate(partner, actor=actor, nik_changed="owner_nik" in changed)
    if {"business_name", "regency"} & set(changed):
        partner_similar_check(
            business_name=partner.business_name,
            regency_id=partner.regency_id,
            exclude_pk=partner.pk,
            confirmed=confirm_similar,
        )
    partner._history_user = actor
    partner.save(update_fields=[*changed, "updated_at"])
    if "joined_on" in changed:
        partner_classes_refresh(partner=partner)
    emit(Event.PARTNER_UPDATED, company_id=actor.company_id, data={**_webhook_data(partner), "changed": changed})
    return partner


def _joining_assessment(assessments: list[Assessment], joined_on: datetime.date) -> Assessment | None:
    before = [a for a in assessments if a.assessed_on <= joined_on]
    if before:
        return before[-1]
    return assessments[0] if assessments else None


@transaction.atomic
def partner_classes_refresh(*, partner: Partner) -> Partner:
    """Recompute class at joining, current class and export from the partner's records."""
    assessments = list(partner.assessments.order_by("assessed_on", "pk"))
    joining = _joining_assessment(assessments, partner.joined_on)
    latest = assessments[-1] if assessments else None
    partner.joining_class = joining.size_class if joining else None
    partner.current_class = latest.size_class if latest else None
    partner.has_export = partner.export_milestones.exists() or bool(latest and latest.market_export)
    # Derived values, recomputable from the assessments' own history: no history row of their own.
    partner.skip_history_when_saving = True
    try:
        partner.save(update_fields=["joining_class", "current_class", "has_export", "updated_at"])
    finally:
        del partner.skip_history_when_saving
    return partner


# --- Assessments and export milestones ----------------------------------------------------------


ASSESSMENT_FIELDS = [
    "assessed_on",
    "capital",
    "annual_sales",
    "workers",
    "market_local",
    "market_regional",
    "market_national",
    "market_export",
    "note",
]


@transaction.atomic
def assessment_record(*, partner: Partner, actor, **data) -> Assessment:
    """Record an assessment, class it by the thresholds and update the partner's classes."""
    if not (actor.has_perm("partners.add_assessment") and _company_linked(actor, partner)):
        raise PermissionDenied
    assessment = Assessment(partner=partner, assessed_by=actor, **{k: data[k] for k in ASSESSMENT_FIELDS if k in data})
    _not_in_future(assessment.assessed_on, "assessed_on")
    for field in ("capital", "annual_sales"):
        if getattr(assessment, field) is not None and getattr(assessment, field) < 0:
            raise ValidationError({field: _("Amounts cannot be negative.")})
    assessment.size_class = size_class_for(capital=assessment.capital, annual_sales=assessment.annual_sales)
    assessment.full_clean()
    assessment._history_user = actor
    assessment.save()
    partner_classes_refresh(partner=partner)
    return assessment


@transaction.atomic
def assessment_delete(*, assessment: Assessment, actor) -> None:
    if not (actor.has_perm("partners.delete_assessment") and _company_linked(actor, assessment.partner)):
        raise PermissionDenied
    partner = assessment.partner
    assessment._history_user = actor
    assessment.delete()
    partner_classes_refresh(partner=partner)


EVIDENCE_TYPES = PDF_TYPES | PHOTO_TYPES
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def export_milestone_record(
    *,
    partner: Partner,
    actor,
    destination_country: str,
    exported_on: datetime.date,
    value: int,
    evidence=None,
    evidence_note: str = "",
) -> ExportMilestone:
    if not (actor.has_perm("partners.add_exportmilestone") and _company_linked(actor, partner)):
        raise PermissionDenied
    _not_in_future(exported_on, "exported_on")
    if not evidence and not evidence_note.strip():
        raise ValidationError({"evidence_note": _("Attach an evidence file or describe the evidence.")})
    milestone = ExportMilestone(
        partner=partner,
        destination_country=destination_country.strip(),
        exported_on=exported_on,
        value=value,
        evidence_note=evidence_note,
        recorded_by=actor,
    )
    if evidence:
        # Typed by its content like a handover's evidence; stored under a name of that type.
        mime = validate_upload(evidence, allowed=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES, field="evidence")
        evidence.name = f"evidence.{EXTENSIONS[mime]}"
        milestone.evidence = evidence
    milestone.full_clean()
    milestone._history_user = actor
    milestone.save()
    partner_classes_refresh(partner=partner)
    return milestone


# --- Business groups and members ----------------------------------------------------------------


@transaction.atomic
def business_group_create(*, actor, name: str, regency, leader=None, notes: str = "") -> BusinessGroup:
    if not actor.has_perm("partners.add_businessgroup"):
        raise PermissionDenied
    group = BusinessGroup(
        name=name.strip(),
        regency=regency,
        leader=leader,
        notes=notes,
        created_by=actor,
        registered_by_company_id=actor.company_id,
    )
    group.region_code = regency.code
    group.full_clean()
    group._history_user = actor
    group.save()
    return group


@transaction.atomic
def business_group_update(*, group: BusinessGroup, actor, **data) -> BusinessGroup:
    if not group_editable_by(actor, group):
        raise PermissionDenied
    changed = [k for k in ("name", "regency", "leader", "notes") if k in data and getattr(group, k) != data[k]]
    for key in changed:
        setattr(group, key, data[key])
    if changed:
        group.region_code = group.regency.code
        group.full_clean()
        group._history_user = actor
        group.save(update_fields=changed)
    return group


def other_province(group: BusinessGroup, partner: Partner):
    """The partner's province when it is not the group's (adding it asks for confirmation), else None."""
    if partner.region_code.split(".")[0] == group.region_code.split(".")[0]:
        return None
    return Region.objects.filter(code=partner.region_code.split(".")[0]).first()


def other_province_message(group: BusinessGroup, partner: Partner) -> str:
    province = other_province(group, partner)
    return _(
        "%(partner)s is in %(province)s, outside the province of this group (%(group_province)s). "
        "Confirm to add it anyway."
    ) % {
        "partner": partner.business_name,
        "province": province.name if province else partner.region_code,
        "group_province": group.regency.province.name,
    }


@transaction.atomic
def membership_add(
    *,
    group: BusinessGroup,
    partner: Partner,
    joined_on: datetime.date,
    actor,
    other_province_confirmed: bool = False,
) -> Membership:
    """Add a partner to a group; a partner cannot have overlapping memberships of one group.

    A partner from another province joins only once that was confirmed (usually a mistake)."""
    if not (actor.has_perm("partners.add_membership") and group_editable_by(actor, group)):
        raise PermissionDenied
    _not_in_future(joined_on, "joined_on")
    if not other_province_confirmed and other_province(group, partner) is not None:
        raise ValidationError({"partner": other_province_message(group, partner)}, code="other_province")
    overlapping = Membership.objects.select_for_update().filter(group=group, partner=partner)
    overlapping = overlapping.filter(left_on__isnull=True) | overlapping.filter(left_on__gt=joined_on)
    if overlapping.exists():
        raise ValidationError({"partner": _("This partner is already a member of this group on that date.")})
    membership = Membership(group=group, partner=partner, joined_on=joined_on, created_by=actor)
    membership.full_clean()
    membership._history_user = actor
    membership.save()
    group.touch()
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, left_on: datetime.date, actor) -> Membership:
    if not (actor.has_perm("partners.change_membership") and group_editable_by(actor, membership.group)):
        raise PermissionDenied
    _not_in_future(left_on, "left_on")
    # The same day is allowed: a member added by mistake is removed, the record kept as history.
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("The date left cannot be before the date joined.")})
    membership.left_on = left_on
    membership.full_clean()
    membership._history_user = actor
    membership.save(update_fields=["left_on"])
    membership.group.touch()
    return membership


# --- Import -------------------------------------------------------------------------------------

# The request itself checks only files of at most IMPORT_INLINE_BYTES (unpacked, for an .xlsx)
# with at most IMPORT_BACKGROUND_ROWS data rows (it reads no further than that); any other file
# is stored and read, streamed, by a Celery worker. Files hold at most TJSL_IMPORT_MAX_ROWS rows.
IMPORT_BACKGROUND_ROWS = 300
IMPORT_INLINE_BYTES = 1024 * 1024
IMPORT_CHUNK = 500  # rows checked, looked up and saved together; progress is saved after each


def partner_import_start(*, actor, uploaded_file) -> PartnerImport:
    """Store the upload and check it now (a small file) or have a worker read and check it."""
    if not actor.has_perm("partners.add_partner"):
        raise PermissionDenied
    rows = _import_rows_inline(uploaded_file)  # raises ImportFileError for unreadable files
    with transaction.atomic():
        job = PartnerImport(
            original_name=uploaded_file.name[:200],
            created_by=actor,
            company_id=actor.company_id,
            total_rows=len(rows) if rows is not None else 0,
        )
        job.file.save(uploaded_file.name, uploaded_file, save=False)
        job.save()
        if rows is None:
            outbox_send("partners.tasks.partner_import_validate_task", job.pk)
    if rows is not None:
        partner_import_validate(import_id=job.pk, rows=rows)
        job.refresh_from_db()
    return job


def _import_rows_inline(uploaded_file) -> list[dict] | None:
    """The rows of a small file, read in the request; None for a file left to the worker."""
    name = uploaded_file.name.lower()
    if not name.endswith((".xlsx", ".csv")):
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    uploaded_file.seek(0)
    try:
        size = uploaded_file.size
        if name.endswith(".xlsx"):
            size = check_xlsx_archive(uploaded_file)  # a zip bomb is refused here, whatever its size
        if size > IMPORT_INLINE_BYTES:
            return None
        reader = read_rows(uploaded_file, name)
        try:
            rows = list(itertools.islice(reader, IMPORT_BACKGROUND_ROWS + 1))
        finally:
            reader.close()
    finally:
        uploaded_file.seek(0)
    return rows if len(rows) <= IMPORT_BACKGROUND_ROWS else None


def _import_progress(job: PartnerImport, **fields) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    job.save(update_fields=list(fields))


def _import_nik_checks_take(job: PartnerImport, niks: set[str]) -> bool:
    """Each NIK of a file is an "is it registered?" question: spend them, or refuse the file."""
    try:
        identifier_checks_take(user=job.created_by, count=len(niks), kind="import", purpose="import")
    except ValidationError as exc:
        _import_progress(job, status=PartnerImport.Status.INVALID, message=exc.messages[0], finished_at=timezone.now())
        return False
    return True


def _import_spool(job: PartnerImport, rows: list[dict] | None, spool) -> tuple[int, set[str]]:
    """First pass: read the rows (streamed from the stored file) once, keeping them as JSON
    lines in `spool`, a temporary file rather than memory; returns how many rows there are
    (for the progress bar) and which NIKs."""
    if rows is not None:
        return _spool(rows, spool)
    with job.file.open("rb") as handle:
        return _spool(read_rows(handle, job.original_name), spool)


def _spool(rows: Iterable[dict], spool) -> tuple[int, set[str]]:
    count, niks = 0, set()
    for row in rows:
        count += 1
        niks.add(clean_digits(row["data"].get("owner_nik")))
        spool.write(json.dumps(row).encode() + b"\n")
    spool.seek(0)
    return count, niks - {""}


def _spooled(spool) -> Iterator[dict]:
    for line in spool:
        yield json.loads(line)


def _import_check(job: PartnerImport, rows: Iterator[dict]) -> tuple[int, int]:
    """Second pass: check and save the rows chunk by chunk; (rows with errors, NIKs found)."""
    checker = RowChecker()
    error_rows = found = processed = 0
    for chunk in _chunks(rows, IMPORT_CHUNK):
        checker.load(chunk)
        found += len(checker.existing_niks)
        records = [_import_row(job, checker.check(row)) for row in chunk]
        PartnerImportRow.objects.bulk_create(records)
        error_rows += sum(record.has_errors for record in records)
        processed += len(records)
        _import_progress(job, processed_rows=processed)
    return error_rows, found


def _chunks(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _import_row(job: PartnerImport, row: dict) -> PartnerImportRow:
    return PartnerImportRow(
        partner_import=job,
        line=row["line"],
        data=storable(row["data"]),
        errors=storable(row["errors"]),
        has_errors=bool(row["errors"]),
        clean=storable(row["clean"]),
    )


def partner_import_validate(*, import_id: int, rows: list[dict] | None = None) -> PartnerImport:
    """Check every row; safe to run twice (it starts again from the stored file).

    A file that cannot be a partner list (unreadable, too many rows or columns) ends as
    'failed' with the reason, and keeps no rows.
    """
    job = PartnerImport.objects.select_related("created_by").get(pk=import_id)
    if job.status not in {PartnerImport.Status.PENDING, PartnerImport.Status.VALIDATING}:
        return job
    with tempfile.TemporaryFile() as spool:
        try:
            count, niks = _import_spool(job, rows, spool)
        except ImportFileError as exc:
            job.row_set.all().delete()
            _import_progress(job, status=PartnerImport.Status.FAILED, message=str(exc), finished_at=timezone.now())
            return job
        if job.status == PartnerImport.Status.PENDING and not _import_nik_checks_take(job, niks):
            return job
        job.row_set.all().delete()
        _import_progress(
            job, status=PartnerImport.Status.VALIDATING, total_rows=count, processed_rows=0, error_rows=0, message=""
        )
        error_rows, found = _import_check(job, _spooled(spool))
    identifier_checks_log(user=job.created_by, purpose="import", checked=len(niks), found=found)
    _import_progress(
        job,
        processed_rows=count,
        error_rows=error_rows,
        status=PartnerImport.Status.INVALID if error_rows or not count else PartnerImport.Status.VALID,
        message="" if count else _("The file has no data rows."),
        finished_at=timezone.now(),
    )
    return job


def partner_import_request_commit(*, job: PartnerImport, actor) -> PartnerImport:
    if job.created_by_id != actor.pk or not actor.has_perm("partners.add_partner"):
        raise PermissionDenied
    with transaction.atomic():
        # valid -> committing once, even when the button is pressed twice at the same moment
        taken = PartnerImport.objects.filter(pk=job.pk, status=PartnerImport.Status.VALID).update(
            status=PartnerImport.Status.COMMITTING
        )
        job.refresh_from_db()
        if not taken:
            if job.status in {PartnerImport.Status.COMMITTING, PartnerImport.Status.COMMITTED}:
                return job
            raise ValidationError(_("Only a file whose rows are all valid can be imported."))
        if job.total_rows > IMPORT_BACKGROUND_ROWS:
            outbox_send("partners.tasks.partner_import_commit_task", job.pk)
            return job
    return partner_import_commit(import_id=job.pk)


def partner_import_commit(*, import_id: int) -> PartnerImport:
    """Create every partner of a checked file, with history, or none of them. Safe to run twice."""
    with transaction.atomic():
        job = PartnerImport.objects.select_for_update().select_related("created_by").get(pk=import_id)
        if job.status != PartnerImport.Status.COMMITTING:
            return job
        rows = list(job.row_set.order_by("line").values_list("pk", "clean"))  # at most TJSL_IMPORT_MAX_ROWS
        # Someone may have registered one of these partners since the check.
        recheck = RowChecker([{"data": {"owner_nik": c["owner_nik"], "nib": c["nib"]}} for _pk, c in rows])
        taken = [
            pk
            for pk, c in rows
            if (c["owner_nik"] and c["owner_nik"] in recheck.existing_niks)
            or (c["nib"] and c["nib"] in recheck.existing_nibs)
        ]
        if taken:
            job.row_set.filter(pk__in=taken).update(
                errors=[_("A partner with this NIK or NIB was registered after the check.")], has_errors=True
            )
            _import_progress(job, status=PartnerImport.Status.INVALID, error_rows=len(taken))
            return job
        partners = [_partner_from_row(clean, job) for _pk, clean in rows]
        bulk_create_with_history(
            partners, Partner, batch_size=1000, default_user=job.created_by, default_change_reason="import"
        )
        _import_progress(
            job,
            status=PartnerImport.Status.COMMITTED,
            created_count=len(partners),
            processed_rows=len(partners),
            finished_at=timezone.now(),
        )
    return job


def _partner_from_row(clean: dict, job: PartnerImport) -> Partner:
    data = {k: v for k, v in clean.items() if k not in {"joined_on"}}
    return Partner(
        **data,
        joined_on=datetime.date.fromisoformat(clean["joined_on"]),
        created_by_id=job.created_by_id,
        registered_by_company_id=job.company_id,
    )


def partner_import_fail(*, import_id: int, message: str) -> None:
    PartnerImport.objects.filter(pk=import_id).update(
        status=PartnerImport.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


# --- Big exports -------------------------------------------------------------------------------


def partner_export_request(*, actor, fmt: str, query: str) -> PartnerExport:
    """Queue an export of the partner list with these filters (a query string), made by a worker."""
    if not actor.has_perm("partners.view_partner"):
        raise PermissionDenied
    if fmt not in PartnerExport.Format.values:
        raise ValidationError(_("Export as .xlsx or .csv."))
    with transaction.atomic():
        export = PartnerExport.objects.create(created_by=actor, fmt=fmt, query=query[:2000])
        outbox_send("partners.tasks.partner_export_task", export.pk)
    return export


def partner_export_produce(*, export_id: int) -> PartnerExport:
    """Write the file of a queued export; safe to run twice (a finished export is left alone)."""
    from .exports import export_filename, export_queryset, partners_export_write

    with transaction.atomic():
        export = PartnerExport.objects.select_for_update(skip_locked=True).filter(pk=export_id).first()
        if export is None or export.status not in {PartnerExport.Status.QUEUED, PartnerExport.Status.RUNNING}:
            return export
        export.status = PartnerExport.Status.RUNNING
        export.save(update_fields=["status"])
    user = export.created_by
    queryset = export_queryset(user, QueryDict(export.query))
    _export_progress(export, total_rows=queryset.count(), processed_rows=0)
    with tempfile.TemporaryFile() as handle:
        written = partners_export_write(
            handle, queryset, user, export.fmt, progress=lambda n: _export_progress(export, processed_rows=n)
        )
        handle.seek(0)
        export.file.save(export_filename(export.fmt, timezone.localdate()), File(handle), save=False)
    _export_progress(
        export,
        file=export.file.name,
        status=PartnerExport.Status.DONE,
        total_rows=written,
        processed_rows=written,
        finished_at=timezone.now(),
    )
    return export


def _export_progress(export: PartnerExport, **fields) -> None:
    for key, value in fields.items():
        setattr(export, key, value)
    PartnerExport.objects.filter(pk=export.pk).update(**fields)


def partner_export_fail(*, export_id: int, message: str) -> None:
    unfinished = [PartnerExport.Status.QUEUED, PartnerExport.Status.RUNNING]
    PartnerExport.objects.filter(pk=export_id, status__in=unfinished).update(
        status=PartnerExport.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


def size_class_label(value: int | None) -> str:
    return str(SizeClass(value).label) if value else ""


__all__ = [
    "assessment_delete",
    "assessment_record",
    "business_group_create",
    "business_group_update",
    "export_milestone_record",
    "membership_add",
    "membership_end",
    "partner_classes_refresh",
    "partner_create",
    "partner_import_commit",
    "partner_import_request_commit",
    "partner_import_start",
    "partner_import_validate",
    "partner_update",
    "thresholds_load",
]

"""Writes on handovers: entry, workflow, budget control, evidence, reversals.

Every function is atomic, checks who may act, and records a Transition row
for each status change. Approval locks the program's budget row for the year
and the company's number sequence, so concurrent approvals can neither
overspend nor leave gaps in the numbering.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.roles import Role
from programs.models import Program
from tjsl.formats.output import date_text
from tjsl.problems import denied
from tjsl.templatetags.tjsl_format import rupiah_text as rupiah
from tjsl.uploads import validate_upload, validate_uploads
from webhooks.models import Event
from webhooks.services import emit

from .models import (
    COMMITTED_STATUSES,
    LOCKED_STATUSES,
    Allocation,
    Contributor,
    Disbursement,
    Evidence,
    Item,
    Notification,
    NumberSequence,
    Status,
    Transition,
    Witness,
)
from .notifications import notify
from .signals import handover_status_changed

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PDF_MAX_BYTES = 20 * 1024 * 1024
# What staff type on a handover's header; with the program and recipient, what a draft may change.
HEADER_FIELDS = (
    "handed_on",
    "place_regency",
    "place",
    "giver_name",
    "giver_position",
    "receiver_name",
    "receiver_position",
    "receiver_nik",
    "receiver_organisation",
    "basis",
    "notes",
)
EDITABLE_FIELDS = ("program", "partner", "group", *HEADER_FIELDS)


@dataclass(frozen=True)
class ItemData:
    kind: str
    description: str
    quantity: Decimal
    unit: str
    unit_value: int


@dataclass(frozen=True)
class WitnessData:
    name: str
    position: str


# --- Who may act ---------------------------------------------------------------


def _same_company(user, disbursement: Disbursement) -> bool:
    return user.company_id is not None and user.company_id == disbursement.company_id


def can_edit(user, disbursement: Disbursement) -> bool:
    return (
        disbursement.status == Status.DRAFT
        and _same_company(user, disbursement)
        and (user.has_role(Role.STAF) or user.has_role(Role.MANAJER))
    )


def contributed(user, disbursement: Disbursement) -> bool:
    """Whether `user` entered or changed this handover's content (segregation of duties)."""
    return user.pk == disbursement.created_by_id or disbursement.contributors.filter(user_id=user.pk).exists()


def can_approve(user, disbursement: Disbursement) -> bool:
    return (
        disbursement.status == Status.SUBMITTED
        and _same_company(user, disbursement)
        and user.has_role(Role.MANAJER)
        and not contributed(user, disbursement)
    )


def can_hand_over(user, disbursement: Disbursement) -> bool:
    return (
        disbursement.status == Status.APPROVED
        and disbursement.kind == Disbursement.Kind.HANDOVER
        and _same_company(user, disbursement)
        and (user.has_role(Role.STAF) or user.has_role(Role.MANAJER))
    )


def did_every_other_step(user, disbursement: Disbursement) -> bool:
    """Whether `user` approved and handed over this handover where the company separates duties:
    verifying too would put the whole workflow in one person's hands."""
    return (
        disbursement.company.separate_duties
        and disbursement.approved_by_id == user.pk
        and disbursement.handed_over_by_id == user.pk
    )


def can_verify(user, disbursement: Disbursement) -> bool:
    return (
        disbursement.status == Status.HANDED_OVER
        and _same_company(user, disbursement)
        and user.has_role(Role.MANAJER)
        and not did_every_other_step(user, disbursement)
    )


def can_withdraw(user, disbursement: Disbursement) -> bool:
    """The author or a contributor takes a submission back while nobody has acted on it yet."""
    return (
        disbursement.status == Status.SUBMITTED
        and _same_company(user, disbursement)
        and (user.has_role(Role.STAF) or user.has_role(Role.MANAJER))
        and contributed(user, disbursement)
    )


def can_reverse(user, disbursement: Disbursement) -> bool:
    return (
        disbursement.kind == Disbursement.Kind.HANDOVER
        and disbursement.status in LOCKED_STATUSES
        and not hasattr(disbursement, "reversal")
        and _same_company(user, disbursement)
        and (user.has_role(Role.STAF) or user.has_role(Role.MANAJER))
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _locked(disbursement: Disbursement) -> Disbursement:
    """Re-read the row under a lock; the status we act on is the one in the database."""
    return Disbursement.objects.select_for_update().get(pk=disbursement.pk)


def _expect_status(disbursement: Disbursement, status: str) -> None:
    """Two people acting on the same handover at once: the second is told what happened."""
    if disbursement.status != status:
        raise ValidationError(
            _("%(handover)s is already %(status)s; nothing was changed.")
            % {"handover": disbursement, "status": disbursement.get_status_display().lower()},
            code="state_conflict",
        )


WEBHOOK_EVENTS = {
    Status.SUBMITTED: Event.HANDOVER_SUBMITTED,
    Status.APPROVED: Event.HANDOVER_APPROVED,
    Status.HANDED_OVER: Event.HANDOVER_HANDED_OVER,
}


def webhook_data(disbursement: Disbursement) -> dict:
    """What a webhook says about a handover; the rest is one GET /api/v1/handovers/{id}/ away."""
    return {
        "id": disbursement.pk,
        "number": disbursement.number or None,
        "kind": disbursement.kind,
        "status": disbursement.status,
        "total": disbursement.total,
        "handed_on": disbursement.handed_on,
        "program": disbursement.program_id,
        "partner": disbursement.partner_id,
        "group": disbursement.group_id,
        "reverses": disbursement.reverses_id,
    }


def _transition(disbursement: Disbursement, *, to: str, actor, reason: str = "", fields=()) -> None:
    previous = disbursement.status
    disbursement.status = to
    disbursement.save(update_fields=["status", *fields])
    Transition.objects.create(disbursement=disbursement, from_status=previous, to_status=to, actor=actor, reason=reason)
    if to in WEBHOOK_EVENTS:
        emit(WEBHOOK_EVENTS[to], company_id=disbursement.company_id, data=webhook_data(disbursement))
    transaction.on_commit(
        lambda: handover_status_changed.send(
            sender=Disbursement, disbursement=disbursement, from_status=previous, to_status=to
        )
    )


# --- Entry ---------------------------------------------------------------------


def _content(disbursement: Disbursement) -> tuple:
    """What an approver approves: the header, recipient, items, witnesses and allocations."""
    header = tuple(getattr(disbursement, Disbursement._meta.get_field(f).attname) for f in EDITABLE_FIELDS)
    items = tuple(disbursement.items.values_list("kind", "description", "quantity", "unit", "unit_value"))
    witnesses = tuple(disbursement.witnesses.values_list("name", "position"))
    allocations = tuple(disbursement.allocations.order_by("partner_id").values_list("partner_id", "amount"))
    return header, items, witnesses, allocations


def _record_contributor(disbursement: Disbursement, actor) -> None:
    """Remember who changed the draft; an approver must be none of them."""
    contributor, created = Contributor.objects.get_or_create(disbursement=disbursement, user=actor)
    if not created:
        contributor.save(update_fields=["last_changed_at"])


def item_total(*, quantity: Decimal, unit_value: int) -> int:
    """Whole rupiah, rounded half up: 1,5 x Rp3 = Rp5."""
    return int((Decimal(quantity) * unit_value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _apply_recipient_region(disbursement: Disbursement) -> None:
    recipient = disbursement.recipient
    if recipient is not None:
        disbursement.region_code = recipient.region_code
        disbursement.regency_code = recipient.region_code[:5]
        disbursement.province_code = recipient.region_code[:2]


def _check_company_fields(disbursement: Disbursement, actor) -> None:
    program = disbursement.program
    if program.company_id != actor.company_id:
        raise PermissionDenied(_("You can only enter handovers for your own company's programs."))
    disbursement.company_id = program.company_id
    if disbursement.partner_id and disbursement.group_id:
        raise ValidationError({"group": _("Choose either a business or a group, not both.")})


def disbursement_create_draft(
    *,
    actor,
    program,
    submission_key=None,
    items: list[ItemData] = (),
    witnesses: list[WitnessData] = (),
    **fields,
) -> Disbursement:
    """Save a draft; it may be incomplete. A repeated submission key returns the first draft."""
    _require(actor.has_role(Role.STAF) or actor.has_role(Role.MANAJER), _("You may not enter handovers."))
    if submission_key is not None:
        existing = Disbursement.objects.filter(created_by=actor, submission_key=submission_key).first()
        if existing is not None:
            return existing
    disbursement = Disbursement(program=program, created_by=actor, **fields)
    if submission_key is not None:
        disbursement.submission_key = submission_key
    _check_company_fields(disbursement, actor)
    _apply_recipient_region(disbursement)
    try:
        with transaction.atomic():
            disbursement.full_clean(exclude=["total"])
            disbursement.save()
            Transition.objects.create(disbursement=disbursement, to_status=Status.DRAFT, actor=actor)
            _record_contributor(disbursement, actor)
            _replace_items(disbursement, items)
            _replace_witnesses(disbursement, witnesses)
    except IntegrityError:
        # The same form posted twice at once: the other request won; return its draft.
        existing = Disbursement.objects.filter(created_by=actor, submission_key=disbursement.submission_key).first()
        if existing is None:
            raise
        return existing
    return disbursement


@transaction.atomic
def disbursement_update_draft(
    *,
    disbursement: Disbursement,
    actor,
    items: list[ItemData] | None = None,
    witnesses: list[WitnessData] | None = None,
    **fields,
) -> Disbursement:
    disbursement = _locked(disbursement)
    _require(can_edit(actor, disbursement), _("Only a draft of your company can be edited."))
    before = _content(disbursement)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not editable")
        setattr(disbursement, name, value)
    _check_company_fields(disbursement, actor)
    _apply_recipient_region(disbursement)
    disbursement.full_clean(exclude=["total"])
    disbursement.save()
    if items is not None:
        _replace_items(disbursement, items)
    if witnesses is not None:
        _replace_witnesses(disbursement, witnesses)
    if _content(disbursement) != before:
        _record_contributor(disbursement, actor)
    return disbursement


def _replace_items(disbursement: Disbursement, items: list[ItemData]) -> None:
    for old in disbursement.items.all():
        old.delete()  # one by one, so that the history records each removal
    rows = []
    for position, data in enumerate(items):
        item = Item(
            disbursement=disbursement,
            position=position,
            kind=data.kind,
            description=data.description,
            quantity=data.quantity,
            unit=data.unit,
            unit_value=data.unit_value,
            total=item_total(quantity=data.quantity, unit_value=data.unit_value),
        )
        item.full_clean(exclude=["disbursement"])
        rows.append(item)
    bulk_create_with_history(rows, Item)
    disbursement.total = sum(item.total for item in rows)
    disbursement.save(update_fields=["total"])
    # Allocations follow the total; custom ones are kept only if they still add up.
    allocated = disbursement.allocations.values_list("amount", flat=True)
    if disbursement.group_id and allocated and sum(allocated) != disbursement.total:
        allocations_split_equally(disbursement=disbursement)


def _replace_witnesses(disbursement: Disbursement, witnesses: list[WitnessData]) -> None:
    disbursement.witnesses.all().delete()
    Witness.objects.bulk_create(
        Witness(disbursement=disbursement, position_order=i, name=w.name, position=w.position)
        for i, w in enumerate(witnesses)
    )
    disbursement.touch()


# --- Allocation to group members -------------------------------------------------


def equal_split(total: int, count: int) -> list[int]:
    """Split whole rupiah over `count` members, deterministically.

    Rp200.000.000 over 30 members: Rp6.666.666 each, and the remaining Rp20 go
    one rupiah each to the first 20 members (in name order).
    """
    if count <= 0:
        return []
    base, remainder = divmod(total, count)
    return [base + 1 if i < remainder else base for i in range(count)]


def group_members_on(group, day: date | None):
    members = group.members_on(day or timezone.localdate())
    return list(members.order_by("business_name", "pk"))


@transaction.atomic
def allocations_split_equally(*, disbursement: Disbursement) -> list[Allocation]:
    """Default allocation: equal shares over the members on the handover date."""
    if not disbursement.group_id:
        return _replace_allocations(disbursement, {})
    members = group_members_on(disbursement.group, disbursement.handed_on)
    shares = equal_split(disbursement.total, len(members))
    return _replace_allocations(disbursement, {m.pk: a for m, a in zip(members, shares, strict=True)})


def _replace_allocations(disbursement: Disbursement, amounts: dict[int, int]) -> list[Allocation]:
    """Member (partner id) -> amount; each removal and addition is kept in the history."""
    for old in disbursement.allocations.all():
        old.delete()
    rows = [Allocation(disbursement=disbursement, partner_id=pid, amount=amount) for pid, amount in amounts.items()]
    allocations = bulk_create_with_history(rows, Allocation)
    disbursement.touch()
    return allocations


@transaction.atomic
def allocations_set(*, disbursement: Disbursement, actor, amounts: dict[int, int]) -> list[Allocation]:
    """Edit the allocation per member (partner id -> whole rupiah); must add up to the total."""
    disbursement = _locked(disbursement)
    _require(can_edit(actor, disbursement), _("Only a draft of your company can be edited."))
    if not disbursement.group_id:
        raise ValidationError(_("Only a handover to a group is allocated to members."))
    member_ids = {p.pk for p in group_members_on(disbursement.group, disbursement.handed_on)}
    errors = {}
    for partner_id, amount in amounts.items():
        if partner_id not in member_ids:
            errors[f"amount_{partner_id}"] = _("This business is not a member of the group on the handover date.")
        elif amount < 0:
            errors[f"amount_{partner_id}"] = _("An amount cannot be negative.")
    if errors:
        raise ValidationError(errors)
    total = sum(amounts.values())
    if total != disbursement.total:
        raise ValidationError(
            _("The allocations add up to %(sum)s but the handover total is %(total)s.")
            % {"sum": rupiah(total), "total": rupiah(disbursement.total)}
        )
    before = _content(disbursement)
    allocations = _replace_allocations(disbursement, amounts)
    if _content(disbursement) != before:
        _record_contributor(disbursement, actor)
    return allocations


# --- Workflow --------------------------------------------------------------------


def _completeness_errors(disbursement: Disbursement) -> dict[str, str]:
    errors = {}
    if not disbursement.recipient:
        errors["partner"] = _("Choose the receiving business or group.")
    required = {
        "handed_on": _("Enter the date of the handover."),
        "place_regency": _("Choose the regency or city where it takes place."),
        "place": _("Enter the place."),
        "giver_name": _("Enter the name of the first party."),
        "receiver_name": _("Enter the name of the second party."),
    }
    for field, message in required.items():
        if not getattr(disbursement, f"{field}_id" if field == "place_regency" else field):
            errors[field] = message
    if not disbursement.items.exists() or disbursement.total <= 0:
        errors["items"] = _("Add at least one item with a value.")
    return errors


def _check_program_accepts(disbursement: Disbursement) -> None:
    program = disbursement.program
    if program.status != Program.Status.AKTIF:
        raise ValidationError(_("The program %(program)s is not active.") % {"program": program.name})
    day = disbursement.handed_on
    if day and not (program.start_date <= day <= program.end_date):
        raise ValidationError(
            {
                "handed_on": _("The date is outside the program period (%(start)s – %(end)s).")
                % {"start": date_text(program.start_date), "end": date_text(program.end_date)}
            }
        )


@transaction.atomic
def disbursement_submit(*, disbursement: Disbursement, actor) -> Disbursement:
    disbursement = _locked(disbursement)
    _require(can_edit(actor, disbursement), _("Only a draft of your company can be submitted."))
    errors = _completeness_errors(disbursement)
    if errors:
        raise ValidationError(errors)
    _check_program_accepts(disbursement)
    if disbursement.group_id:
        if not disbursement.allocations.exists():
            allocations_split_equally(disbursement=disbursement)
        allocated = sum(disbursement.allocations.values_list("amount", flat=True))
        if allocated != disbursement.total:
            raise ValidationError(_("The member allocations do not add up to the total."))
    _apply_recipient_region(disbursement)
    disbursement.save(update_fields=["region_code", "regency_code", "province_code"])
    _transition(disbursement, to=Status.SUBMITTED, actor=actor)
    notify(disbursement=disbursement, verb=Notification.Verb.SUBMITTED, actor=actor)
    return disbursement


@transaction.atomic
def disbursement_withdraw(*, disbursement: Disbursement, actor, reason: str = "") -> Disbursement:
    """Take a submission back to draft (to correct it); the status history keeps the step."""
    disbursement = _locked(disbursement)
    if _same_company(actor, disbursement) and contributed(actor, disbursement):
        _expect_status(disbursement, Status.SUBMITTED)
    _require(
        can_withdraw(actor, disbursement), _("Only its author or a contributor can withdraw a submitted handover.")
    )
    _transition(disbursement, to=Status.DRAFT, actor=actor, reason=reason.strip())
    return disbursement


@transaction.atomic
def disbursement_return(*, disbursement: Disbursement, actor, reason: str) -> Disbursement:
    disbursement = _locked(disbursement)
    _require(
        disbursement.status == Status.SUBMITTED and _same_company(actor, disbursement) and actor.has_role(Role.MANAJER),
        _("Only a manager of the company can return a submitted handover."),
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is returned.")})
    _transition(disbursement, to=Status.DRAFT, actor=actor, reason=reason)
    notify(disbursement=disbursement, verb=Notification.Verb.RETURNED, actor=actor, reason=reason)
    return disbursement


@transaction.atomic
def disbursement_cancel(*, disbursement: Disbursement, actor, reason: str = "") -> Disbursement:
    disbursement = _locked(disbursement)
    _require(can_edit(actor, disbursement), _("Only a draft can be cancelled."))
    _transition(disbursement, to=Status.CANCELLED, actor=actor, reason=reason)
    return disbursement


def budget_committed(*, program, year: int, exclude_pk: int | None = None) -> int:
    handovers = Disbursement.objects.filter(program=program, year=year, status__in=COMMITTED_STATUSES)
    if exclude_pk:
        handovers = handovers.exclude(pk=exclude_pk)
    return handovers.net_amount()


def budget_position(*, disbursement: Disbursement) -> dict | None:
    """What an approver weighs: the program's budget for the handover's year, what is committed,
    what is left now and what would be left after approving this one (None: no budget row)."""
    from programs.models import ProgramBudget

    if disbursement.kind != Disbursement.Kind.HANDOVER:
        return None
    year = (disbursement.handed_on or timezone.localdate()).year
    budget = ProgramBudget.objects.filter(program_id=disbursement.program_id, year=year).first()
    if budget is None:
        return {"year": year, "budget": None}
    committed = budget_committed(program=disbursement.program_id, year=year, exclude_pk=disbursement.pk)
    remaining = budget.amount - committed
    after = remaining - disbursement.total
    return {
        "year": year,
        "budget": budget.amount,
        "committed": committed,
        "remaining": remaining,
        "after": after,
        "exceeds": after < 0,
    }


def _lock_budget(program, year: int):
    from programs.models import ProgramBudget

    budget = ProgramBudget.objects.select_for_update().filter(program=program, year=year).first()
    if budget is None:
        raise ValidationError(
            _("The program %(program)s has no budget for %(year)s.") % {"program": program.name, "year": year}
        )
    return budget


def _next_number(disbursement: Disbursement, year: int) -> tuple[str, int]:
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
        company_id=disbursement.company_id, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    code = disbursement.company.code
    return f"{code}/TJSL/{year}/{sequence.last:04d}", sequence.last


@transaction.atomic
def disbursement_approve(*, disbursement: Disbursement, actor) -> Disbursement:
    """Approve within budget. The budget row lock serialises approvals of one program-year."""
    disbursement = _locked(disbursement)
    if _same_company(actor, disbursement) and actor.has_role(Role.MANAJER):
        _expect_status(disbursement, Status.SUBMITTED)
    if disbursement.created_by_id == actor.pk:
        raise denied(_("You cannot approve a handover you entered yourself."), code="self_approval")
    if contributed(actor, disbursement):
        raise denied(
            _("You changed this handover while it was a draft, so another manager must approve it."),
            code="self_approval",
        )
    _require(can_approve(actor, disbursement), _("Only a manager of the company can approve a submitted handover."))
    if disbursement.kind == Disbursement.Kind.REVERSAL:
        year = disbursement.reverses.year  # nets against the budget year it corrects
    else:
        year = (disbursement.handed_on or timezone.localdate()).year
    if disbursement.kind == Disbursement.Kind.HANDOVER:
        _check_program_accepts(disbursement)
        budget = _lock_budget(disbursement.program, year)
        committed = budget_committed(program=disbursement.program, year=year)
        remaining = budget.amount - committed
        if disbursement.total > remaining:
            raise ValidationError(
                _("Over budget: %(year)s has %(remaining)s left of %(budget)s, this handover is %(total)s.")
                % {
                    "year": year,
                    "remaining": rupiah(max(remaining, 0)),
                    "budget": rupiah(budget.amount),
                    "total": rupiah(disbursement.total),
                },
                code="budget_exceeded",
            )
    disbursement.year = year
    disbursement.number, disbursement.sequence = _next_number(disbursement, year)
    disbursement.approved_by = actor
    disbursement.approved_at = timezone.now()
    # Saved while still "submitted": the freeze starts with the status change below.
    disbursement.save(update_fields=["year", "number", "sequence", "approved_by", "approved_at"])
    _transition(disbursement, to=Status.APPROVED, actor=actor)
    notify(disbursement=disbursement, verb=Notification.Verb.APPROVED, actor=actor)
    return disbursement


@transaction.atomic
def disbursement_hand_over(
    *, disbursement: Disbursement, actor, bast_scan: UploadedFile, photos: list[UploadedFile]
) -> Disbursement:
    disbursement = _locked(disbursement)
    _require(can_hand_over(actor, disbursement), _("Only an approved handover of your company can be handed over."))
    errors = {}
    if not bast_scan:
        errors["bast_scan"] = _("Attach the signed BAST scan (PDF).")
    if not photos:
        errors["photos"] = _("Attach at least one photo of the handover.")
    if errors:
        raise ValidationError(errors)
    validate_upload(bast_scan, allowed={"application/pdf"}, max_bytes=PDF_MAX_BYTES, field="bast_scan")
    photo_types = validate_uploads(photos, allowed=PHOTO_TYPES, max_bytes=PHOTO_MAX_BYTES, field="photos")
    disbursement.bast_scan.save("bast.pdf", bast_scan, save=False)
    for photo, mime in zip(photos, photo_types, strict=True):
        evidence = Evidence(
            disbursement=disbursement,
            content_type=mime,
            original_name=photo.name[:200],
            size=photo.size,
            uploaded_by=actor,
        )
        evidence.file.save(f"photo.{mime.split('/')[1]}", photo, save=False)
        evidence.save()
    disbursement.handed_over_by = actor
    disbursement.handed_over_at = timezone.now()
    _transition(
        disbursement, to=Status.HANDED_OVER, actor=actor, fields=["bast_scan", "handed_over_by", "handed_over_at"]
    )
    notify(disbursement=disbursement, verb=Notification.Verb.HANDED_OVER, actor=actor)
    return disbursement


@transaction.atomic
def disbursement_verify(*, disbursement: Disbursement, actor) -> Disbursement:
    disbursement = _locked(disbursement)
    if _same_company(actor, disbursement) and actor.has_role(Role.MANAJER):
        _expect_status(disbursement, Status.HANDED_OVER)
    if _same_company(actor, disbursement) and did_every_other_step(actor, disbursement):
        raise PermissionDenied(_("You approved and handed over this handover, so another manager must verify it."))
    _require(can_verify(actor, disbursement), _("Only a manager of the company can verify a handed-over handover."))
    disbursement.verified_by = actor
    disbursement.verified_at = timezone.now()
    _transition(disbursement, to=Status.VERIFIED, actor=actor, fields=["verified_by", "verified_at"])
    return disbursement


@transaction.atomic
def disbursement_reverse(*, disbursement: Disbursement, actor, reason: str) -> Disbursement:
    """Record a reversal: a linked record with the opposite effect, submitted for its own approval."""
    original = _locked(disbursement)
    _require(can_reverse(actor, original), _("Only an approved handover of your company can be reversed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the handover is reversed.")})
    reversal = Disbursement.objects.create(
        company=original.company,
        program=original.program,
        kind=Disbursement.Kind.REVERSAL,
        reverses=original,
        partner=original.partner,
        group=original.group,
        region_code=original.region_code,
        regency_code=original.regency_code,
        province_code=original.province_code,
        handed_on=original.handed_on,
        place_regency=original.place_regency,
        place=original.place,
        basis=original.number,
        reason=reason,
        created_by=actor,
    )
    _record_contributor(reversal, actor)
    bulk_create_with_history(
        [
            Item(
                disbursement=reversal,
                position=item.position,
                kind=item.kind,
                description=item.description,
                quantity=item.quantity,
                unit=item.unit,
                unit_value=item.unit_value,
                total=item.total,
            )
            for item in original.items.all()
        ],
        Item,
    )
    Allocation.objects.bulk_create(
        Allocation(disbursement=reversal, partner_id=a.partner_id, amount=a.amount) for a in original.allocations.all()
    )
    reversal.total = original.total
    reversal.save(update_fields=["total"])
    Transition.objects.create(disbursement=reversal, from_status="", to_status=Status.DRAFT, actor=actor, reason=reason)
    _transition(reversal, to=Status.SUBMITTED, actor=actor, reason=reason)
    emit(
        Event.HANDOVER_REVERSED,
        company_id=original.company_id,
        data={**webhook_data(original), "reversal": reversal.pk},
    )
    notify(disbursement=reversal, verb=Notification.Verb.SUBMITTED, actor=actor, reason=reason)
    return reversal

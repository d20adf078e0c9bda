"""Writes on programs, budgets, targets, activities and enrolments.

Every function is atomic, validates with `full_clean()`, records the actor and
raises `ValidationError` / `PermissionDenied` with a message meant for the user.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Company
from accounts.scope import scope_for
from partners.models import Partner
from regions.models import Region
from tjsl import periods

from .models import (
    Activity,
    ActivityParticipant,
    BudgetChange,
    Enrollment,
    EnrollmentRequest,
    Program,
    ProgramBudget,
    ProgramTarget,
    Sdg,
)

PROGRAM_FIELDS = (
    "code",
    "name",
    "description",
    "pillar",
    "support_form",
    "start_date",
    "end_date",
    "unit",
    "person_responsible",
)
ACTIVITY_FIELDS = ("kind", "title", "start_date", "end_date", "place", "regency", "cost", "description")


# --- Permission helpers (used by views too) -------------------------------------------


def _owns(user, company_id: int) -> bool:
    scope = scope_for(user)
    return not scope.nothing and scope.company_id in (None, company_id)


def can_manage_program(user, program: Program) -> bool:
    """The owning company's Manajer and Administrator (and platform administrators)."""
    return user.has_perm("programs.change_program") and _owns(user, program.company_id)


def can_record_activities(user, program: Program) -> bool:
    """Activities, their participants and enrolled partners are the unit's day-to-day work."""
    return user.has_perm("programs.add_activity") and _owns(user, program.company_id)


def can_decide_enrollment(user, request: EnrollmentRequest) -> bool:
    """A manager (or administrator) of the program's company, never the person who asked."""
    return (
        request.status == EnrollmentRequest.Status.PENDING
        and can_manage_program(user, request.program)
        and user.pk != request.requested_by_id
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change this program."))


# --- Programs -------------------------------------------------------------------------


def program_assert_open(*, program: Program) -> None:
    """The guard for anything new under a program: activities, enrolments, handovers."""
    if not program.accepts_new_records():
        raise ValidationError(
            _("Program %(program)s is closed: it accepts no new handovers, activities or partners.")
            % {"program": program.name}
        )


def _check_sdgs(pillar: str, sdgs: Iterable[Sdg]) -> None:
    wrong = sorted(sdg.number for sdg in sdgs if sdg.pillar != pillar)
    if wrong:
        raise ValidationError(
            {
                "sdgs": _("SDG %(numbers)s does not belong to the program's pillar.")
                % {"numbers": ", ".join(map(str, wrong))}
            }
        )


def _check_period_holds(program: Program) -> None:
    """Budgets and activities already recorded must stay inside a changed period."""
    if not program.pk:
        return
    years = list(program.budgets.exclude(year__in=program.years).values_list("year", flat=True))
    if years:
        raise ValidationError(
            _("The period must cover the budget years already planned: %(years)s.")
            % {"years": ", ".join(map(str, years))}
        )


def _check_dates(obj) -> None:
    if obj.start_date and obj.end_date and obj.end_date < obj.start_date:
        raise ValidationError({"end_date": _("The end date must be on or after the start date.")})


def _check_program_period(program: Program) -> None:
    """Within the bounds every period keeps (2000 to ten years ahead, ten years at most): each
    year of a program is a budget line, a target and a column of its pages."""
    errors = {}
    for name in ("start_date", "end_date"):
        try:
            periods.date_check(getattr(program, name))
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    try:
        periods.period_check(program.start_date, program.end_date)
    except ValidationError as error:
        raise ValidationError({"end_date": error.messages}) from error


def _save_program(program: Program, *, actor, sdgs, target_regions) -> Program:
    _check_dates(program)
    if program.start_date and program.end_date:
        _check_program_period(program)
    program.full_clean()
    sdgs = list(sdgs)
    _check_sdgs(program.pillar, sdgs)
    _check_period_holds(program)
    program._history_user = actor
    program.save()
    program.sdgs.set(sdgs)
    program.target_regions.set(list(target_regions))
    return program


@transaction.atomic
def program_create(
    *,
    company: Company,
    actor,
    sdgs: Iterable[Sdg] = (),
    target_regions: Iterable[Region] = (),
    status: str = Program.Status.DRAFT,
    **fields,
) -> Program:
    _require(actor.has_perm("programs.add_program") and _owns(actor, company.pk))
    if status == Program.Status.DITUTUP:
        raise ValidationError(_("A program is closed through the closing page, not when it is created."))
    program = Program(company=company, created_by=actor, status=status, **fields)
    return _save_program(program, actor=actor, sdgs=sdgs, target_regions=target_regions)


@transaction.atomic
def program_update(*, program: Program, actor, sdgs: Iterable[Sdg], target_regions: Iterable[Region], **fields):
    _require(can_manage_program(actor, program))
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    program = Program.objects.select_for_update().get(pk=program.pk)
    for name, value in fields.items():
        setattr(program, name, value)
    return _save_program(program, actor=actor, sdgs=sdgs, target_regions=target_regions)


@transaction.atomic
def program_activate(*, program: Program, actor) -> Program:
    _require(can_manage_program(actor, program))
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != Program.Status.DRAFT:
        raise ValidationError(_("Only a draft program can be activated."))
    program.status = Program.Status.AKTIF
    program._history_user = actor
    program.save(update_fields=["status", "updated_at"])
    return program


@transaction.atomic
def program_close(*, program: Program, actor, reason: str) -> Program:
    _require(can_manage_program(actor, program))
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == Program.Status.DITUTUP:
        raise ValidationError(_("This program is already closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the program is closed.")})
    program.status = Program.Status.DITUTUP
    program.closed_at = timezone.now()
    program.closed_by = actor
    program.close_reason = reason.strip()
    program._history_user = actor
    program.save(update_fields=["status", "closed_at", "closed_by", "close_reason", "updated_at"])
    return program


# --- Budgets and targets ----------------------------------------------------------------


@transaction.atomic
def program_budget_set(*, program: Program, year: int, amount: int, reason: str, actor) -> ProgramBudget:
    """Create or change the budget of one year; every change is kept with who, when and why."""
    _require(can_manage_program(actor, program))
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this budget change.")})
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("A budget cannot be negative.")})
    if year not in program.years:
        raise ValidationError(
            {
                "year": _("The year must fall inside the program period (%(start)s-%(end)s).")
                % {"start": program.start_date.year, "end": program.end_date.year}
            }
        )
    budget = ProgramBudget.objects.select_for_update().filter(program=program, year=year).first()
    old_amount = budget.amount if budget else None
    if budget is None:
        budget = ProgramBudget(program=program, year=year, amount=amount)
    elif old_amount == amount:
        return budget
    budget.amount = amount
    budget.full_clean()
    budget.save()
    program.touch()
    change = BudgetChange(
        budget=budget, old_amount=old_amount, new_amount=amount, reason=reason.strip(), changed_by=actor
    )
    change.full_clean()
    change.save()
    return budget


@transaction.atomic
def program_target_set(
    *,
    program: Program,
    year: int | None,
    actor,
    partners_reached: int = 0,
    beneficiaries: int = 0,
    naik_kelas: int = 0,
    export_partners: int = 0,
) -> ProgramTarget:
    """Targets for the whole program (year None) or for one year of its period."""
    _require(can_manage_program(actor, program))
    if year is not None and year not in program.years:
        raise ValidationError({"year": _("The year must fall inside the program period.")})
    target = ProgramTarget.objects.filter(program=program, year=year).first() or ProgramTarget(
        program=program, year=year
    )
    target.partners_reached = partners_reached
    target.beneficiaries = beneficiaries
    target.naik_kelas = naik_kelas
    target.export_partners = export_partners
    target.full_clean()
    target.save()
    return target


# --- Activities ---------------------------------------------------------------------------


def _check_activity(activity: Activity) -> None:
    _check_dates(activity)
    activity.region_code = activity.regency.code if activity.regency_id else ""
    activity.full_clean()
    program = activity.program
    if activity.start_date < program.start_date or activity.end_date > program.end_date:
        raise ValidationError({"start_date": _("An activity must take place within the program period.")})


@transaction.atomic
def activity_create(*, program: Program, actor, **fields) -> Activity:
    _require(can_record_activities(actor, program))
    program = Program.objects.select_for_update().get(pk=program.pk)
    program_assert_open(program=program)
    activity = Activity(program=program, created_by=actor, **fields)
    _check_activity(activity)
    activity._history_user = actor
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor, **fields) -> Activity:
    _require(can_record_activities(actor, activity.program))
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(activity, name, value)
    _check_activity(activity)
    activity._history_user = actor
    activity.save()
    return activity


@transaction.atomic
def activity_participant_add(
    *, activity: Activity, partner: Partner, actor, products_shown: str = "", product_count: int = 0
) -> ActivityParticipant:
    _require(can_record_activities(actor, activity.program))
    program_assert_open(program=Program.objects.get(pk=activity.program_id))
    if activity.participants.filter(partner=partner).exists():
        raise ValidationError(_("%(partner)s already takes part in this activity.") % {"partner": partner})
    participant = ActivityParticipant(
        activity=activity, partner=partner, products_shown=products_shown, product_count=product_count
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def activity_participant_remove(*, participant: ActivityParticipant, actor) -> None:
    _require(can_record_activities(actor, participant.activity.program))
    participant.delete()


# --- Enrolments ------------------------------------------------------------------------------


def enrollment_other_companies_by_partner(*, program: Program, partner_ids) -> dict[int, list[str]]:
    """For each partner, the other companies whose active programs already count it."""
    rows = (
        Enrollment.objects.filter(partner_id__in=list(partner_ids), program__status=Program.Status.AKTIF)
        .exclude(program__company_id=program.company_id)
        .values_list("partner_id", "program__company__short_name")
        .distinct()
    )
    result: dict[int, list[str]] = {}
    for partner_id, company in rows:
        result.setdefault(partner_id, []).append(company)
    return {partner_id: sorted(names) for partner_id, names in result.items()}


def enrollment_other_companies(*, program: Program, partner: Partner) -> list[str]:
    return enrollment_other_companies_by_partner(program=program, partner_ids=[partner.pk]).get(partner.pk, [])


def enrollment_other_holders_by_partner(*, program: Program, partners) -> dict[int, list[str]]:
    """For each partner whose data other companies hold and the program's company does not,
    those companies: enrolling it then needs a manager's approval and gives no right over
    its data. A partner's data is held by the company that registered it and by those that
    enrolled it while no other company held it (the rule of `companies_holding_data`)."""
    holders = {p.pk: {p.registered_by_company_id} - {None} for p in partners}
    rows = Enrollment.objects.filter(partner_id__in=list(holders), cross_company=False).values_list(
        "partner_id", "program__company_id"
    )
    for partner_id, company_id in rows:
        holders[partner_id].add(company_id)
    names = dict(
        Company.objects.filter(pk__in={c for cs in holders.values() for c in cs}).values_list("pk", "short_name")
    )
    return {
        partner_id: sorted(names[c] for c in companies)
        for partner_id, companies in holders.items()
        if companies and program.company_id not in companies
    }


def enrollment_other_holders(*, program: Program, partner: Partner) -> list[str]:
    return enrollment_other_holders_by_partner(program=program, partners=[partner]).get(partner.pk, [])


def _check_not_enrolled(program: Program, partner: Partner) -> None:
    if Enrollment.objects.filter(program=program, partner=partner).exists():
        raise ValidationError(_("%(partner)s is already enrolled in this program.") % {"partner": partner})
    if EnrollmentRequest.objects.pending().filter(program=program, partner=partner).exists():
        raise ValidationError(
            _("The enrolment of %(partner)s in this program is already waiting for a manager's approval.")
            % {"partner": partner}
        )


@transaction.atomic
def enrollment_create(
    *,
    program: Program,
    partner: Partner,
    actor,
    confirm_other_company: bool = False,
    joined_on: datetime.date | None = None,
) -> Enrollment | EnrollmentRequest:
    """Enrol a partner. A partner should not be assisted by two BUMN at once: if another
    company's active program already counts it, the user must confirm, and the enrolment
    keeps a note naming that company.

    A partner whose data another company holds is not enrolled at once: with the user's
    confirmation, an `EnrollmentRequest` waits for another manager of the company to approve it.
    """
    _require(can_record_activities(actor, program))
    program = Program.objects.select_for_update().get(pk=program.pk)
    program_assert_open(program=program)
    _check_not_enrolled(program, partner)
    holders = enrollment_other_holders(program=program, partner=partner)
    others = enrollment_other_companies(program=program, partner=partner)
    if holders and not confirm_other_company:
        raise ValidationError(
            _(
                "%(partner)s is a partner of %(companies)s. Confirm to ask a manager of your company to "
                "approve its enrolment here; until then it is not enrolled."
            )
            % {"partner": partner, "companies": ", ".join(holders)},
            code="other_company",
        )
    if others and not confirm_other_company:
        raise ValidationError(
            _(
                "%(partner)s is already assisted in an active program of %(companies)s. "
                "Confirm to enrol it here as well."
            )
            % {"partner": partner, "companies": ", ".join(others)},
            code="other_company",
        )
    if holders:
        request = EnrollmentRequest(
            program=program,
            partner=partner,
            joined_on=joined_on or timezone.localdate(),
            other_companies=", ".join(sorted({*holders, *others}))[:300],
            requested_by=actor,
        )
        request.full_clean()
        request._history_user = actor
        request.save()
        return request
    enrollment = Enrollment(
        program=program,
        partner=partner,
        joined_on=joined_on or timezone.localdate(),
        added_by=actor,
        other_company_confirmed=bool(others),
        other_company_note=", ".join(others)[:300],
    )
    enrollment.full_clean()
    enrollment._history_user = actor
    enrollment.save()
    return enrollment


def _decidable(request: EnrollmentRequest, actor) -> EnrollmentRequest:
    request = EnrollmentRequest.objects.select_for_update().select_related("program").get(pk=request.pk)
    if request.status != EnrollmentRequest.Status.PENDING:
        raise ValidationError(
            _("This request was already decided (%(status)s); nothing was changed.")
            % {"status": request.get_status_display().lower()}
        )
    _require(can_manage_program(actor, request.program))
    if actor.pk == request.requested_by_id:
        raise PermissionDenied(_("You asked for this enrolment, so another manager of your company must decide."))
    return request


def _decide(request: EnrollmentRequest, *, actor, status: str, note: str) -> None:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.full_clean()
    request._history_user = actor
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def enrollment_request_approve(*, request: EnrollmentRequest, actor, note: str = "") -> Enrollment:
    """Enrol the partner as asked. It counts from now on, but gives the company no right to
    edit the partner nor to see its personal data (`cross_company`)."""
    request = _decidable(request, actor)
    program = Program.objects.select_for_update().get(pk=request.program_id)
    program_assert_open(program=program)
    if Enrollment.objects.filter(program=program, partner_id=request.partner_id).exists():
        raise ValidationError(_("%(partner)s is already enrolled in this program.") % {"partner": request.partner})
    _decide(request, actor=actor, status=EnrollmentRequest.Status.APPROVED, note=note)
    others = enrollment_other_companies(program=program, partner=request.partner)
    enrollment = Enrollment(
        program=program,
        partner_id=request.partner_id,
        joined_on=request.joined_on,
        added_by=request.requested_by,
        other_company_confirmed=bool(others),
        other_company_note=", ".join(others)[:300],
        cross_company=True,
        request=request,
    )
    enrollment.full_clean()
    enrollment._history_user = actor
    enrollment.save()
    return enrollment


@transaction.atomic
def enrollment_request_refuse(*, request: EnrollmentRequest, actor, note: str = "") -> EnrollmentRequest:
    request = _decidable(request, actor)
    _decide(request, actor=actor, status=EnrollmentRequest.Status.REFUSED, note=note)
    return request


@transaction.atomic
def enrollment_remove(*, enrollment: Enrollment, actor) -> None:
    """Remove a partner from the program; its history keeps who removed it and when."""
    _require(can_record_activities(actor, enrollment.program))
    enrollment._history_user = actor
    enrollment.delete()

"""Writes on PUMK loans: application, approval against the fund, disbursement, repayments.

Every function is atomic and checks who may act. Approval locks the company's fund row for
the year and its number sequence, so concurrent approvals can neither overspend the fund nor
leave gaps in the numbering. Money moves only as journal entries, never edited.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from tjsl.problems import denied
from tjsl.sequences import sequence_next
from tjsl.templatetags.tjsl_format import rupiah_text as rupiah
from webhooks.models import Event
from webhooks.services import emit

from .models import (
    COMMITTED_STATUSES,
    EntryKind,
    Instalment,
    JournalEntry,
    Loan,
    LoanFund,
    LoanNumberSequence,
    LoanRuleSet,
    Repayment,
    Status,
)

# --- Who may act -------------------------------------------------------------------


def _same_company(user, loan: Loan) -> bool:
    return user.company_id is not None and user.company_id == loan.company_id


def is_loan_staff(user) -> bool:
    return user.company_id is not None and (user.has_role(Role.STAF) or user.has_role(Role.MANAJER))


def can_approve(user, loan: Loan) -> bool:
    return (
        loan.status == Status.APPLIED
        and _same_company(user, loan)
        and user.has_role(Role.MANAJER)
        and user.pk != loan.created_by_id
    )


def can_disburse(user, loan: Loan) -> bool:
    return loan.status == Status.APPROVED and _same_company(user, loan) and is_loan_staff(user)


def can_record_repayment(user, loan: Loan) -> bool:
    return loan.status in (Status.DISBURSED, Status.REPAID) and _same_company(user, loan) and is_loan_staff(user)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _locked(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("rule_set", "company").get(pk=loan.pk)


def _expect_status(loan: Loan, *statuses: str) -> None:
    if loan.status not in statuses:
        raise ValidationError(
            _("%(loan)s is already %(status)s; nothing was changed.")
            % {"loan": loan, "status": loan.get_status_display().lower()},
            code="state_conflict",
        )


# --- Application -------------------------------------------------------------------


def _limits(rules: LoanRuleSet, is_top_up: bool) -> tuple[int, int]:
    if is_top_up:
        return rules.top_up_ceiling, rules.top_up_max_tenor
    return rules.ceiling, rules.max_tenor


def _rule_errors(*, rules: LoanRuleSet, amount: int, tenor: int, is_top_up: bool) -> dict[str, str]:
    ceiling, max_tenor = _limits(rules, is_top_up)
    errors = {}
    if amount <= 0:
        errors["amount"] = _("Enter an amount above Rp0.")
    elif amount > ceiling:
        errors["amount"] = _("The amount is above the ceiling of %(ceiling)s (%(rules)s).") % {
            "ceiling": rupiah(ceiling),
            "rules": rules.name,
        }
    if tenor <= 0:
        errors["tenor_months"] = _("Enter a tenor of at least one month.")
    elif tenor > max_tenor:
        errors["tenor_months"] = _("The tenor is longer than %(months)s months (%(rules)s).") % {
            "months": max_tenor,
            "rules": rules.name,
        }
    return errors


def _holder_errors(*, partner, company, is_top_up: bool) -> dict[str, str]:
    """One loan holder per NIK: a second loan of the company only as a top-up of a disbursed one."""
    if not partner.owner_nik:
        return {"partner": _("Register the owner's NIK before applying: a loan holder is known by NIK.")}
    mine = Loan.objects.active().filter(partner__owner_nik=partner.owner_nik, company=company)
    if is_top_up:
        if not mine.filter(status=Status.DISBURSED, is_top_up=False).exists():
            return {"is_top_up": _("A top-up needs a disbursed loan of your company to this business.")}
        if mine.filter(is_top_up=True).exists():
            return {"is_top_up": _("This business already has an active top-up.")}
        return {}
    active = mine.filter(is_top_up=False).first()
    if active is not None:
        return {"partner": _("This business already holds an active loan (%(loan)s).") % {"loan": active}}
    return {}


def active_loan_elsewhere(partner, company) -> bool:
    """Whether the business holds an active loan of another company (flagged, not refused)."""
    return Loan.objects.active().filter(partner=partner).exclude(company=company).exists()


@dataclass(frozen=True)
class Application:
    partner: object
    amount: int
    tenor_months: int
    method: str
    purpose: str
    survey_note: str = ""
    is_top_up: bool = False


def loan_apply(*, actor, application: Application) -> Loan:
    """Record an application; refused with a reason per field when it breaks a rule."""
    _require(is_loan_staff(actor), _("You may not enter loan applications."))
    rules = LoanRuleSet.objects.in_force_on(timezone.localdate())
    if rules is None:
        raise ValidationError(_("No loan rule set is in force today."))
    a = application
    errors = _rule_errors(rules=rules, amount=a.amount, tenor=a.tenor_months, is_top_up=a.is_top_up)
    errors.update(_holder_errors(partner=a.partner, company=actor.company, is_top_up=a.is_top_up))
    if not a.purpose.strip():
        errors["purpose"] = _("Say what the loan is for.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        loan = Loan(
            company_id=actor.company_id,
            partner=a.partner,
            rule_set=rules,
            is_top_up=a.is_top_up,
            amount=a.amount,
            tenor_months=a.tenor_months,
            method=a.method,
            purpose=a.purpose.strip(),
            survey_note=a.survey_note.strip(),
            other_company_loan=active_loan_elsewhere(a.partner, actor.company_id),
            region_code=a.partner.region_code,
            created_by=actor,
        )
        loan.full_clean()
        loan.save()
    return loan


# --- Approval ------------------------------------------------------------------------


def fund_committed(*, company_id: int, year: int) -> int:
    committed = Loan.objects.filter(company_id=company_id, year=year, status__in=COMMITTED_STATUSES)
    return committed.aggregate(total=Sum("amount"))["total"] or 0


def fund_position(*, loan: Loan, year: int | None = None) -> dict:
    """What an approver weighs: the year's fund, what is committed and what would be left."""
    year = year or timezone.localdate().year
    fund = LoanFund.objects.filter(company_id=loan.company_id, year=year).first()
    committed = fund_committed(company_id=loan.company_id, year=year)
    amount = fund.amount if fund else None
    remaining = None if fund is None else amount - committed
    return {"year": year, "fund": amount, "committed": committed, "remaining": remaining}


def _check_fund(loan: Loan, year: int) -> None:
    fund = LoanFund.objects.select_for_update().filter(company_id=loan.company_id, year=year).first()
    if fund is None:
        raise ValidationError(_("Your company has no PUMK fund for %(year)s.") % {"year": year}, code="no_fund")
    remaining = fund.amount - fund_committed(company_id=loan.company_id, year=year)
    if loan.amount > remaining:
        raise ValidationError(
            _("Over the PUMK fund: %(year)s has %(remaining)s left of %(fund)s, this loan is %(amount)s.")
            % {
                "year": year,
                "remaining": rupiah(max(remaining, 0)),
                "fund": rupiah(fund.amount),
                "amount": rupiah(loan.amount),
            },
            code="fund_exceeded",
        )


@transaction.atomic
def loan_approve(*, loan: Loan, actor, approved_at: datetime.datetime | None = None) -> Loan:
    """Approve within the year's fund; the fund row lock serialises approvals of one company-year.

    `approved_at` records an approval given on paper earlier (a portfolio taken over from
    spreadsheets); it counts against the fund of its own year.
    """
    approved_at = approved_at or timezone.now()
    if approved_at > timezone.now():
        raise ValidationError(_("An approval cannot be dated in the future."))
    loan = _locked(loan)
    if _same_company(actor, loan) and actor.has_role(Role.MANAJER):
        _expect_status(loan, Status.APPLIED)
    if loan.created_by_id == actor.pk:
        raise denied(_("You cannot approve a loan application you entered yourself."), code="self_approval")
    _require(can_approve(actor, loan), _("Only a manager of the company can approve a loan application."))
    year = timezone.localtime(approved_at).year
    _check_fund(loan, year)
    sequence = sequence_next(LoanNumberSequence, company_id=loan.company_id, year=year)
    loan.year, loan.sequence = year, sequence
    loan.number = f"{loan.company.code}/PUMK/{year}/{sequence:04d}"
    loan.approved_by, loan.approved_at = actor, approved_at
    loan.status = Status.APPROVED
    loan.save(update_fields=["year", "sequence", "number", "approved_by", "approved_at", "status"])
    emit(Event.LOAN_APPROVED, company_id=loan.company_id, data=_webhook_data(loan))
    return loan


def _webhook_data(loan: Loan) -> dict:
    return {"id": loan.pk, "number": loan.number, "status": loan.status, "amount": loan.amount,
            "partner": loan.partner_id, "disbursed_on": loan.disbursed_on}  # fmt: skip


@transaction.atomic
def loan_refuse(*, loan: Loan, actor, reason: str) -> Loan:
    loan = _locked(loan)
    _require(
        loan.status == Status.APPLIED and _same_company(actor, loan) and actor.has_role(Role.MANAJER),
        _("Only a manager of the company can refuse a loan application."),
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application is refused.")})
    loan.status = Status.REFUSED
    loan.survey_note = (loan.survey_note + "\n\n" + _("Refused: %(reason)s") % {"reason": reason.strip()}).strip()
    loan.save(update_fields=["status", "survey_note"])
    return loan


# --- Disbursement --------------------------------------------------------------------


@transaction.atomic
def loan_disburse(*, loan: Loan, actor, disbursed_on: datetime.date, channel: str) -> Loan:
    """Record the payout; the schedule starts from its date."""
    loan = _locked(loan)
    _require(can_disburse(actor, loan), _("Only an approved loan of your company can be disbursed."))
    errors = {}
    if disbursed_on > timezone.localdate():
        errors["disbursed_on"] = _("The disbursement date cannot be in the future.")
    if loan.approved_at and disbursed_on < timezone.localtime(loan.approved_at).date():
        errors["disbursed_on"] = _("The disbursement date cannot be before the approval.")
    if errors:
        raise ValidationError(errors)
    loan.disbursed_on, loan.channel, loan.disbursed_by = disbursed_on, channel, actor
    loan.status = Status.DISBURSED
    loan.full_clean()
    loan.save(update_fields=["disbursed_on", "channel", "disbursed_by", "status"])
    Instalment.objects.bulk_create(
        Instalment(loan=loan, number=row.number, due_date=row.due_date, principal=row.principal, jasa=row.jasa)
        for row in loan.schedule_rows
    )
    JournalEntry.objects.create(
        loan=loan, kind=EntryKind.DISBURSEMENT, on=disbursed_on, principal=loan.amount, actor=actor
    )
    emit(Event.LOAN_DISBURSED, company_id=loan.company_id, data=_webhook_data(loan))
    return loan


# --- Repayments ------------------------------------------------------------------------


def _book_due(loan: Loan, *, up_to: datetime.date) -> None:
    """Book the jasa of every instalment fallen due by `up_to` (once each)."""
    booked = JournalEntry.objects.filter(loan=loan, kind=EntryKind.INSTALMENT_DUE).values("instalment_id")
    due = loan.instalments.filter(due_date__lte=up_to).exclude(pk__in=booked)
    JournalEntry.objects.bulk_create(
        JournalEntry(loan=loan, kind=EntryKind.INSTALMENT_DUE, on=item.due_date, jasa=item.jasa, instalment=item)
        for item in due
    )


def _book_early(loan: Loan, instalment_ids: set[int], *, on: datetime.date, actor) -> None:
    """Jasa of the current instalment paid before its due date is booked on the payment date."""
    booked = set(
        JournalEntry.objects.filter(instalment_id__in=instalment_ids, kind=EntryKind.INSTALMENT_DUE).values_list(
            "instalment_id", flat=True
        )
    )
    for item in loan.instalments.filter(pk__in=instalment_ids - booked):
        JournalEntry.objects.create(
            loan=loan, kind=EntryKind.INSTALMENT_DUE, on=on, jasa=item.jasa, instalment=item, actor=actor
        )


def _repayment_errors(loan: Loan, *, paid_on: datetime.date, amount: int) -> dict[str, str]:
    errors = {}
    if amount <= 0:
        errors["amount"] = _("Enter an amount above Rp0.")
    if paid_on > timezone.localdate():
        errors["paid_on"] = _("The payment date cannot be in the future.")
    elif paid_on < loan.disbursed_on:
        errors["paid_on"] = _("The payment date cannot be before the disbursement.")
    return errors


def _settle_status(loan: Loan) -> None:
    """Lunas when every instalment is paid; back to disbursed when a reversal reopens one."""
    from .ledger import instalment_states

    repaid = all(state.settled for state in instalment_states(loan))
    status = Status.REPAID if repaid else Status.DISBURSED
    if loan.status != status:
        loan.status = status
        loan.save(update_fields=["status"])


@transaction.atomic
def repayment_record(*, loan: Loan, actor, paid_on: datetime.date, amount: int, reference: str = "") -> Repayment:
    """Enter money received and share it out (loans.allocation); it is never edited, only reversed."""
    from .allocation import allocate
    from .ledger import instalment_states

    loan = _locked(loan)
    _require(can_record_repayment(actor, loan), _("Only a disbursed loan of your company takes repayments."))
    errors = _repayment_errors(loan, paid_on=paid_on, amount=amount)
    if errors:
        raise ValidationError(errors)
    _book_due(loan, up_to=paid_on)
    shares, credit = allocate([s.open() for s in instalment_states(loan)], paid_on=paid_on, amount=amount)
    _book_early(loan, {share.key for share in shares if share.jasa}, on=paid_on, actor=actor)
    repayment = Repayment.objects.create(
        loan=loan, paid_on=paid_on, amount=amount, reference=reference.strip(), entered_by=actor
    )
    entries = [
        JournalEntry(
            loan=loan,
            kind=EntryKind.PAYMENT,
            on=paid_on,
            principal=-share.principal,
            jasa=-share.jasa,
            instalment_id=share.key,
            repayment=repayment,
            actor=actor,
        )
        for share in shares
    ]
    if credit:
        entries.append(
            JournalEntry(loan=loan, kind=EntryKind.PAYMENT, on=paid_on, credit=credit, repayment=repayment, actor=actor)
        )
    JournalEntry.objects.bulk_create(entries)
    _settle_status(loan)
    return repayment


@transaction.atomic
def repayment_reverse(*, repayment: Repayment, actor, reason: str) -> Repayment:
    """Undo a repayment with opposite entries dated today; the original entries stay."""
    loan = _locked(repayment.loan)
    repayment = Repayment.objects.select_for_update().get(pk=repayment.pk)
    _require(_same_company(actor, loan) and is_loan_staff(actor), _("Only your company's staff can reverse this."))
    if repayment.reversed_on:
        raise ValidationError(_("This repayment is already reversed."), code="state_conflict")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the repayment is reversed.")})
    today = timezone.localdate()
    JournalEntry.objects.bulk_create(
        JournalEntry(
            loan=loan,
            kind=EntryKind.REVERSAL,
            on=today,
            principal=-entry.principal,
            jasa=-entry.jasa,
            credit=-entry.credit,
            instalment_id=entry.instalment_id,
            repayment=repayment,
            reverses=entry,
            actor=actor,
        )
        for entry in repayment.entries.filter(kind=EntryKind.PAYMENT)
    )
    repayment.reversed_on, repayment.reversal_reason = today, reason.strip()
    repayment.save(update_fields=["reversed_on", "reversal_reason"])
    _settle_status(loan)
    return repayment


# --- Collectibility ----------------------------------------------------------------------


def _month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).month != day.month


def loan_collectibility_refresh(*, loan: Loan, as_of: datetime.date) -> Loan:
    """Book what fell due by `as_of`, store the days late and band; at a month end, keep the history."""
    from .ledger import balances, collectibility_on
    from .models import CollectibilityHistory

    with transaction.atomic():
        _book_due(loan, up_to=as_of)
        loan.days_late, loan.collectibility = collectibility_on(loan, as_of)
        loan.save(update_fields=["days_late", "collectibility"])
        if _month_end(as_of):
            owed = balances(loan, as_of)
            CollectibilityHistory.objects.update_or_create(
                loan=loan,
                as_of=as_of,
                defaults={
                    "days_late": loan.days_late,
                    "collectibility": loan.collectibility,
                    "outstanding_principal": owed["principal"],
                    "outstanding_jasa": owed["jasa"],
                },
            )
    return loan


def collectibility_run(*, as_of: datetime.date | None = None) -> int:
    """The daily run over disbursed loans: today's bands, and the last month end's history if missing."""
    as_of = as_of or timezone.localdate()
    previous_month_end = as_of.replace(day=1) - datetime.timedelta(days=1)
    count = 0
    for loan in Loan.objects.disbursed().select_related("rule_set").iterator(chunk_size=500):
        missing = not loan.collectibility_history.filter(as_of=previous_month_end).exists()
        if missing and loan.disbursed_on <= previous_month_end:
            loan_collectibility_refresh(loan=loan, as_of=previous_month_end)
        loan_collectibility_refresh(loan=loan, as_of=as_of)
        count += 1
    return count

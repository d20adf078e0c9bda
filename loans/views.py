"""Loan pages: thin views over the forms, selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.privacy import mask_nik, partner_pii_visible

from . import services
from .forms import ApplicationForm, DisbursementForm, LoanFilterForm, ReasonForm, RepaymentForm
from .ledger import balances, instalment_states
from .models import Repayment
from .selectors import loan_for_user, loans_filtered

PAGE_SIZE = 50


def _apply_errors(form, error: ValidationError) -> None:
    """A service's errors at the fields they name; the rest on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


@permission_required("loans.view_loan", raise_exception=True)
def loan_list(request):
    form = LoanFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    loans = loans_filtered(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(loans.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    can_apply = services.is_loan_staff(request.user)
    return render(request, "loans/loan_list.html", {"form": form, "page": page, "can_apply": can_apply})


@permission_required("loans.view_loan", raise_exception=True)
def loan_detail(request, pk: int):
    loan = loan_for_user(request.user, pk)
    nik = loan.partner.owner_nik
    context = {
        "loan": loan,
        "nik": nik if partner_pii_visible(request.user, loan.partner) else mask_nik(nik),
        "states": instalment_states(loan),
        "preview": [] if loan.disbursed_on else loan.schedule_rows,
        "balances": balances(loan),
        "journal": loan.journal.select_related("instalment").order_by("on", "pk"),
        "repayments": loan.repayments.order_by("paid_on", "pk"),
        "can_approve": services.can_approve(request.user, loan),
        "can_disburse": services.can_disburse(request.user, loan),
        "can_repay": services.can_record_repayment(request.user, loan),
        "fund": services.fund_position(loan=loan) if services.can_approve(request.user, loan) else None,
        "reason_form": ReasonForm(),
    }
    return render(request, "loans/loan_detail.html", context)


@permission_required("loans.add_loan", raise_exception=True)
def loan_apply(request):
    form = ApplicationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_apply(actor=request.user, application=services.Application(**form.cleaned_data))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The application is saved and waits for a manager's approval."))
            return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/loan_form.html", {"form": form})


@require_POST
@permission_required("loans.change_loan", raise_exception=True)
def loan_approve(request, pk: int):
    loan = loan_for_user(request.user, pk)
    try:
        loan = services.loan_approve(loan=loan, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Loan %(number)s is approved.") % {"number": loan.number})
    return redirect("loans:loan-detail", pk=loan.pk)


@require_POST
@permission_required("loans.change_loan", raise_exception=True)
def loan_refuse(request, pk: int):
    loan = loan_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    try:
        services.loan_refuse(loan=loan, actor=request.user, reason=form.data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The application is refused."))
    return redirect("loans:loan-detail", pk=loan.pk)


@permission_required("loans.change_loan", raise_exception=True)
def loan_disburse(request, pk: int):
    loan = loan_for_user(request.user, pk)
    form = DisbursementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_disburse(loan=loan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The disbursement is recorded; the schedule starts from its date."))
            return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/disbursement_form.html", {"form": form, "loan": loan})


@permission_required("loans.add_repayment", raise_exception=True)
def repayment_create(request, pk: int):
    loan = loan_for_user(request.user, pk)
    form = RepaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.repayment_record(loan=loan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The repayment is recorded."))
            return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/repayment_form.html", {"form": form, "loan": loan})


@require_POST
@permission_required("loans.add_repayment", raise_exception=True)
def repayment_reverse(request, pk: int, repayment_pk: int):
    loan = loan_for_user(request.user, pk)
    repayment = get_object_or_404(Repayment, pk=repayment_pk, loan=loan)
    try:
        services.repayment_reverse(repayment=repayment, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The repayment is reversed."))
    return redirect("loans:loan-detail", pk=loan.pk)

"""Handover pages: thin views over the forms and services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, ListView

from partners.models import BusinessGroup, Partner
from tjsl.params import id_or_none

from . import services
from .forms import (
    AllocationForm,
    HandoverFilter,
    HandOverForm,
    HandoverForm,
    ItemForm,
    ItemFormSet,
    NewItemFormSet,
    ReasonForm,
    WitnessForm,
    WitnessFormSet,
    formset_rows,
)
from .history import handover_history_entries, handover_history_visible_to
from .listing import DEFAULT_SORT_LABEL, SORTS, handovers_xlsx, sort_key, sorted_handovers
from .models import Disbursement, Item, Status

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def handover_for_user(user, pk: int) -> Disbursement:
    """The handover if the user's scope reaches it; 404 otherwise."""
    return get_object_or_404(Disbursement.objects.visible_to(user).select_related("program", "company"), pk=pk)


# Service errors named after the model's fields, shown at the form field that sets them.
_ERROR_FIELDS = {"partner": "recipient", "group": "recipient"}


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's errors at the fields they are about: the item errors in the items table
    (`form.item_errors`), the rest on the form's fields or, when they have none, on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages_ in error.message_dict.items():
        field = _ERROR_FIELDS.get(field, field)
        if field == "items" and hasattr(form, "item_errors"):
            form.item_errors.extend(messages_)
        else:
            form.add_error(field if field in form.fields else None, messages_)


def _saved_message(request) -> str:
    return _("Submitted for approval.") if "submit" in request.POST else _("Handover saved.")


class HandoverListView(PermissionRequiredMixin, ListView):
    """Newest first, keyset-paginated (`?before=<id>`) so that any page is as fast as the first;
    sorted by date, amount or number on request (`?sort=-amount`, then paged by `?page=`)."""

    permission_required = "disbursements.view_disbursement"
    template_name = "disbursements/handover_list.html"
    context_object_name = "handovers"
    queue = False

    def filtered(self):
        queryset = Disbursement.objects.visible_to(self.request.user)
        if self.queue:
            queryset = queryset.filter(status=Status.SUBMITTED)
        self.filterset = HandoverFilter(self.request.GET or None, queryset=queryset, user=self.request.user)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset

    def get_queryset(self):
        self.sort = sort_key(self.request.GET.get("sort"))
        self.matching = self.filtered()
        queryset = sorted_handovers(self.matching, self.sort).select_related("program", "company", "partner", "group")
        if self.sort:
            self.page_number = max(1, min(id_or_none(self.request.GET.get("page")) or 1, 10**6))
            start = (self.page_number - 1) * PAGE_SIZE
            return queryset[start : start + PAGE_SIZE + 1]
        before = id_or_none(self.request.GET.get("before"))
        if before is not None:
            queryset = queryset.filter(pk__lt=before)
        return queryset[: PAGE_SIZE + 1]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["handovers"])
        params = self.request.GET.copy()
        for key in ("before", "page"):
            params.pop(key, None)
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE]
            following = params.copy()
            if self.sort:
                following["page"] = self.page_number + 1
            else:
                following["before"] = rows[-1].pk
            context["next_url"] = "?" + following.urlencode()
        unsorted = params.copy()
        unsorted.pop("sort", None)
        context.update(
            handovers=rows,
            filter=self.filterset,
            queue=self.queue,
            first_url="?" + params.urlencode(),
            paged=bool(self.request.GET.get("before") or (self.sort and self.page_number > 1)),
            count=self.matching.count(),
            sort=self.sort,
            sorts=[("", DEFAULT_SORT_LABEL), *((key, label) for key, (label, _order) in SORTS.items())],
            sort_links={key: _sort_link(unsorted, key, self.sort) for key in ("date", "amount", "number")},
            export_query=params.urlencode(),
        )
        return context


def _sort_link(params, column: str, current: str) -> str:
    """The column header's link: descending first (newest, largest), ascending when clicked again."""
    params = params.copy()
    params["sort"] = column if current == "-" + column else "-" + column
    return "?" + params.urlencode()


@require_GET
def handover_export(request):
    """The filtered handover list as .xlsx, in the order shown, within the user's scope; a list
    longer than the cap is refused with a message saying to narrow the filters."""
    if not request.user.has_perm("disbursements.view_disbursement"):
        raise PermissionDenied
    view = HandoverListView(request=request, kwargs={})
    matching = view.filtered()
    limit = settings.TJSL_EXPORT_SYNC_MAX_ROWS
    if matching[: limit + 1].count() > limit:
        messages.warning(
            request,
            _("The export takes at most %(limit)s handovers: narrow the filters (e.g. by period or region).")
            % {"limit": f"{limit:,}".replace(",", ".")},
        )
        return redirect(reverse("disbursements:handover-list") + "?" + request.GET.urlencode())
    handovers = sorted_handovers(matching, sort_key(request.GET.get("sort"))).select_related(
        "program", "company", "partner", "group"
    )
    response = HttpResponse(handovers_xlsx(handovers.iterator(chunk_size=1000)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="handovers-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


class HandoverDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "disbursements.view_disbursement"
    template_name = "disbursements/handover_detail.html"
    context_object_name = "handover"

    def get_object(self, queryset=None):
        return handover_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        handover, user = self.object, self.request.user
        context.update(
            items=handover.items.all(),
            allocations=handover.allocations.visible_to(user).select_related("partner"),
            witnesses=handover.witnesses.all(),
            evidence=handover.evidence.all(),
            transitions=handover.transitions.select_related("actor"),
            can_edit=services.can_edit(user, handover),
            can_approve=services.can_approve(user, handover),
            can_return=handover.status == Status.SUBMITTED and services.can_approve(user, handover),
            can_hand_over=services.can_hand_over(user, handover),
            can_verify=services.can_verify(user, handover),
            can_withdraw=services.can_withdraw(user, handover),
            verify_barred=handover.status == Status.HANDED_OVER and services.did_every_other_step(user, handover),
            can_reverse=services.can_reverse(user, handover),
            reason_form=ReasonForm(),
            hand_over_form=context.get("hand_over_form") or HandOverForm(),
            own_entry=services.contributed(user, handover),
            show_history=handover_history_visible_to(user),
        )
        if context["can_approve"]:
            context["budget"] = services.budget_position(disbursement=handover)
        if context["can_edit"] and handover.group_id:
            members = services.group_members_on(handover.group, handover.handed_on)
            current = {a.partner_id: a.amount for a in context["allocations"]}
            default = dict(
                zip([m.pk for m in members], services.equal_split(handover.total, len(members)), strict=True)
            )
            context["allocation_rows"] = [(m, current.get(m.pk, default[m.pk])) for m in members]
        return context


@require_GET
def handover_history(request, pk: int):
    """Every change of the handover, its items and allocations: 404 outside the reader's scope,
    403 for a role that does not check the work (handover_history_visible_to)."""
    handover = handover_for_user(request.user, pk)
    if not handover_history_visible_to(request.user):
        raise PermissionDenied
    entries = handover_history_entries(handover, user=request.user)
    return render(request, "disbursements/handover_history.html", {"handover": handover, "history": entries})


def _entry_forms(request, *, instance=None):
    data = request.POST if request.method == "POST" else None
    # "New handover for this group/partner" links open the form with that recipient (?recipient=g:<id>).
    initial = {"recipient": request.GET.get("recipient", "")} if instance is None and data is None else None
    form = HandoverForm(data, instance=instance, user=request.user, initial=initial)
    if instance is not None:
        item_initial = [
            {
                "kind": i.kind,
                "description": i.description,
                "quantity": i.quantity,
                "unit": i.unit,
                "unit_value": i.unit_value,
            }
            for i in instance.items.all()
        ]
        witness_initial = [{"name": w.name, "position": w.position} for w in instance.witnesses.all()]
    else:
        item_initial, witness_initial = [], []
    # A new handover opens with one empty row; an empty row is an extra form, so a row nobody
    # filled in is left out rather than refused field by field.
    item_formset = ItemFormSet if instance is not None else NewItemFormSet
    items = item_formset(data, prefix="items", initial=None if data else item_initial)
    witnesses = WitnessFormSet(data, prefix="witnesses", initial=None if data else witness_initial)
    return form, items, witnesses


def _render_entry(request, form, items, witnesses, *, handover=None, status=200):
    context = {
        "form": form,
        "items": items,
        "witnesses": witnesses,
        "handover": handover,
        "item_kinds": Item.Kind.choices,
    }
    return render(request, "disbursements/handover_form.html", context, status=status)


def handover_create(request):
    user = request.user
    if not (user.has_perm("disbursements.add_disbursement") and user.company_id):
        raise PermissionDenied
    form, items, witnesses = _entry_forms(request)
    handover = None
    if request.method == "POST" and all([form.is_valid(), items.is_valid(), witnesses.is_valid()]):
        try:
            handover = services.disbursement_create_draft(
                actor=user,
                program=form.cleaned_data["program"],
                submission_key=form.cleaned_data["submission_key"],
                items=formset_rows(items, ItemForm.as_item),
                witnesses=formset_rows(witnesses, WitnessForm.as_witness),
                **form.service_fields(),
            )
            # The draft is kept even when submitting finds something missing.
            if "submit" in request.POST and handover.status == Status.DRAFT:
                services.disbursement_submit(disbursement=handover, actor=user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _saved_message(request))
            return redirect("disbursements:handover-detail", pk=handover.pk)
    if handover is not None:
        messages.warning(request, _("The draft is saved; complete it before submitting."))
    status = 400 if request.method == "POST" else 200
    return _render_entry(request, form, items, witnesses, handover=handover, status=status)


def handover_update(request, pk: int):
    handover = handover_for_user(request.user, pk)
    if not services.can_edit(request.user, handover):
        raise PermissionDenied
    form, items, witnesses = _entry_forms(request, instance=handover)
    if request.method == "POST" and all([form.is_valid(), items.is_valid(), witnesses.is_valid()]):
        fields = form.service_fields()
        fields["program"] = form.cleaned_data["program"]
        try:
            with transaction.atomic():
                services.disbursement_update_draft(
                    disbursement=handover,
                    actor=request.user,
                    items=formset_rows(items, ItemForm.as_item),
                    witnesses=formset_rows(witnesses, WitnessForm.as_witness),
                    **fields,
                )
                if "submit" in request.POST:
                    services.disbursement_submit(disbursement=handover, actor=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _saved_message(request))
            return redirect("disbursements:handover-detail", pk=handover.pk)
    status = 400 if request.method == "POST" else 200
    return _render_entry(request, form, items, witnesses, handover=handover, status=status)


@require_GET
def recipient_search(request):
    """htmx: businesses and groups matching the query, within the user's scope."""
    query = request.GET.get("q", "").strip()
    partners = groups = []
    if len(query) >= 2:
        partners = Partner.objects.visible_to(request.user).filter(business_name__icontains=query)[:10]
        groups = BusinessGroup.objects.visible_to(request.user).filter(name__icontains=query)[:10]
    return render(
        request, "disbursements/_recipient_results.html", {"partners": partners, "groups": groups, "query": query}
    )


@require_GET
def program_options(request):
    """htmx: the program options for the handover date typed (`?handed_on=09/11/2023&program=<id>`):
    only programs whose period covers it, or a disabled option saying why there is none."""
    if not (request.user.has_perm("disbursements.add_disbursement") and request.user.company_id):
        raise PermissionDenied
    field = HandoverForm(request.GET, user=request.user).fields["program"]
    context = {
        "choices": [(str(value), label) for value, label in field.choices],
        "chosen": request.GET.get("program", ""),
        "none_runs": field.help_text if len(field.choices) == 1 else "",
        "help_text": field.help_text,
    }
    return render(request, "disbursements/_program_options.html", context)


def _transition_view(service, *, needs_reason=False, optional_reason=False, success=""):
    @require_POST
    def view(request, pk: int):
        handover = handover_for_user(request.user, pk)
        kwargs = {}
        if needs_reason:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give a reason."))
                return redirect("disbursements:handover-detail", pk=pk)
            kwargs["reason"] = form.cleaned_data["reason"]
        elif optional_reason:
            kwargs["reason"] = request.POST.get("reason", "")[:2000]
        try:
            result = service(disbursement=handover, actor=request.user, **kwargs)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("disbursements:handover-detail", pk=pk)
        messages.success(request, success)
        return redirect("disbursements:handover-detail", pk=result.pk)

    return view


handover_submit = _transition_view(services.disbursement_submit, success=_("Submitted for approval."))
handover_approve = _transition_view(services.disbursement_approve, success=_("Approved."))
handover_return = _transition_view(services.disbursement_return, needs_reason=True, success=_("Returned to draft."))
handover_cancel = _transition_view(services.disbursement_cancel, needs_reason=True, success=_("Cancelled."))
handover_withdraw = _transition_view(
    services.disbursement_withdraw,
    optional_reason=True,
    success=gettext_lazy("Withdrawn; the handover is a draft again."),
)
handover_verify = _transition_view(services.disbursement_verify, success=_("Verified."))
handover_reverse = _transition_view(
    services.disbursement_reverse, needs_reason=True, success=_("Reversal recorded and submitted for approval.")
)


@require_POST
def handover_hand_over(request, pk: int):
    handover = handover_for_user(request.user, pk)
    form = HandOverForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.disbursement_hand_over(
                disbursement=handover,
                actor=request.user,
                bast_scan=form.cleaned_data["bast_scan"],
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Marked as handed over."))
            return redirect("disbursements:handover-detail", pk=pk)
    # The page again with the form's errors under the files they are about.
    view = HandoverDetailView(request=request, args=(), kwargs={"pk": pk}, object=handover)
    return view.render_to_response(view.get_context_data(hand_over_form=form), status=400)


def _allocation_form(request, handover: Disbursement) -> AllocationForm:
    """Members outside the editor's region are not shown by name: their amounts stay as they are
    and count in the totals as one line."""
    members = services.group_members_on(handover.group, handover.handed_on)
    saved = {a.partner_id: a.amount for a in handover.allocations.all()}
    split = dict(zip([m.pk for m in members], services.equal_split(handover.total, len(members)), strict=True))
    amounts = {m.pk: saved.get(m.pk, split[m.pk]) for m in members} if saved.keys() <= split.keys() else split
    visible = set(Partner.objects.visible_to(request.user).filter(pk__in=amounts).values_list("pk", flat=True))
    form = AllocationForm(request.POST or None, members=[m for m in members if m.pk in visible], amounts=amounts)
    form.other_amounts = {pk: amount for pk, amount in amounts.items() if pk not in visible}
    return form


def handover_allocations(request, pk: int):
    """The allocation editor: one amount per member, a running total against the handover's
    total; on an error the page comes back with what was typed."""
    handover = handover_for_user(request.user, pk)
    if not (handover.group_id and services.can_edit(request.user, handover)):
        raise PermissionDenied
    form = _allocation_form(request, handover)
    if request.method == "POST" and form.is_valid():
        try:
            amounts = {**form.other_amounts, **form.amounts()}
            services.allocations_set(disbursement=handover, actor=request.user, amounts=amounts)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Allocations saved."))
            return HttpResponseRedirect(reverse("disbursements:handover-detail", args=[pk]) + "#allocations")
    status = 400 if request.method == "POST" else 200
    return render(request, "disbursements/allocation_form.html", {"handover": handover, "form": form}, status=status)

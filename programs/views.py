"""Thin views: fetch within the user's scope (404 outside), check the role (403), call a service."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from accounts.scope import scope_for
from partners.models import Partner

from . import selectors, services
from .filters import ProgramFilter
from .forms import (
    ActivityForm,
    BudgetForm,
    CloseForm,
    EnrollmentDecisionForm,
    EnrollmentForm,
    ParticipantForm,
    PartnerSearchForm,
    ProgramForm,
    TargetForm,
)
from .models import (
    Activity,
    ActivityParticipant,
    BudgetChange,
    Enrollment,
    EnrollmentRequest,
    Program,
    ProgramBudget,
    Sdg,
)

SEARCH_LIMIT = 20


def program_for(user, pk: int, *, manage: bool = False, record: bool = False) -> Program:
    """The program if the user may see it (else 404); 403 when they may only read it."""
    program = get_object_or_404(Program.objects.visible_to(user).select_related("company"), pk=pk)
    if manage and not services.can_manage_program(user, program):
        raise PermissionDenied
    if record and not services.can_record_activities(user, program):
        raise PermissionDenied
    return program


def activity_for(user, pk: int, *, record: bool = False) -> Activity:
    activity = get_object_or_404(Activity.objects.visible_to(user).select_related("program__company", "regency"), pk=pk)
    if record and not services.can_record_activities(user, activity.program):
        raise PermissionDenied
    return activity


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields, or on the form as a whole."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Programs ----------------------------------------------------------------------------


class ProgramListView(PermissionRequiredMixin, FilterView):
    permission_required = "programs.view_program"
    filterset_class = ProgramFilter
    template_name = "programs/program_list.html"
    context_object_name = "programs"
    paginate_by = 25

    def get_queryset(self):
        budget_total = (
            ProgramBudget.objects.filter(program=OuterRef("pk"))
            .values("program")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return (
            Program.objects.visible_to(self.request.user)
            .select_related("company")
            .prefetch_related(Prefetch("sdgs", queryset=Sdg.objects.order_by("number")))
            .annotate(budget_total=Subquery(budget_total))
            .order_by("-start_date", "code", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["can_create"] = self.request.user.has_perm("programs.add_program")
        return context


class ProgramDetailView(DetailView):
    template_name = "programs/program_detail.html"
    context_object_name = "program"

    def get_object(self, queryset=None):
        return program_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        program, user = self.object, self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            can_manage=services.can_manage_program(user, program),
            can_record=services.can_record_activities(user, program),
            pending_enrollment_requests=program.enrollment_requests.visible_to(user).pending().count(),
            sdgs=program.sdgs.order_by("number"),
            target_regions=program.target_regions.order_by("code"),
            region_only=user.region.name if scope_for(user).region_code else None,
            budget_lines=selectors.program_budget_lines(program=program, user=user),
            achievements=selectors.program_achievements(program=program, user=user),
            region_summary=selectors.program_region_summary(program=program, user=user),
            activities=selectors.program_activities(program=program, user=user),
            enrollments=program.enrollments.visible_to(user)
            .select_related("partner", "added_by")
            .order_by("partner__business_name"),
        )
        return context


class ProgramFormMixin:
    template_name = "programs/program_form.html"
    form_class = ProgramForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.pop("company", None)
        sdgs, regions = data.pop("sdgs"), data.pop("target_regions")
        try:
            program = self.save(form, data, sdgs, regions)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Program %(name)s saved.") % {"name": program.name})
        return redirect("programs:program-detail", pk=program.pk)


class ProgramCreateView(PermissionRequiredMixin, ProgramFormMixin, FormView):
    permission_required = "programs.add_program"

    def save(self, form, data, sdgs, regions):
        company = form.cleaned_data.get("company") or self.request.user.company
        return services.program_create(
            company=company, actor=self.request.user, sdgs=sdgs, target_regions=regions, **data
        )


class ProgramUpdateView(ProgramFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.program = program_for(request.user, kwargs["pk"], manage=True)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.program}

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.program, **kwargs)

    def save(self, form, data, sdgs, regions):
        return services.program_update(
            program=self.program, actor=self.request.user, sdgs=sdgs, target_regions=regions, **data
        )


@require_GET
def sdg_options(request):
    """The SDG checkboxes of one pillar, swapped into the program form when the pillar changes."""
    form = ProgramForm(user=request.user, initial={"pillar": request.GET.get("pillar", "")})
    return render(request, "programs/_sdg_choices.html", {"form": form})


@require_POST
def program_activate(request, pk):
    program = program_for(request.user, pk, manage=True)
    try:
        services.program_activate(program=program, actor=request.user)
        messages.success(request, _("The program is active."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("programs:program-detail", pk=pk)


class ProgramFormView(FormView):
    """A form on one program that calls one service: the program is loaded within the user's
    scope (404) and rights (403); a service refusal becomes the form's errors."""

    access = "manage"  # or "record"

    def dispatch(self, request, *args, **kwargs):
        self.program = program_for(request.user, kwargs["pk"], **{self.access: True})
        return self.refusal() or super().dispatch(request, *args, **kwargs)

    def refusal(self):
        """A response that turns the user away before the form, or None."""
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.program, **kwargs)

    def form_valid(self, form):
        try:
            return self.perform(form)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)

    def perform(self, form):
        """Call the service, add the success message and return the redirect."""
        raise NotImplementedError


class ProgramCloseView(ProgramFormView):
    """GET: a confirmation page; POST: close the program and record who, when and why."""

    form_class = CloseForm
    template_name = "programs/program_close.html"

    def perform(self, form):
        services.program_close(program=self.program, actor=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(self.request, _("The program is closed."))
        return redirect("programs:program-detail", pk=self.program.pk)


# --- Budgets and targets -------------------------------------------------------------------


class BudgetSetView(ProgramFormView):
    form_class = BudgetForm
    template_name = "programs/budget_form.html"

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "program": self.program}
        if "year" in self.request.GET:
            kwargs["initial"] = {"year": self.request.GET["year"]}
        return kwargs

    def get_context_data(self, **kwargs):
        changes = BudgetChange.objects.filter(budget__program=self.program).select_related("budget", "changed_by")
        return super().get_context_data(budgets=self.program.budgets.order_by("year"), changes=changes, **kwargs)

    def perform(self, form):
        services.program_budget_set(program=self.program, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Budget %(year)s saved.") % {"year": form.cleaned_data["year"]})
        return redirect("programs:budget-set", pk=self.program.pk)


class TargetSetView(ProgramFormView):
    form_class = TargetForm
    template_name = "programs/target_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "program": self.program}

    def get_context_data(self, **kwargs):
        return super().get_context_data(targets=self.program.targets.all(), **kwargs)

    def perform(self, form):
        services.program_target_set(program=self.program, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Targets saved."))
        return redirect("programs:program-detail", pk=self.program.pk)


# --- Activities ------------------------------------------------------------------------------


class ActivityCreateView(ProgramFormView):
    form_class = ActivityForm
    template_name = "programs/activity_form.html"
    access = "record"

    def refusal(self):
        if self.program.accepts_new_records():
            return None
        messages.error(self.request, _("This program is closed: it accepts no new activities."))
        return redirect("programs:program-detail", pk=self.program.pk)

    def perform(self, form):
        activity = services.activity_create(program=self.program, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Activity %(title)s saved.") % {"title": activity.title})
        return redirect("programs:activity-detail", pk=activity.pk)


class ActivityUpdateView(FormView):
    form_class = ActivityForm
    template_name = "programs/activity_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.activity = activity_for(request.user, kwargs["pk"], record=True)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.activity}

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.activity.program, activity=self.activity, **kwargs)

    def form_valid(self, form):
        try:
            services.activity_update(activity=self.activity, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Activity saved."))
        return redirect("programs:activity-detail", pk=self.activity.pk)


class ActivityDetailView(DetailView):
    template_name = "programs/activity_detail.html"
    context_object_name = "activity"

    def get_object(self, queryset=None):
        return activity_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        activity = self.object
        participants = (
            activity.participants.visible_to(self.request.user)
            .select_related("partner")
            .order_by("partner__business_name")
        )
        return super().get_context_data(
            participants=participants,
            product_total=participants.aggregate(total=Sum("product_count"))["total"] or 0,
            can_record=services.can_record_activities(self.request.user, activity.program),
            **kwargs,
        )


# --- Adding partners: enrolment and activity participation ----------------------------------


def _partner_matches(user, query: str, *, exclude_ids):
    partners = Partner.objects.visible_to(user).exclude(pk__in=exclude_ids)
    if query:
        partners = partners.filter(business_name__icontains=query) | partners.filter(owner_name__icontains=query)
    return partners.order_by("business_name", "pk")[:SEARCH_LIMIT]


class EnrollmentCreateView(View):
    """Search the shared registry and enrol partners; a partner assisted by another company's
    active program is flagged and needs the confirm box."""

    template_name = "programs/enrollment_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.program = program_for(request.user, kwargs["pk"], record=True)
        return super().dispatch(request, *args, **kwargs)

    def candidates(self, query: str):
        enrolled = self.program.enrollments.values("partner_id")
        partners = list(_partner_matches(self.request.user, query, exclude_ids=enrolled))
        others = services.enrollment_other_companies_by_partner(
            program=self.program, partner_ids=[partner.pk for partner in partners]
        )
        holders = services.enrollment_other_holders_by_partner(program=self.program, partners=partners)
        return [(partner, others.get(partner.pk, []), holders.get(partner.pk, [])) for partner in partners]

    def render_page(self, *, error_for=None, error=None, status=200):
        search = PartnerSearchForm({"q": self.request.GET.get("q") or self.request.POST.get("q", "")})
        query = search.cleaned_data["q"] if search.is_valid() else ""
        template = "programs/_enrollment_candidates.html" if self.request.htmx else self.template_name
        context = {
            "program": self.program,
            "search": search,
            "candidates": self.candidates(query) if query else [],
            "query": query,
            "error_for": error_for,
            "error": error,
        }
        return render(self.request, template, context, status=status)

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        form = EnrollmentForm(request.POST)
        if not form.is_valid():
            return self.render_page(error=_("Choose a partner."), status=400)
        partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=form.cleaned_data["partner"])
        try:
            result = services.enrollment_create(
                program=self.program,
                partner=partner,
                actor=request.user,
                confirm_other_company=form.cleaned_data["confirm_other_company"],
            )
        except ValidationError as error:
            return self.render_page(error_for=partner.pk, error=" ".join(error.messages), status=400)
        if isinstance(result, EnrollmentRequest):
            messages.info(
                request,
                _("The enrolment of %(partner)s waits for the approval of another manager of your company.")
                % {"partner": partner},
            )
        else:
            messages.success(request, _("%(partner)s enrolled.") % {"partner": partner})
        return redirect("programs:enrollment-create", pk=self.program.pk)


class EnrollmentRequestListView(PermissionRequiredMixin, View):
    """Enrolments of other companies' partners: those waiting for a manager, the decided ones,
    and the partners removed from the company's programs (the history keeps them)."""

    permission_required = "programs.view_program"
    template_name = "programs/enrollment_requests.html"
    RECENT = 50

    def get(self, request):
        user = request.user
        requests = EnrollmentRequest.objects.visible_to(user).select_related(
            "program", "partner", "requested_by", "decided_by"
        )
        pending = list(requests.pending().order_by("requested_at", "pk"))
        for item in pending:
            item.can_decide = services.can_decide_enrollment(user, item)
        removals = (
            Enrollment.history.filter(history_type="-")
            .filter(scope_for(user).q(company_field="program__company", region_code_field="partner__region_code"))
            .select_related("program", "partner", "history_user")
            .order_by("-history_date")[: self.RECENT]
        )
        context = {
            "pending": pending,
            "decided": requests.exclude(status=EnrollmentRequest.Status.PENDING)[: self.RECENT],
            "removals": removals,
            "decision_form": EnrollmentDecisionForm(),
        }
        return render(request, self.template_name, context)


def _enrollment_decision_view(service, success: str):
    @require_POST
    def view(request, pk):
        enrollment_request = get_object_or_404(
            EnrollmentRequest.objects.visible_to(request.user).select_related("program", "partner"), pk=pk
        )
        form = EnrollmentDecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            service(request=enrollment_request, actor=request.user, note=note)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, success % {"partner": enrollment_request.partner})
        return redirect("programs:enrollment-request-list")

    return view


enrollment_request_approve = _enrollment_decision_view(
    services.enrollment_request_approve, gettext_lazy("%(partner)s is enrolled: the request is approved.")
)
enrollment_request_refuse = _enrollment_decision_view(
    services.enrollment_request_refuse, gettext_lazy("The enrolment of %(partner)s is refused.")
)


@require_POST
def enrollment_remove(request, pk):
    enrollment = get_object_or_404(Enrollment.objects.visible_to(request.user).select_related("partner"), pk=pk)
    program_for(request.user, enrollment.program_id, record=True)
    services.enrollment_remove(enrollment=enrollment, actor=request.user)
    messages.success(request, _("%(partner)s removed from the program.") % {"partner": enrollment.partner})
    return redirect("programs:program-detail", pk=enrollment.program_id)


class ParticipantAddView(View):
    template_name = "programs/participant_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.activity = activity_for(request.user, kwargs["pk"], record=True)
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, *, error_for=None, error=None, status=200):
        search = PartnerSearchForm({"q": self.request.GET.get("q") or self.request.POST.get("q", "")})
        query = search.cleaned_data["q"] if search.is_valid() else ""
        taken = self.activity.participants.values("partner_id")
        template = "programs/_participant_candidates.html" if self.request.htmx else self.template_name
        context = {
            "activity": self.activity,
            "program": self.activity.program,
            "search": search,
            "candidates": _partner_matches(self.request.user, query, exclude_ids=taken) if query else [],
            "query": query,
            "error_for": error_for,
            "error": error,
        }
        return render(self.request, template, context, status=status)

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        form = ParticipantForm(request.POST)
        if not form.is_valid():
            return self.render_page(error=" ".join(m for e in form.errors.values() for m in e), status=400)
        partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=form.cleaned_data["partner"])
        try:
            services.activity_participant_add(
                activity=self.activity,
                partner=partner,
                actor=request.user,
                products_shown=form.cleaned_data["products_shown"],
                product_count=form.cleaned_data["product_count"] or 0,
            )
        except ValidationError as error:
            return self.render_page(error_for=partner.pk, error=" ".join(error.messages), status=400)
        messages.success(request, _("%(partner)s added to the activity.") % {"partner": partner})
        return redirect("programs:participant-add", pk=self.activity.pk)


@require_POST
def participant_remove(request, pk):
    participant = get_object_or_404(
        ActivityParticipant.objects.visible_to(request.user).select_related("partner"), pk=pk
    )
    activity_for(request.user, participant.activity_id, record=True)
    services.activity_participant_remove(participant=participant, actor=request.user)
    messages.success(request, _("%(partner)s removed from the activity.") % {"partner": participant.partner})
    return redirect("programs:activity-detail", pk=participant.activity_id)

"""Pages of the partner registry. Views parse input, call a service and render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import DetailView, FormView, ListView, UpdateView

from regions.models import Region
from tjsl.downloads import private_download
from tjsl.htmx import filtered_query, push_filtered_url
from tjsl.params import id_or_none
from tjsl.uploads import EXTENSIONS

from . import services
from .charts import size_class_svg
from .exports import export_filename, export_queryset, partners_export
from .filters import PartnerFilter, SupportForm, filter_form_widgets
from .forms import (
    AssessmentForm,
    BusinessGroupForm,
    ExportMilestoneForm,
    ImportUploadForm,
    MembershipAddForm,
    MembershipEndForm,
    PartnerForm,
)
from .history import history_entries
from .imports import ImportFileError, rejected_rows_workbook, template_workbook
from .models import BusinessGroup, ExportMilestone, Membership, NikViewLog, Partner, PartnerExport, PartnerImport
from .privacy import mask_address, mask_nik, mask_phone, nik_views_log, partner_pii_visible
from .selectors import companies_assisting, group_leader_for, group_member_count
from .validators import display_phone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_errors_from(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class PermissionMixin(PermissionRequiredMixin):
    raise_exception = True


# --- Partners -------------------------------------------------------------------------------


class CappedPaginator(Paginator):
    """Counts a broad search only up to `cap` rows: "1.000+" costs far less than an exact
    count over thousands of trigram matches, and nobody pages that deep in a search."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


class PartnerListView(PermissionMixin, ListView):
    permission_required = "partners.view_partner"
    template_name = "partners/partner_list.html"
    paginate_by = 25

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator_class = CappedPaginator if self.request.GET.get("q", "").strip() else Paginator
        return paginator_class(queryset, per_page, **kwargs)

    def get_queryset(self):
        base = Partner.objects.visible_to(self.request.user).select_related("regency")
        self.support = SupportForm(self.request.GET)
        if (support := self.support.support()) is not None:
            base = base.filter(support.partners(self.request.user))
        self.filterset = PartnerFilter(self.request.GET or None, queryset=base, request=self.request)
        filter_form_widgets(self.filterset.form)
        return (
            self.filterset.qs
            if self.filterset.is_bound and self.filterset.is_valid()
            else base.order_by("business_name", "pk")
        )

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "partner-results":
            return ["partners/_partner_results.html"]
        return [self.template_name]

    def render_to_response(self, context, **response_kwargs):
        return push_filtered_url(self.request, super().render_to_response(context, **response_kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["support"] = self.support
        context["filter_query"] = filtered_query(self.request, drop=("page",))
        for partner in context["object_list"]:
            partner.nik_masked = mask_nik(partner.owner_nik)
        return context


@require_http_methods(["GET", "POST"])
def partner_export(request, fmt: str):
    """The list as a file: at once when small, else (after a confirmation) made by a worker."""
    if not request.user.has_perm("partners.view_partner"):
        raise PermissionDenied
    if fmt not in ("xlsx", "csv"):
        raise Http404
    queryset = export_queryset(request.user, request.GET, request=request)
    limit = settings.TJSL_EXPORT_SYNC_MAX_ROWS
    if request.method == "POST":
        export = services.partner_export_request(actor=request.user, fmt=fmt, query=request.GET.urlencode())
        return redirect("partners:export-detail", pk=export.pk)
    if queryset[: limit + 1].count() > limit:
        context = {"fmt": fmt, "limit": limit, "query": request.GET.urlencode()}
        return render(request, "partners/export_confirm.html", context)
    content = partners_export(queryset, request.user, fmt)
    response = HttpResponse(content, content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(fmt, timezone.localdate())}"'
    return response


def _export_for_user(request, pk: int) -> PartnerExport:
    if not request.user.has_perm("partners.view_partner"):
        raise PermissionDenied
    return get_object_or_404(PartnerExport.objects.visible_to(request.user), pk=pk)


@require_GET
def export_detail(request, pk: int):
    """The progress of a big export, polled by htmx while it is made, then its download link."""
    export = _export_for_user(request, pk)
    template = "partners/_export_status.html" if request.htmx else "partners/export_detail.html"
    return render(request, template, {"export": export})


@require_GET
def export_download(request, pk: int):
    export = _export_for_user(request, pk)
    if export.status != PartnerExport.Status.DONE or not export.file:
        raise Http404
    content_type = XLSX if export.fmt == "xlsx" else "text/csv; charset=utf-8"
    filename = export_filename(export.fmt, timezone.localtime(export.created_at).date())
    return private_download(export.file, filename=filename, content_type=content_type)


def partner_for_user(request, pk: int) -> Partner:
    """404 outside the user's scope."""
    return get_object_or_404(Partner.objects.visible_to(request.user).select_related("regency", "district"), pk=pk)


class PartnerDetailView(PermissionMixin, DetailView):
    permission_required = "partners.view_partner"
    template_name = "partners/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        return Partner.objects.visible_to(self.request.user).select_related(
            "regency", "district", "registered_by_company", "created_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner, user = self.object, self.request.user
        visible = partner_pii_visible(user, partner)
        if visible and partner.owner_nik:
            nik_views_log(user=user, partners=[partner], purpose=NikViewLog.Purpose.DETAIL)
        assessments = list(partner.assessments.select_related("assessed_by"))
        context.update(
            pii_visible=visible,
            nik_display=partner.owner_nik if visible else mask_nik(partner.owner_nik),
            npwp_display=partner.npwp if visible else mask_nik(partner.npwp),
            phone_display=display_phone(partner.phone) if visible else mask_phone(partner.phone),
            address_display=partner.address if visible else mask_address(partner.address),
            assessments=assessments,
            chart=size_class_svg(assessments),
            milestones=list(partner.export_milestones.all()),
            memberships=list(partner.memberships.visible_to(user).select_related("group").order_by("-joined_on")),
            companies=list(companies_assisting(partner)),
            can_edit=services.partner_editable_by(user, partner),
            show_history=services.history_visible_to(user),
        )
        if context["show_history"]:
            context["history"] = history_entries(partner, user=user, pii_visible=visible)
        return context


class PartnerFormMixin:
    """The partner form offers the regencies of the user's own province first."""

    form_class = PartnerForm
    template_name = "partners/partner_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class PartnerCreateView(PermissionMixin, PartnerFormMixin, FormView):
    permission_required = "partners.add_partner"

    def form_valid(self, form):
        try:
            partner = services.partner_create(actor=self.request.user, **form.service_data())
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Partner %(name)s registered.") % {"name": partner.business_name})
        return redirect("partners:partner-detail", pk=partner.pk)


class PartnerUpdateView(PermissionMixin, PartnerFormMixin, UpdateView):
    permission_required = "partners.change_partner"
    context_object_name = "partner"

    def get_queryset(self):
        return Partner.objects.visible_to(self.request.user)

    def get_object(self, queryset=None):
        partner = super().get_object(queryset)
        if not services.partner_editable_by(self.request.user, partner):
            raise PermissionDenied
        if partner.owner_nik and self.request.method == "GET":
            nik_views_log(user=self.request.user, partners=[partner], purpose=NikViewLog.Purpose.EDIT)
        return partner

    def get_initial(self):
        from .validators import display_phone as show

        return {"phone": show(self.object.phone)}

    def form_valid(self, form):
        try:
            services.partner_update(partner=self.object, actor=self.request.user, **form.service_data())
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("partners:partner-detail", pk=self.object.pk)


@require_GET
def regency_districts(request):
    """Options of the district select for the chosen regency (htmx)."""
    regency = id_or_none(request.GET.get("regency"))
    districts = Region.objects.districts().filter(parent_id=regency) if regency is not None else Region.objects.none()
    return render(request, "partners/_district_options.html", {"districts": districts})


class PartnerChildCreateView(PermissionMixin, FormView):
    """A form for a record of one partner (assessment, export milestone)."""

    def dispatch(self, request, *args, **kwargs):
        self.partner = partner_for_user(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.partner, **kwargs)

    def record(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.record(form)
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("partners:partner-detail", pk=self.partner.pk)


class AssessmentCreateView(PartnerChildCreateView):
    permission_required = "partners.add_assessment"
    template_name = "partners/assessment_form.html"
    form_class = AssessmentForm

    def record(self, form):
        services.assessment_record(partner=self.partner, actor=self.request.user, **form.cleaned_data)


class ExportMilestoneCreateView(PartnerChildCreateView):
    permission_required = "partners.add_exportmilestone"
    template_name = "partners/exportmilestone_form.html"
    form_class = ExportMilestoneForm

    def record(self, form):
        services.export_milestone_record(partner=self.partner, actor=self.request.user, **form.cleaned_data)


@require_GET
def export_milestone_evidence(request, pk: int):
    """Evidence files are private: streamed only to users who may see the partner."""
    if not request.user.has_perm("partners.view_exportmilestone"):
        raise PermissionDenied
    milestone = get_object_or_404(ExportMilestone.objects.visible_to(request.user), pk=pk)
    if not milestone.evidence:
        raise Http404
    # Named from the record; a type outside the accepted ones (stored before they were checked)
    # leaves as opaque bytes.
    extension = milestone.evidence.name.rsplit(".", 1)[-1].lower()
    types = {ext: mime for mime, ext in EXTENSIONS.items()}
    mime = types.get(extension) or "application/octet-stream"
    filename = f"export-evidence-{milestone.pk}.{extension if extension in types else 'bin'}"
    # Private and never sniffed: tjsl.download_headers marks every attachment so.
    return FileResponse(milestone.evidence.open("rb"), as_attachment=True, filename=filename, content_type=mime)


# --- Business groups ---------------------------------------------------------------------------


class BusinessGroupListView(PermissionMixin, ListView):
    permission_required = "partners.view_businessgroup"
    template_name = "partners/businessgroup_list.html"
    paginate_by = 25

    def get_queryset(self):
        user = self.request.user
        qs = BusinessGroup.objects.visible_to(user).select_related("regency", "leader")
        self.support = SupportForm(self.request.GET)
        if (support := self.support.support()) is not None:
            qs = qs.filter(support.groups(user))
        qs = qs.search(self.request.GET.get("q", ""))
        return qs.annotate(member_count=group_member_count(user)).order_by("name", "pk")

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "group-results":
            return ["partners/_group_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["support"] = self.support
        for group in context["object_list"]:
            group.visible_leader = group_leader_for(self.request.user, group)
        return context

    def render_to_response(self, context, **response_kwargs):
        return push_filtered_url(self.request, super().render_to_response(context, **response_kwargs))


class BusinessGroupDetailView(PermissionMixin, DetailView):
    permission_required = "partners.view_businessgroup"
    template_name = "partners/businessgroup_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return BusinessGroup.objects.visible_to(self.request.user).select_related(
            "regency", "leader", "registered_by_company"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.object
        memberships = (
            group.memberships.visible_to(self.request.user)
            .select_related("partner", "partner__regency")
            .order_by("left_on", "partner__business_name")
        )
        today = timezone.localdate()
        context.update(
            visible_leader=group_leader_for(self.request.user, group),
            current=[m for m in memberships if m.left_on is None or m.left_on > today],
            former=[m for m in memberships if m.left_on is not None and m.left_on <= today],
            can_edit=services.group_editable_by(self.request.user, group),
            today=today,
            show_history=services.history_visible_to(self.request.user),
        )
        if context["show_history"]:
            context["history"] = history_entries(group, user=self.request.user, pii_visible=False)
        return context


class BusinessGroupCreateView(PermissionMixin, FormView):
    permission_required = "partners.add_businessgroup"
    template_name = "partners/businessgroup_form.html"
    form_class = BusinessGroupForm

    def form_valid(self, form):
        try:
            group = services.business_group_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Group created. Now add its members."))
        return redirect("partners:businessgroup-detail", pk=group.pk)


class BusinessGroupUpdateView(PermissionMixin, UpdateView):
    permission_required = "partners.change_businessgroup"
    template_name = "partners/businessgroup_form.html"
    form_class = BusinessGroupForm
    context_object_name = "group"

    def get_queryset(self):
        return BusinessGroup.objects.visible_to(self.request.user)

    def get_object(self, queryset=None):
        group = super().get_object(queryset)
        if not services.group_editable_by(self.request.user, group):
            raise PermissionDenied
        return group

    def form_valid(self, form):
        try:
            services.business_group_update(group=self.object, actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("partners:businessgroup-detail", pk=self.object.pk)


def _group_for_user(request, pk: int) -> BusinessGroup:
    return get_object_or_404(BusinessGroup.objects.visible_to(request.user), pk=pk)


@require_GET
def membership_search(request, pk: int):
    """Existing partners matching a search, to add to the group (htmx partial)."""
    group = _group_for_user(request, pk)
    if not services.group_editable_by(request.user, group):
        raise PermissionDenied
    term = request.GET.get("q", "").strip()
    results = []
    if len(term) >= 2:
        current = group.memberships.filter(left_on__isnull=True).values("partner_id")
        results = (
            Partner.objects.visible_to(request.user)
            .search(term, user=request.user)
            .exclude(pk__in=current)
            .select_related("regency")
            .order_by("business_name", "pk")[:20]
        )
    return render(
        request,
        "partners/_member_search_results.html",
        {"group": group, "results": results, "term": term, "today": timezone.localdate()},
    )


@require_POST
def membership_add(request, pk: int):
    """Add a member; a partner from another province is added only after a confirm step naming it."""
    group = _group_for_user(request, pk)
    form = MembershipAddForm(request.POST, user=request.user)
    if form.is_valid():
        partner = form.cleaned_data["partner"]
        confirmed = request.POST.get("confirm_other_province") == "1"
        if not confirmed and services.other_province(group, partner) is not None:
            allowed = request.user.has_perm("partners.add_membership") and services.group_editable_by(
                request.user, group
            )
            if not allowed:
                raise PermissionDenied
            return render(
                request,
                "partners/membership_confirm.html",
                {
                    "group": group,
                    "partner": partner,
                    "action": "add",
                    "message": services.other_province_message(group, partner),
                    "date_field": "joined_on",
                    "date": form.cleaned_data["joined_on"],
                },
            )
        try:
            services.membership_add(
                group=group,
                actor=request.user,
                other_province_confirmed=confirmed,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s added to the group.") % {"name": partner.business_name})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("partners:businessgroup-detail", pk=group.pk)


@require_http_methods(["GET", "POST"])
def membership_end(request, pk: int):
    """End a membership after a confirm step; the row stays, as the group's history."""
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("group", "partner"), pk=pk
    )
    if not services.group_editable_by(request.user, membership.group):
        raise PermissionDenied
    form = MembershipEndForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "1":
            try:
                services.membership_end(membership=membership, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Membership ended."))
            return redirect("partners:businessgroup-detail", pk=membership.group_id)
    elif request.method == "POST":
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("partners:businessgroup-detail", pk=membership.group_id)
    left_on = form.cleaned_data["left_on"] if form.is_bound else timezone.localdate()
    return render(
        request,
        "partners/membership_confirm.html",
        {
            "group": membership.group,
            "partner": membership.partner,
            "membership": membership,
            "action": "end",
            "date_field": "left_on",
            "date": left_on,
            "same_day": left_on == membership.joined_on,
        },
    )


# --- Import ---------------------------------------------------------------------------------------


class ImportCreateView(PermissionMixin, FormView):
    permission_required = "partners.add_partner"
    template_name = "partners/import_form.html"
    form_class = ImportUploadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent"] = PartnerImport.objects.visible_to(self.request.user)[:10]
        context["max_rows"] = settings.TJSL_IMPORT_MAX_ROWS
        return context

    def form_valid(self, form):
        try:
            job = services.partner_import_start(actor=self.request.user, uploaded_file=form.cleaned_data["file"])
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return redirect("partners:import-detail", pk=job.pk)


def _import_for_user(request, pk: int) -> PartnerImport:
    if not request.user.has_perm("partners.add_partner"):
        raise PermissionDenied
    return get_object_or_404(PartnerImport.objects.visible_to(request.user), pk=pk)


IMPORT_PREVIEW_ROWS = 200
IMPORT_PREVIEW_COLUMNS = ["business_name", "owner_name", "owner_nik", "nib", "regency_code", "sector", "joined_on"]


def import_rows(job: PartnerImport):
    """The rows to show: the faulty ones when there are any, else all; paged in SQL by the caller."""
    rows = job.row_set.filter(has_errors=True) if job.error_rows else job.row_set.all()
    return rows.order_by("line").defer("clean")


@require_GET
def import_detail(request, pk: int):
    job = _import_for_user(request, pk)
    page = None
    if not job.in_progress:
        page = Paginator(import_rows(job), IMPORT_PREVIEW_ROWS).get_page(request.GET.get("page"))
        for row in page:
            row.preview = [
                mask_nik(row.data.get(c, "")) if c == "owner_nik" else row.data.get(c, "")
                for c in IMPORT_PREVIEW_COLUMNS
            ]
    template = "partners/_import_status.html" if request.htmx else "partners/import_detail.html"
    context = {"job": job, "page": page, "shown": page or [], "columns": IMPORT_PREVIEW_COLUMNS}
    return render(request, template, context)


@require_POST
def import_commit(request, pk: int):
    job = _import_for_user(request, pk)
    try:
        job = services.partner_import_request_commit(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("partners:import-detail", pk=job.pk)
    if job.status == PartnerImport.Status.COMMITTED:
        messages.success(request, _("%(count)d partners imported.") % {"count": job.created_count})
    return redirect("partners:import-detail", pk=job.pk)


@require_GET
def import_rejected(request, pk: int):
    job = _import_for_user(request, pk)
    faulty = job.row_set.filter(has_errors=True).order_by("line").values("line", "data", "errors")
    response = HttpResponse(rejected_rows_workbook(faulty.iterator(chunk_size=1000)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{job.pk}.xlsx"'
    return response


@require_GET
def import_template(request):
    if not request.user.has_perm("partners.add_partner"):
        raise PermissionDenied
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="template-mitra-binaan.xlsx"'
    return response

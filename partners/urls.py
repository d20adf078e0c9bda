from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.PartnerListView.as_view(), name="partner-list"),
    path("new/", views.PartnerCreateView.as_view(), name="partner-create"),
    path("export.<str:fmt>", views.partner_export, name="partner-export"),
    path("list-exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("list-exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("districts/", views.regency_districts, name="regency-districts"),
    path("<int:pk>/", views.PartnerDetailView.as_view(), name="partner-detail"),
    path("<int:pk>/edit/", views.PartnerUpdateView.as_view(), name="partner-update"),
    path("<int:pk>/assessments/new/", views.AssessmentCreateView.as_view(), name="assessment-create"),
    path("<int:pk>/exports/new/", views.ExportMilestoneCreateView.as_view(), name="exportmilestone-create"),
    path("exports/<int:pk>/evidence/", views.export_milestone_evidence, name="exportmilestone-evidence"),
    path("groups/", views.BusinessGroupListView.as_view(), name="businessgroup-list"),
    path("groups/new/", views.BusinessGroupCreateView.as_view(), name="businessgroup-create"),
    path("groups/<int:pk>/", views.BusinessGroupDetailView.as_view(), name="businessgroup-detail"),
    path("groups/<int:pk>/edit/", views.BusinessGroupUpdateView.as_view(), name="businessgroup-update"),
    path("groups/<int:pk>/members/search/", views.membership_search, name="membership-search"),
    path("groups/<int:pk>/members/add/", views.membership_add, name="membership-add"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("import/", views.ImportCreateView.as_view(), name="import-create"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/commit/", views.import_commit, name="import-commit"),
    path("import/<int:pk>/rejected.xlsx", views.import_rejected, name="import-rejected"),
]

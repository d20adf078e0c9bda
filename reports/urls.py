from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/charts/<slug:name>.svg", views.dashboard_chart, name="dashboard-chart"),
    path("", views.ImpactReportListView.as_view(), name="report-list"),
    path("request/", views.report_request, name="report-request"),
    path("<int:pk>/", views.ImpactReportDetailView.as_view(), name="report-detail"),
    path("<int:pk>/status/", views.report_status, name="report-status"),
    path("<int:pk>/download/<str:fmt>/", views.report_download, name="report-download"),
]

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/charts/<slug:name>.svg", views.dashboard_chart, name="dashboard-chart"),
]

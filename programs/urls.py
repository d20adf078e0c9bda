from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.ProgramListView.as_view(), name="program-list"),
    path("new/", views.ProgramCreateView.as_view(), name="program-create"),
    path("sdg-options/", views.sdg_options, name="program-sdg-options"),
    path("<int:pk>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("<int:pk>/edit/", views.ProgramUpdateView.as_view(), name="program-update"),
    path("<int:pk>/activate/", views.program_activate, name="program-activate"),
    path("<int:pk>/close/", views.ProgramCloseView.as_view(), name="program-close"),
    path("<int:pk>/budget/", views.BudgetSetView.as_view(), name="budget-set"),
    path("<int:pk>/targets/", views.TargetSetView.as_view(), name="target-set"),
    path("<int:pk>/activities/new/", views.ActivityCreateView.as_view(), name="activity-create"),
    path("<int:pk>/partners/add/", views.EnrollmentCreateView.as_view(), name="enrollment-create"),
    path("enrollments/<int:pk>/remove/", views.enrollment_remove, name="enrollment-remove"),
    path("enrolment-requests/", views.EnrollmentRequestListView.as_view(), name="enrollment-request-list"),
    path("enrolment-requests/<int:pk>/approve/", views.enrollment_request_approve, name="enrollment-request-approve"),
    path("enrolment-requests/<int:pk>/refuse/", views.enrollment_request_refuse, name="enrollment-request-refuse"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity-detail"),
    path("activities/<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity-update"),
    path("activities/<int:pk>/participants/add/", views.ParticipantAddView.as_view(), name="participant-add"),
    path("participants/<int:pk>/remove/", views.participant_remove, name="participant-remove"),
]

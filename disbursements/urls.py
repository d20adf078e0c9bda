from django.urls import path

from . import document_views, notification_views, views

app_name = "disbursements"

urlpatterns = [
    path("", views.HandoverListView.as_view(), name="handover-list"),
    path("queue/", views.HandoverListView.as_view(queue=True), name="handover-queue"),
    path("export.xlsx", views.handover_export, name="handover-export"),
    path("new/", views.handover_create, name="handover-create"),
    path("recipients/", views.recipient_search, name="recipient-search"),
    path("programs/", views.program_options, name="program-options"),
    path("<int:pk>/", views.HandoverDetailView.as_view(), name="handover-detail"),
    path("<int:pk>/edit/", views.handover_update, name="handover-update"),
    path("<int:pk>/allocations/", views.handover_allocations, name="handover-allocations"),
    path("<int:pk>/history/", views.handover_history, name="handover-history"),
    path("<int:pk>/submit/", views.handover_submit, name="handover-submit"),
    path("<int:pk>/approve/", views.handover_approve, name="handover-approve"),
    path("<int:pk>/return/", views.handover_return, name="handover-return"),
    path("<int:pk>/cancel/", views.handover_cancel, name="handover-cancel"),
    path("<int:pk>/withdraw/", views.handover_withdraw, name="handover-withdraw"),
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path("notifications/read/", notification_views.notifications_read, name="notifications-read"),
    path("<int:pk>/hand-over/", views.handover_hand_over, name="handover-hand-over"),
    path("<int:pk>/verify/", views.handover_verify, name="handover-verify"),
    path("<int:pk>/reverse/", views.handover_reverse, name="handover-reverse"),
    path("<int:pk>/bast.pdf", document_views.bast_pdf, name="handover-bast"),
    path("<int:pk>/signed-bast/", document_views.bast_scan_download, name="handover-scan"),
    path("evidence/<int:pk>/", document_views.evidence_download, name="evidence-download"),
    path("verify/<str:token>/", document_views.verify, name="verify"),
]

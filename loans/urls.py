from django.urls import path

from . import views

app_name = "loans"

urlpatterns = [
    path("", views.loan_list, name="loan-list"),
    path("apply/", views.loan_apply, name="loan-apply"),
    path("<int:pk>/", views.loan_detail, name="loan-detail"),
    path("<int:pk>/approve/", views.loan_approve, name="loan-approve"),
    path("<int:pk>/refuse/", views.loan_refuse, name="loan-refuse"),
    path("<int:pk>/disburse/", views.loan_disburse, name="loan-disburse"),
    path("<int:pk>/repayments/new/", views.repayment_create, name="repayment-create"),
    path("<int:pk>/repayments/<int:repayment_pk>/reverse/", views.repayment_reverse, name="repayment-reverse"),
]

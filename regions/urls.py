from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("regencies/", views.regency_options, name="regency-options"),
]

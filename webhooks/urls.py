from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/test/", views.subscription_test, name="test"),
    path("<int:pk>/toggle/", views.subscription_toggle, name="toggle"),
    path("<int:pk>/delete/", views.subscription_delete, name="delete"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="retry"),
]

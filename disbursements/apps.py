from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisbursementsConfig(AppConfig):
    name = "disbursements"
    verbose_name = _("Handovers")

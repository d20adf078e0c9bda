from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisbursementsConfig(AppConfig):
    name = "disbursements"
    verbose_name = _("Handovers")

    def ready(self) -> None:
        from partners import links

        from .support import supported_groups, supported_partners

        links.lend(supported_partners=supported_partners, supported_groups=supported_groups)

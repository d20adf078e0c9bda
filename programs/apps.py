from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from partners import links

        from .models import Program

        links.lend(programs_visible_to=lambda user: Program.objects.visible_to(user))

from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TjslConfig(AppConfig):
    name = "tjsl"
    verbose_name = _("TJSL program manager")

    def ready(self):
        from pathlib import Path

        from .text import attach_text_validators

        # The project's own apps (those in the repository), not installed packages.
        base = Path(settings.BASE_DIR).resolve()
        own = [
            config
            for config in apps.get_app_configs()
            if Path(config.path).resolve().is_relative_to(base) and "site-packages" not in Path(config.path).parts
        ]
        attach_text_validators(own)

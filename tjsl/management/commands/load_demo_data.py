"""Load the demo data: every app may contribute a `demo.py` with `load(*, stdout)`.

Apps are loaded in INSTALLED_APPS order, which follows their dependencies.
The command is safe on any database: it creates what is missing, uses the demo's own
records as they are, and skips (with a message) what would clash with anyone else's data;
running it again changes nothing.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load demo companies, users and records (refused when DEBUG is off unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development: DEBUG is off. Use --force if you really mean it.")
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                try:
                    module = import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_config.name}.demo":
                        raise
                    continue
                module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

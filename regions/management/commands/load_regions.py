from django.core.management.base import BaseCommand

from regions.services import regions_load


class Command(BaseCommand):
    help = "Load or refresh the Kemendagri provinces, regencies/cities and districts (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("--no-districts", action="store_true", help="Skip the 7,000+ districts.")

    def handle(self, *args, **options):
        result = regions_load(with_districts=not options["no_districts"])
        self.stdout.write(
            self.style.SUCCESS(f"Regions: {result.created} created, {result.updated} updated, {result.total} in total.")
        )

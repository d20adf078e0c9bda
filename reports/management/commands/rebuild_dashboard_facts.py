import datetime
import time

from django.core.management.base import BaseCommand

from reports.aggregates import Cell, facts_rebuild
from reports.models import HandoverItemMonthFact, HandoverMonthFact, ReachMonthFact


class Command(BaseCommand):
    help = "Rebuild the dashboard roll-ups from the handovers and activities (all, or a date range)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=datetime.date.fromisoformat, help="YYYY-MM-DD, exclusive")

    def handle(self, *args, date_from=None, date_to=None, **options):
        started = time.monotonic()
        facts_rebuild(cell=Cell(date_from=date_from, date_to=date_to))
        counts = ", ".join(
            f"{model.__name__}: {model.objects.count()}"
            for model in (HandoverMonthFact, HandoverItemMonthFact, ReachMonthFact)
        )
        self.stdout.write(f"Rebuilt in {time.monotonic() - started:.1f} s ({counts}).")

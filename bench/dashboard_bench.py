"""Dashboard timings at scale: median server time of the page vs the bare SQL it needs.

After bench/datagen.py (same DATABASE_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tjsl_bench DJANGO_DEBUG=1 \\
        .venv/bin/python bench/dashboard_bench.py [--runs 25] [--period 2024]

In-process django.test.Client, warm, cache disabled (DummyCache), charts excluded (they are
separate <img> requests). The bare-SQL floor runs the same roll-up queries the page runs
(captured from the page itself) directly on the connection, in the same run.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tjsl.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402

FACT_TABLES = (
    "reports_handovermonthfact",
    "reports_handoveritemmonthfact",
    "reports_reachmonthfact",
    "reports_reachyearfact",
)


def median_ms(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(runs: int, period: str) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.cache import caches

    caches._settings = caches.settings = settings.CACHES  # the dashboard reads the dummy cache
    client = Client()
    client.force_login(User.objects.get(username="auditor"))
    print(f"{'view':<10} {'page ms':>8} {'facts SQL':>10} {'all SQL':>8} {'ratio':>6} {'queries':>8}")
    for label, region in (("country", ""), ("province", "16"), ("regency", "16.10")):
        params = {"period": period, **({"region": region} if region else {})}
        response = client.get("/reports/dashboard/", params)
        assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as captured:
            client.get("/reports/dashboard/", params)
        all_sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
        facts_sql = [sql for sql in all_sql if any(t in sql for t in FACT_TABLES)]
        page = median_ms(lambda params=params: client.get("/reports/dashboard/", params), runs)

        def bare(statements=facts_sql):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        floor = median_ms(bare, runs)
        every = median_ms(lambda statements=all_sql: bare(statements), runs)
        count = len(captured.captured_queries)
        print(f"{label:<10} {page:8.1f} {floor:10.1f} {every:8.1f} {page / every:6.2f} {count:8d}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--period", default="2024")
    args = parser.parse_args()
    main(args.runs, args.period)

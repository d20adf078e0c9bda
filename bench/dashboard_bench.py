"""Dashboard timings at scale: median server time of the page vs the bare SQL it needs.

After bench/datagen.py (same DATABASE_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tjsl_bench DJANGO_DEBUG=0 \\
        .venv/bin/python bench/dashboard_bench.py [--runs 25] [--period 2024]

Production settings (DEBUG off, hashed static files collected once into var/bench-static),
an in-process django.test.Client, warm, cache disabled (DummyCache), charts excluded (they are
separate <img> requests). The bare-SQL floor runs the statements the page issued (captured from
the page itself, session and permission look-ups included) directly on the connection, in the
same run.

A last row, "layout", is a page behind the same login and permission that renders only the
site's base layout: the fixed cost every page of the app pays before its own work. Two columns
follow from it: "added" relates what the dashboard adds to that page to the SQL it adds, and
"best" is the ratio the page would have if its own work cost nothing beyond its SQL
((layout page + dashboard SQL - layout SQL) / dashboard SQL): no page of the app can go below it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tjsl.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-used-for-anything-else-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE", "0")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(ROOT / "var" / "bench-static"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import permission_required  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from accounts.models import User  # noqa: E402
from reports.views import VIEW_PERMISSION  # noqa: E402

FACT_TABLES = (
    "reports_handovermonthfact",
    "reports_handoveritemmonthfact",
    "reports_reachmonthfact",
    "reports_reachyearfact",
)


@permission_required(VIEW_PERMISSION, raise_exception=True)
def layout(request):
    """The base layout alone (navigation, language switch, messages), behind the same permission."""
    return render(request, "base.html", {})


urlpatterns = [path("bench/layout/", layout), path("", include(settings.ROOT_URLCONF))]


def median_ms(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(client, url: str, params: dict, runs: int) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    # Read the log now: the next request clears it.
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    page = median_ms(lambda: client.get(url, params), runs)

    def bare(statements=statements):
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    facts = [sql for sql in statements if any(t in sql for t in FACT_TABLES)]
    return {
        "page": page,
        "facts_sql": median_ms(lambda: bare(facts), runs) if facts else 0.0,
        "sql": median_ms(bare, runs),
        "queries": len(statements),
    }


def main(runs: int, period: str) -> None:
    if not settings.DEBUG and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # hashed names, as served in production
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.ROOT_URLCONF = __name__
    from django.core.cache import caches

    caches._settings = caches.settings = settings.CACHES  # the dashboard reads the dummy cache
    client = Client()
    client.force_login(User.objects.get(username="auditor"))
    base = measure(client, "/bench/layout/", {}, runs)
    print(f"DEBUG={settings.DEBUG}, {runs} runs, period {period}, cache disabled")
    header = f"{'view':<10} {'page ms':>8} {'facts SQL':>10} {'all SQL':>8} {'ratio':>6} {'queries':>8}"
    print(f"{header} {'added':>6} {'best':>6}")
    for label, region in (("country", ""), ("province", "16"), ("regency", "16.10")):
        params = {"period": period, **({"region": region} if region else {})}
        m = measure(client, "/reports/dashboard/", params, runs)
        added = (m["page"] - base["page"]) / max(m["sql"] - base["sql"], 0.01)
        best = (base["page"] + m["sql"] - base["sql"]) / m["sql"]
        print(
            f"{label:<10} {m['page']:8.1f} {m['facts_sql']:10.1f} {m['sql']:8.1f} "
            f"{m['page'] / m['sql']:6.2f} {m['queries']:8d} {added:6.2f} {best:6.2f}"
        )
    layout_ratio = base["page"] / base["sql"]
    print(f"{'layout':<10} {base['page']:8.1f} {'':>10} {base['sql']:8.1f} {layout_ratio:6.2f} {base['queries']:8d}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--period", default="2024")
    args = parser.parse_args()
    main(args.runs, args.period)

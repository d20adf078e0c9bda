"""Partner registry benchmark: 100,000 partners, list page timings, 10,000-row import.

Run it against a database of its own, never a real one:

    createdb -h 127.0.0.1 -U postgres tjsl_bench_partners
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tjsl_bench_partners DJANGO_DEBUG=0 \
        DJANGO_SECRET_KEY=bench DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE=0 \
        .venv/bin/python bench/partners_bench.py [--partners 100000] [--runs 30]
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The test settings: production settings with plain static-file storage (no manifest needed).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tjsl.test_settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    call_command("bench_partners", *sys.argv[1:])

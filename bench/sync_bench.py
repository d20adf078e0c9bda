"""Keeping another system in sync through the API: a full read of every handover, then an
incremental read after 1,000 changes, by `?updated_since=` and by the change feed
(/api/v1/changes/ from a cursor taken before the full read). Run against a database filled by the generator
(see bench/README.md), never a real one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tjsl_bench \\
        .venv/bin/python bench/sync_bench.py [--changes 1000] [--page-size 200] [--limit N]

The client is an auditor's API token (it sees every company's handovers) and goes through
the whole API stack in process (authentication, scope, throttles off, paging, JSON). It
follows `next` links as an integrator would and prints, for each sync, the requests, the
seconds, the megabytes of JSON, the records read and whether each came exactly once.
`--limit` stops the full sync after that many records (to measure a sample on a slow box).
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tjsl.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from accounts.services import api_token_create  # noqa: E402
from disbursements.models import Disbursement  # noqa: E402


def sync(client: Client, headers: dict, url: str, *, limit: int | None = None) -> dict:
    requests, size, ids = 0, 0, []
    start = time.perf_counter()
    while url:
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
        requests += 1
        size += len(response.content)
        body = response.json()
        ids.extend(row["id"] for row in body["results"])
        url = body["next"]
        if limit is not None and len(ids) >= limit:
            break
    return {
        "requests": requests,
        "seconds": time.perf_counter() - start,
        "mb": size / 1_000_000,
        "records": len(ids),
        "once": len(ids) == len(set(ids)),
        "ids": set(ids),
    }


def follow_feed(client: Client, headers: dict, cursor: str, *, limit: int) -> dict:
    """Follow /api/v1/changes/ from `cursor` until it has nothing more, as an integrator does."""
    requests, size, ids, entries = 0, 0, set(), 0
    start = time.perf_counter()
    while True:
        response = client.get(f"/api/v1/changes/?{urlencode({'after': cursor, 'limit': limit})}", **headers)
        if response.status_code != 200:
            raise SystemExit(f"the change feed answered {response.status_code}: {response.content[:300]!r}")
        requests += 1
        size += len(response.content)
        page = response.json()
        entries += len(page["results"])
        ids.update(entry["id"] for entry in page["results"] if entry["type"] == "handover")
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    return {
        "requests": requests,
        "seconds": time.perf_counter() - start,
        "mb": size / 1_000_000,
        "records": entries,
        "once": True,
        "ids": ids,
    }


def show(label: str, result: dict) -> None:
    print(
        f"{label:<24} {result['requests']:>7} requests {result['seconds']:>8.1f} s {result['mb']:>8.1f} MB "
        f"{result['records']:>9} records  each once: {'yes' if result['once'] else 'NO'}"
    )


def main(changes: int, page_size: int, limit: int | None) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    auditor, _ = User.objects.get_or_create(username="bench.auditor")
    auditor.groups.set([Group.objects.get(name=Role.AUDITOR.value)])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=auditor, name='sync bench')[1]}"}
    client = Client()
    total = Disbursement.objects.count()
    print(f"{total} handovers in the database; pages of {page_size}")

    started = timezone.now()
    cursor = client.get("/api/v1/changes/?after=latest", **headers).json()["next_cursor"]
    full = sync(client, headers, f"/api/v1/handovers/?page_size={page_size}&ordering=id", limit=limit)
    show("full sync" + (" (sample)" if limit else ""), full)
    if limit:
        per_record = full["seconds"] / max(full["records"], 1)
        print(f"{'full sync, projected':<24} {per_record * total:>25.0f} s for {total} records")

    changed = list(Disbursement.objects.order_by("?").values_list("pk", flat=True)[:changes])
    for pk in changed:  # one workflow-like save each, as the services make them
        Disbursement.objects.get(pk=pk).touch()
    query = urlencode({"updated_since": started.isoformat(), "ordering": "updated_at", "page_size": page_size})
    incremental = sync(client, headers, f"/api/v1/handovers/?{query}")
    show(f"incremental ({changes} changed)", incremental)
    missing = set(changed) - incremental["ids"]
    print(f"changed records the incremental sync missed: {len(missing)}")
    feed = follow_feed(client, headers, cursor, limit=500)
    show("change feed (same)", feed)
    print(f"changed records the change feed missed: {len(set(changed) - feed['ids'])}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--page-size", type=int, default=200)
    parser.add_argument("--limit", type=int, default=None)
    arguments = parser.parse_args()
    main(arguments.changes, arguments.page_size, arguments.limit)

"""Handover entry and list pages at scale: server time per request, in process.

Run against a database filled by the generator (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tjsl_bench \\
        .venv/bin/python bench/bench_handovers.py [--runs 30]

It prints, for each step of entry to approval (form render, save, submit, approve)
and for the province list at several page depths, the median and p90 server
time and the query count. Nothing here is part of the test suite.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tjsl.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Company, User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from disbursements.models import Disbursement  # noqa: E402
from partners.models import Partner  # noqa: E402
from programs.models import Program, ProgramBudget  # noqa: E402
from regions.models import Region  # noqa: E402


def user(username: str, role: Role, company: Company) -> User:
    account, _ = User.objects.get_or_create(username=f"bench.{username}", defaults={"company": company})
    account.groups.set([Group.objects.get(name=role.value)])
    return account


def timed(client: Client, method: str, url: str, data=None, expect=(200, 302)) -> tuple[float, int]:
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code not in expect:
        raise SystemExit(f"{method.upper()} {url} answered {response.status_code}")
    return elapsed, len(queries.captured_queries)


def report(name: str, samples: list[tuple[float, int]]) -> None:
    times = sorted(s[0] for s in samples)
    queries = sorted({s[1] for s in samples})
    p90 = times[int(len(times) * 0.9) - 1] if len(times) >= 10 else times[-1]
    print(f"{name:<44} median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms   queries {queries}")


def entry_data(program: Program, partner: Partner, regency: Region) -> dict:
    return {
        "submission_key": str(uuid.uuid4()),
        "program": program.pk,
        "recipient": f"p:{partner.pk}",
        "handed_on": "15/03/2025",
        "place_regency": regency.pk,
        "place": "Balai desa",
        "giver_name": "Kepala Unit TJSL",
        "giver_position": "Kepala Unit",
        "receiver_name": "Pemilik usaha",
        "receiver_position": "Pemilik",
        "receiver_nik": "",
        "receiver_organisation": partner.business_name,
        "basis": "BENCH",
        "notes": "",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
        "items-0-kind": "peralatan",
        "items-0-description": "Peralatan",
        "items-0-quantity": "2",
        "items-0-unit": "unit",
        "items-0-unit_value": "1500000",
        "items-1-kind": "bahan_baku",
        "items-1-description": "Bahan baku",
        "items-1-quantity": "1",
        "items-1-unit": "paket",
        "items-1-unit_value": "750000",
        "witnesses-TOTAL_FORMS": "0",
        "witnesses-INITIAL_FORMS": "0",
        "witnesses-MIN_NUM_FORMS": "0",
        "witnesses-MAX_NUM_FORMS": "10",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--province", default="", help="province code for the list (default: the largest)")
    args = parser.parse_args()

    total = Disbursement.objects.count()
    print(f"database: {connection.vendor}, {total:,} handovers, {Partner.objects.count():,} partners")
    company, _ = Company.objects.get_or_create(code="BENCH", defaults={"name": "PT Bench", "short_name": "Bench"})
    staff, manager = user("staf", Role.STAF, company), user("manajer", Role.MANAJER, company)
    program, _ = Program.objects.get_or_create(
        company=company,
        code="BENCH",
        defaults={
            "name": "Program uji kinerja",
            "pillar": "ekonomi",
            "support_form": "bantuan",
            "start_date": datetime.date(2025, 1, 1),
            "end_date": datetime.date(2025, 12, 31),
            "status": "aktif",
        },
    )
    ProgramBudget.objects.get_or_create(program=program, year=2025, defaults={"amount": 10**15})
    regency = Region.objects.get(code="16.10")
    partner = Partner.objects.filter(region_code__startswith="16.10").first() or Partner.objects.first()

    staff_client, manager_client = Client(), Client()
    staff_client.force_login(staff)
    manager_client.force_login(manager)
    for _ in range(3):  # warm up templates, translations and connections
        staff_client.get("/handovers/new/")

    steps = {
        "form render (GET /handovers/new/)": [],
        "save draft (POST)": [],
        "submit (POST)": [],
        "approve (POST, budget lock + number)": [],
    }
    for _ in range(args.runs):
        steps["form render (GET /handovers/new/)"].append(timed(staff_client, "get", "/handovers/new/"))
        data = entry_data(program, partner, regency)
        steps["save draft (POST)"].append(timed(staff_client, "post", "/handovers/new/", data, expect=(302,)))
        handover = Disbursement.objects.get(created_by=staff, submission_key=data["submission_key"])
        steps["submit (POST)"].append(timed(staff_client, "post", f"/handovers/{handover.pk}/submit/", {}))
        steps["approve (POST, budget lock + number)"].append(
            timed(manager_client, "post", f"/handovers/{handover.pk}/approve/", {})
        )
    for name, samples in steps.items():
        report(name, samples)

    # The list of one province as a regional official sees it, at several page depths.
    code = (
        args.province
        or (Disbursement.objects.values("province_code").annotate(n=Count("id")).order_by("-n")[0]["province_code"])
    )
    province = Region.objects.get(code=code)
    official, _ = User.objects.update_or_create(username="bench.pejabat", defaults={"region": province})
    official.groups.set([Group.objects.get(name=Role.PEJABAT.value)])
    official_client = Client()
    official_client.force_login(official)
    province_ids = Disbursement.objects.filter(province_code=code).order_by("-pk").values_list("pk", flat=True)
    in_province = province_ids.count()
    print(f"province {code} ({province.name}): {in_province:,} handovers")
    for depth in (0, 100, 1000, 5000):
        offset = depth * 50
        if offset and offset >= in_province:
            break
        before = f"?before={province_ids[offset - 1]}" if offset else ""
        url = f"/handovers/{before}"
        timed(official_client, "get", url)
        report(f"province list, page {depth + 1:,}", [timed(official_client, "get", url) for _ in range(args.runs)])


if __name__ == "__main__":
    main()

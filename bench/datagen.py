# ruff: noqa: E501, S608  (a bench script: long SQL literals built from integers it computes itself)
"""Generate a large data set on PostgreSQL: 100,000 partners and 1,000,000 handovers (2021-2025).

Skewed like real support: a Zipf-like weight puts most handovers in a few provinces and
regencies. Everything is written with INSERT ... SELECT generate_series, so it takes
minutes, not hours. Run it against a database of its own, never a real one:

    createdb -h 127.0.0.1 -U postgres tjsl_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tjsl_bench DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo_data
    .venv/bin/python bench/datagen.py [--partners 100000] [--handovers 1000000]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tjsl.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402

from disbursements.models import Allocation, Disbursement, Item  # noqa: E402
from partners.models import BusinessGroup, Partner  # noqa: E402


def insert_select(model, values: dict[str, str], source: str) -> str:
    """INSERT INTO model (every concrete column) SELECT ...: unspecified columns get a blank value."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in values:
            continue
        columns.append(field.column)
        if field.column in values:
            expressions.append(values[field.column])
        elif field.null:
            expressions.append("NULL")
        elif isinstance(field, models.BooleanField):
            expressions.append("FALSE")
        elif isinstance(field, models.UUIDField):
            expressions.append("md5(random()::text || g)::uuid")
        elif isinstance(field, models.DateTimeField):
            expressions.append("now()")
        elif isinstance(field, models.CharField | models.TextField | models.FileField):
            expressions.append("''")
        else:
            expressions.append("0")
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} {source}"


def run(sql: str, label: str) -> None:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        print(f"{label}: {cursor.rowcount} rows in {time.monotonic() - started:.1f} s", flush=True)


def main(partners: int, handovers: int) -> None:
    assert connection.vendor == "postgresql", "the generator needs PostgreSQL"
    with connection.cursor() as cursor:
        # Bulk loading: skip the freeze trigger and foreign-key triggers of this session.
        cursor.execute("SET session_replication_role = replica")
        # Regencies ranked by a Zipf-like weight (1/rank^1.1), as a cumulative table to sample from.
        cursor.execute("DROP TABLE IF EXISTS bench_regency; DROP TABLE IF EXISTS bench_program")
        cursor.execute(
            """CREATE UNLOGGED TABLE bench_regency AS
               SELECT id, code, sum(w) OVER (ORDER BY rnk) / sum(w) OVER () AS cum
               FROM (SELECT id, code, row_number() OVER (ORDER BY md5(code)) AS rnk,
                            1.0 / power(row_number() OVER (ORDER BY md5(code)), 1.1) AS w
                     FROM regions_region WHERE level = 2) r"""
        )
        cursor.execute(
            """CREATE UNLOGGED TABLE bench_program AS
               SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, company_id FROM programs_program
               WHERE status = 'aktif'"""
        )
        cursor.execute("SELECT count(*) FROM bench_program")
        assert cursor.fetchone()[0] > 0, "load the demo data first (active programs are needed)"
        cursor.execute("SELECT id FROM accounts_user ORDER BY id LIMIT 1")
        user_id = cursor.fetchone()[0]
    run(
        insert_select(
            Partner,
            {
                "business_name": "'Usaha Bench ' || g",
                "owner_name": "'Pemilik ' || g",
                "regency_id": "r.id",
                "region_code": "r.code",
                "sector": "(ARRAY['kerajinan','kuliner','fesyen','pertanian','perikanan','perdagangan','jasa','lainnya'])[1 + (g % 8)]",
                "joined_on": "DATE '2020-01-01' + (g % 1500)",
                "status": "'aktif'",
                "joining_class": "1 + (g % 7 = 0)::int",
                "current_class": "1 + (g % 5 = 0)::int + (g % 11 = 0)::int",
                "has_export": "g % 40 = 0",
            },
            f"FROM generate_series(1, {partners}) g CROSS JOIN LATERAL "
            f"(SELECT id, code FROM bench_regency WHERE cum >= random() + g * 0 ORDER BY cum LIMIT 1) r",
        ),
        "partners",
    )
    run(
        insert_select(
            BusinessGroup,
            {"name": "'Kelompok Bench ' || g", "regency_id": "p.regency_id", "region_code": "p.region_code"},
            "FROM generate_series(1, 2000) g JOIN LATERAL (SELECT regency_id, region_code FROM partners_partner "
            "ORDER BY id DESC OFFSET g LIMIT 1) p ON TRUE",
        ),
        "groups",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM partners_partner")
        pmin, pmax = cursor.fetchone()
        cursor.execute("SELECT min(id), max(id) FROM partners_businessgroup")
        gmin, gmax = cursor.fetchone()
    # Handovers follow their recipient's region: a skewed partner pick gives the skew.
    run(
        insert_select(
            Disbursement,
            {
                "company_id": "pr.company_id",
                "program_id": "pr.id",
                "kind": "'handover'",
                "status": "CASE WHEN g % 20 = 0 THEN 'approved' WHEN g % 10 = 0 THEN 'handed_over' "
                "WHEN g % 50 = 1 THEN 'draft' ELSE 'verified' END",
                "partner_id": f"CASE WHEN g % 25 = 0 THEN NULL ELSE {pmin} + (g::bigint * 7919) % ({pmax - pmin + 1}) END",
                "group_id": f"CASE WHEN g % 25 = 0 THEN {gmin} + g % ({gmax - gmin + 1}) ELSE NULL END",
                "region_code": "''",
                "province_code": "''",
                "handed_on": "DATE '2021-01-01' + (g % 1826)",
                "total": "0",
                "created_by_id": str(user_id),
                "verification_token": "md5(random()::text || g)",
                "number": "'B/' || g",
            },
            f"FROM generate_series(1, {handovers}) g JOIN bench_program pr "
            f"ON pr.n = g % (SELECT count(*) FROM bench_program)",
        ),
        "handovers",
    )
    with connection.cursor() as cursor:
        started = time.monotonic()
        cursor.execute(
            "UPDATE disbursements_disbursement d SET region_code = p.region_code, province_code = left(p.region_code, 2), "
            "regency_code = left(p.region_code, 5) "
            "FROM partners_partner p WHERE p.id = d.partner_id AND d.region_code = ''"
        )
        cursor.execute(
            "UPDATE disbursements_disbursement d SET region_code = b.region_code, province_code = left(b.region_code, 2), "
            "regency_code = left(b.region_code, 5) "
            "FROM partners_businessgroup b WHERE b.id = d.group_id AND d.region_code = ''"
        )
        print(f"regions: {time.monotonic() - started:.1f} s", flush=True)
    run(
        insert_select(
            Item,
            {
                "disbursement_id": "d.id",
                "position": "k",
                "kind": "(ARRAY['peralatan','bahan_baku','uang','pelatihan','jasa','lainnya'])[1 + (d.id + k) % 6]",
                "description": "'Barang bench'",
                "quantity": "1",
                "unit": "'paket'",
                "unit_value": "1000000 * (1 + (d.id * 31 + k) % 50)",
                "total": "1000000 * (1 + (d.id * 31 + k) % 50)",
            },
            "FROM disbursements_disbursement d CROSS JOIN LATERAL generate_series(1, 1 + d.id % 3) AS k WHERE d.number LIKE 'B/%%'",
        ),
        "items",
    )
    run(
        insert_select(
            Allocation,
            {
                "disbursement_id": "d.id",
                "partner_id": f"{pmin} + (d.id * 13 + k * 977) % ({pmax - pmin + 1})",
                "amount": "0",
            },
            "FROM disbursements_disbursement d CROSS JOIN LATERAL generate_series(1, 10) AS k "
            "WHERE d.group_id IS NOT NULL AND d.number LIKE 'B/%%'",
        ),
        "allocations",
    )
    with connection.cursor() as cursor:
        started = time.monotonic()
        cursor.execute(
            "UPDATE disbursements_disbursement d SET total = s.t FROM "
            "(SELECT disbursement_id, sum(total) t FROM disbursements_item GROUP BY 1) s WHERE s.disbursement_id = d.id AND d.number LIKE 'B/%%'"
        )
        cursor.execute("DROP TABLE bench_regency; DROP TABLE bench_program")
        cursor.execute("ANALYZE")
        print(f"totals: {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    call_command("rebuild_dashboard_facts")
    print(f"rebuild_dashboard_facts: {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--handovers", type=int, default=1_000_000)
    args = parser.parse_args()
    main(args.partners, args.handovers)

"""backup_database and restore_database: a restored copy holds the same records and totals."""

import io
import shutil
import sqlite3
import uuid

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum

from conftest import requires_postgres
from disbursements.models import Allocation, Disbursement
from partners.models import Partner

requires_pg_tools = pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")),
    reason="needs pg_dump, pg_restore and psql (apt-get install postgresql-client; CI does)",
)

TOTALS_SQL = {
    "handovers": "select count(*), coalesce(sum(total), 0) from disbursements_disbursement",
    "partners": "select count(*), 0 from partners_partner",
    "allocations": "select count(*), coalesce(sum(amount), 0) from disbursements_allocation",
}


def orm_totals() -> dict[str, tuple[int, int]]:
    handovers = Disbursement.objects.aggregate(n=Count("pk"), s=Sum("total"))
    allocations = Allocation.objects.aggregate(n=Count("pk"), s=Sum("amount"))
    return {
        "handovers": (handovers["n"], handovers["s"] or 0),
        "partners": (Partner.objects.count(), 0),
        "allocations": (allocations["n"], allocations["s"] or 0),
    }


def dsn(name: str) -> dict:
    params = connection.settings_dict
    return {
        "dbname": name,
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database next to the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**dsn("postgres"))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    yield name, f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@requires_postgres
@requires_pg_tools
class TestBackupAndRestoreOnPostgres:
    def test_restored_database_has_the_same_totals(self, live_db, tmp_path, empty_database, settings):
        settings.DEBUG = False
        call_command("load_demo_data", force=True, stdout=io.StringIO())
        expected = orm_totals()
        assert expected["handovers"][0] > 0 and expected["allocations"][0] > 0 and expected["partners"][0] > 0

        dump = tmp_path / "tjsl.dump"
        call_command("backup_database", output=str(dump), stdout=io.StringIO())
        assert dump.read_bytes()[:5] == b"PGDMP"

        name, url = empty_database
        call_command("restore_database", str(dump), database_url=url, stdout=io.StringIO())
        with psycopg2.connect(**dsn(name)) as restored, restored.cursor() as cursor:
            found = {}
            for key, sql in TOTALS_SQL.items():
                cursor.execute(sql)
                found[key] = tuple(int(v) for v in cursor.fetchone())
        assert found == expected

    def test_restore_refuses_a_database_that_is_not_empty(self, live_db, tmp_path):
        dump = tmp_path / "tjsl.dump"
        call_command("backup_database", output=str(dump), stdout=io.StringIO())
        params = connection.settings_dict
        url = f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore_database", str(dump), database_url=url)


class TestBackupCommandGuards:
    def test_never_overwrites_an_existing_file(self, tmp_path):
        existing = tmp_path / "old.dump"
        existing.write_bytes(b"keep me")
        with pytest.raises(CommandError, match="exists"):
            call_command("backup_database", output=str(existing))
        assert existing.read_bytes() == b"keep me"

    def test_restore_refuses_a_file_that_is_not_a_backup(self, tmp_path):
        junk = tmp_path / "junk.dump"
        junk.write_bytes(b"<script>alert(1)</script>")
        with pytest.raises(CommandError, match="not a backup"):
            call_command("restore_database", str(junk), database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}")

    def test_sqlite_file_round_trip(self, tmp_path):
        source = tmp_path / "source.sqlite3"
        with sqlite3.connect(source) as db:
            db.execute("create table t (amount integer)")
            db.executemany("insert into t values (?)", [(200_000_000,), (50_000_000,)])
        target = tmp_path / "restored.sqlite3"
        call_command("restore_database", str(source), database_url=f"sqlite:///{target}", stdout=io.StringIO())
        with sqlite3.connect(target) as db:
            assert db.execute("select count(*), sum(amount) from t").fetchone() == (2, 250_000_000)

"""Back up the database: `pg_dump --format=custom` on PostgreSQL, the SQLite backup API on SQLite.

    manage.py backup_database --output /backups/tjsl-2026-01-31.dump

Restore with `manage.py restore_database FILE --database-url URL` (see docs/reliability.md).
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def pg_environment(params: dict) -> dict[str, str]:
    """libpq variables for a Django PostgreSQL connection's settings (the password never on argv)."""
    env = dict(os.environ)
    mapping = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
    for key, variable in mapping.items():
        if params.get(key):
            env[variable] = str(params[key])
    return env


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (Debian/Ubuntu: apt-get install postgresql-client).")
    return path


class Command(BaseCommand):
    help = "Write a backup of the database to a file (pg_dump custom format, or an SQLite copy)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="File to write; an existing file is not overwritten.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, output: str, database: str, **options):
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        connection = connections[database]
        if connection.vendor == "postgresql":
            self.dump_postgresql(connection.settings_dict, target)
        elif connection.vendor == "sqlite":
            self.copy_sqlite(connection.settings_dict, target)
        else:
            raise CommandError(f"Backing up a {connection.vendor} database is not supported.")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target} ({target.stat().st_size} bytes)."))

    def dump_postgresql(self, params: dict, target: Path) -> None:
        partial = target.with_name(target.name + ".partial")
        command = [require_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial)]
        result = subprocess.run(command, env=pg_environment(params), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        partial.rename(target)  # a backup file that exists is always complete

    def copy_sqlite(self, params: dict, target: Path) -> None:
        name = str(params["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise CommandError("An in-memory SQLite database cannot be backed up.")
        source = sqlite3.connect(f"file:{name}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)  # consistent even while the app writes
        finally:
            copy.close()
            source.close()

"""Restore a backup made by `backup_database` into an EMPTY database.

    createdb tjsl_restored
    manage.py restore_database /backups/tjsl.dump --database-url postgres://user@host:5432/tjsl_restored

Refuses a database that already has tables, so a restore never mixes with live data.
"""

import sqlite3
import subprocess
from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from .backup_database import pg_environment, require_tool

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class Command(BaseCommand):
    help = "Restore a backup file into an empty database given by --database-url."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by backup_database.")
        parser.add_argument("--database-url", required=True, help="The empty database to restore into.")

    def handle(self, *args, file: str, database_url: str, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        try:
            params = dj_database_url.parse(database_url)
        except Exception as error:  # dj-database-url raises several kinds
            raise CommandError(f"Cannot read the database URL: {error}") from None
        head = source.open("rb").read(16)
        engine = params["ENGINE"]
        if engine.endswith("postgresql") and head.startswith(POSTGRES_MAGIC):
            self.restore_postgresql(source, params)
        elif engine.endswith("sqlite3") and head == SQLITE_MAGIC:
            self.restore_sqlite(source, Path(params["NAME"]))
        else:
            raise CommandError("The file is not a backup for this kind of database.")
        self.stdout.write(self.style.SUCCESS(f"Restored {source} into {params.get('NAME')}."))

    def restore_postgresql(self, source: Path, params: dict) -> None:
        env = pg_environment(params)
        check = subprocess.run(
            [
                require_tool("psql"),
                "-Atc",
                "select count(*) from information_schema.tables where table_schema = 'public'",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            raise CommandError(f"Cannot reach the target database: {check.stderr.strip()}")
        if check.stdout.strip() != "0":
            raise CommandError("The target database is not empty; restore into a new, empty database.")
        command = [
            require_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            params["NAME"],
            str(source),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")

    def restore_sqlite(self, source: Path, target: Path) -> None:
        if target.exists() and target.stat().st_size > 0:
            raise CommandError(f"{target} exists; restore into a new file.")
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            with copy:
                backup.backup(copy)
        finally:
            copy.close()
            backup.close()

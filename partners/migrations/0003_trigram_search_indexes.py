"""Trigram indexes for the list search on PostgreSQL (pg_trgm); nothing on other databases.

The expressions match what Django generates for `icontains` (UPPER(col::text) LIKE ...)
and for `endswith`/`startswith` (col::text LIKE ...), so the planner can use them.
"""

from django.db import migrations

INDEXES = {
    "partner_name_trgm": "UPPER((business_name)::text) gin_trgm_ops",
    "partner_owner_trgm": "UPPER((owner_name)::text) gin_trgm_ops",
    "partner_nik_trgm": "((owner_nik)::text) gin_trgm_ops",
    "partner_nib_trgm": "((nib)::text) gin_trgm_ops",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON partners_partner USING gin ({expression})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_seed_size_class_thresholds")]

    operations = [migrations.RunPython(forwards, backwards)]

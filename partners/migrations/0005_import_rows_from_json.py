"""Move the rows of existing imports from PartnerImport.rows (one JSON list) into their table."""

from django.db import migrations

BATCH = 1000


def _storable(value):
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def rows_to_table(apps, schema_editor):
    PartnerImport = apps.get_model("partners", "PartnerImport")
    PartnerImportRow = apps.get_model("partners", "PartnerImportRow")
    for job in PartnerImport.objects.only("pk", "rows").iterator(chunk_size=20):
        rows = [
            PartnerImportRow(
                partner_import_id=job.pk,
                line=row.get("line") or index,
                data=_storable(row.get("data") or {}),
                errors=_storable(row.get("errors") or []),
                has_errors=bool(row.get("errors")),
                clean=row.get("clean"),
            )
            for index, row in enumerate(job.rows or [], start=2)
        ]
        PartnerImportRow.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def rows_to_json(apps, schema_editor):
    PartnerImport = apps.get_model("partners", "PartnerImport")
    PartnerImportRow = apps.get_model("partners", "PartnerImportRow")
    for job in PartnerImport.objects.only("pk").iterator(chunk_size=20):
        rows = PartnerImportRow.objects.filter(partner_import_id=job.pk).order_by("line")
        job.rows = [{"line": r.line, "data": r.data, "errors": r.errors, "clean": r.clean} for r in rows]
        job.save(update_fields=["rows"])


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_import_rows_table")]

    operations = [migrations.RunPython(rows_to_table, rows_to_json, elidable=True)]

"""Segregation of duties in the database: the approver changed nothing in the draft.

Existing handovers get their contributors from what is known: the person who
created the draft and whoever saved its items (their history rows). Then, on
PostgreSQL, a trigger refuses to set `approved_by` to one of the handover's
contributors, and contributor rows freeze with their handover like items do.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION disbursements_approver_not_contributor() RETURNS trigger AS $$
BEGIN
    IF NEW.approved_by_id IS NOT NULL
       AND NEW.approved_by_id IS DISTINCT FROM OLD.approved_by_id
       AND EXISTS (
           SELECT 1 FROM disbursements_contributor
           WHERE disbursement_id = NEW.id AND user_id = NEW.approved_by_id
       ) THEN
        RAISE EXCEPTION 'handover %: the approver changed its draft and cannot approve it', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disbursements_approver_not_contributor
    BEFORE UPDATE ON disbursements_disbursement
    FOR EACH ROW EXECUTE FUNCTION disbursements_approver_not_contributor();

CREATE TRIGGER disbursements_freeze_contributor
    BEFORE INSERT OR UPDATE OR DELETE ON disbursements_contributor
    FOR EACH ROW EXECUTE FUNCTION disbursements_freeze_child();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS disbursements_freeze_contributor ON disbursements_contributor;
DROP TRIGGER IF EXISTS disbursements_approver_not_contributor ON disbursements_disbursement;
DROP FUNCTION IF EXISTS disbursements_approver_not_contributor();
"""


def contributors_backfill(apps, schema_editor):
    Disbursement = apps.get_model("disbursements", "Disbursement")
    Contributor = apps.get_model("disbursements", "Contributor")
    HistoricalItem = apps.get_model("disbursements", "HistoricalItem")
    pairs = set(Disbursement.objects.values_list("pk", "created_by_id"))
    pairs |= set(
        HistoricalItem.objects.filter(history_user__isnull=False)
        .values_list("disbursement_id", "history_user_id")
        .distinct()
    )
    existing = set(Disbursement.objects.values_list("pk", flat=True))
    Contributor.objects.bulk_create(
        [Contributor(disbursement_id=d, user_id=u) for d, u in sorted(pairs) if d in existing],
        ignore_conflicts=True,
        batch_size=1000,
    )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("disbursements", "0004_handover_contributors")]

    operations = [
        migrations.RunPython(contributors_backfill, migrations.RunPython.noop),
        migrations.RunPython(forward, backward),
    ]

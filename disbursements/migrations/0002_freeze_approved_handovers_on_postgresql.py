"""On PostgreSQL, the database itself refuses changes to approved handovers.

The model layer already refuses them; these triggers also stop raw SQL, other
clients and bulk paths. Only the workflow columns may still change, and only
forwards (approved -> handed over -> verified).
"""

from django.db import migrations

LOCKED = "('approved', 'handed_over', 'verified')"
WORKFLOW = "ARRAY['status', 'handed_over_at', 'handed_over_by_id', 'verified_at', 'verified_by_id', 'bast_scan']"

FORWARD = f"""
CREATE OR REPLACE FUNCTION disbursements_freeze_handover() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN {LOCKED} THEN
            RAISE EXCEPTION 'handover % is approved and cannot be deleted', OLD.id USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN {LOCKED} THEN
        IF NEW.status NOT IN {LOCKED}
           OR (to_jsonb(NEW) - {WORKFLOW}) IS DISTINCT FROM (to_jsonb(OLD) - {WORKFLOW}) THEN
            RAISE EXCEPTION 'handover % is approved and cannot be changed', OLD.id USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disbursements_freeze_handover
    BEFORE UPDATE OR DELETE ON disbursements_disbursement
    FOR EACH ROW EXECUTE FUNCTION disbursements_freeze_handover();

CREATE OR REPLACE FUNCTION disbursements_freeze_child() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    SELECT status INTO parent_status FROM disbursements_disbursement
        WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.disbursement_id ELSE NEW.disbursement_id END);
    IF parent_status IN {LOCKED} THEN
        RAISE EXCEPTION '% of an approved handover cannot be changed', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.disbursement_id <> OLD.disbursement_id THEN
        SELECT status INTO parent_status FROM disbursements_disbursement WHERE id = OLD.disbursement_id;
        IF parent_status IN {LOCKED} THEN
            RAISE EXCEPTION '% of an approved handover cannot be moved', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER disbursements_freeze_{table}
    BEFORE INSERT OR UPDATE OR DELETE ON disbursements_{table}
    FOR EACH ROW EXECUTE FUNCTION disbursements_freeze_child();
"""
    for table in ("item", "allocation", "witness")
)

BACKWARD = """
DROP TRIGGER IF EXISTS disbursements_freeze_handover ON disbursements_disbursement;
DROP TRIGGER IF EXISTS disbursements_freeze_item ON disbursements_item;
DROP TRIGGER IF EXISTS disbursements_freeze_allocation ON disbursements_allocation;
DROP TRIGGER IF EXISTS disbursements_freeze_witness ON disbursements_witness;
DROP FUNCTION IF EXISTS disbursements_freeze_handover();
DROP FUNCTION IF EXISTS disbursements_freeze_child();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("disbursements", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]

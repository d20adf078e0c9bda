"""On PostgreSQL, a handover's status changes (who submitted, approved, handed over,
verified, returned or cancelled it, when and why) are written once and never changed
or deleted, whatever client writes: they are the record that segregation of duties
and the audit rely on."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION disbursements_transition_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'status change % of handover % cannot be changed or deleted', OLD.id, OLD.disbursement_id
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disbursements_transition_append_only
    BEFORE UPDATE OR DELETE ON disbursements_transition
    FOR EACH ROW EXECUTE FUNCTION disbursements_transition_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS disbursements_transition_append_only ON disbursements_transition;
DROP FUNCTION IF EXISTS disbursements_transition_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("disbursements", "0005_approver_is_no_contributor_on_postgresql")]

    operations = [migrations.RunPython(forward, backward)]

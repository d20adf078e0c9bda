"""On PostgreSQL, a frozen handover's `updated_at` moves with its workflow steps.

Migration 0002 lets only the workflow columns of an approved handover change; the
time of the last change (0008) moves with each step, so it joins them. Everything
else stays as 0002 and 0003 froze it.
"""

from django.db import migrations

LOCKED = "('approved', 'handed_over', 'verified')"


def function(workflow: str) -> str:
    return f"""
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
           OR (to_jsonb(NEW) - {workflow}) IS DISTINCT FROM (to_jsonb(OLD) - {workflow}) THEN
            RAISE EXCEPTION 'handover % is approved and cannot be changed', OLD.id USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


BEFORE = "ARRAY['status', 'handed_over_at', 'handed_over_by_id', 'verified_at', 'verified_by_id', 'bast_scan']"
AFTER = (
    "ARRAY['status', 'handed_over_at', 'handed_over_by_id', 'verified_at', 'verified_by_id', 'bast_scan', 'updated_at']"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(function(AFTER), params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(function(BEFORE), params=None)


class Migration(migrations.Migration):
    dependencies = [("disbursements", "0008_updated_at")]

    operations = [migrations.RunPython(forward, backward)]

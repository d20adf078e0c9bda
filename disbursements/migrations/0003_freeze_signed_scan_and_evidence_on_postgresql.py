"""On PostgreSQL, the signed BAST scan and the evidence of a handover are frozen too.

Migration 0002 lets the workflow columns of an approved handover change. These
triggers narrow that to what the workflow does, whatever client writes:

- the status moves forwards only, one step at a time (approved -> handed over
  -> verified);
- the signed scan and who handed over, and when, are written by the step to
  "handed over" and never again; who verified, and when, by the step to
  "verified" and never again;
- evidence rows (the photos) are added only while the handover is being handed
  over, in the same transaction as that step (checked at commit), and are never
  changed, moved or deleted once the handover is approved.
"""

from django.db import migrations

LOCKED = "('approved', 'handed_over', 'verified')"

FORWARD = f"""
CREATE OR REPLACE FUNCTION disbursements_freeze_handed_over() RETURNS trigger AS $$
BEGIN
    IF OLD.status NOT IN {LOCKED} THEN
        RETURN NEW;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status
       AND NOT ((OLD.status = 'approved' AND NEW.status = 'handed_over')
                OR (OLD.status = 'handed_over' AND NEW.status = 'verified')) THEN
        RAISE EXCEPTION 'handover % can only move forwards, not from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF ROW(NEW.bast_scan, NEW.handed_over_at, NEW.handed_over_by_id)
           IS DISTINCT FROM ROW(OLD.bast_scan, OLD.handed_over_at, OLD.handed_over_by_id)
       AND NOT (OLD.status = 'approved' AND NEW.status = 'handed_over') THEN
        RAISE EXCEPTION 'the signed BAST scan of handover % cannot be replaced', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF ROW(NEW.verified_at, NEW.verified_by_id) IS DISTINCT FROM ROW(OLD.verified_at, OLD.verified_by_id)
       AND NOT (OLD.status = 'handed_over' AND NEW.status = 'verified') THEN
        RAISE EXCEPTION 'the verification of handover % cannot be changed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disbursements_freeze_handed_over
    BEFORE UPDATE ON disbursements_disbursement
    FOR EACH ROW EXECUTE FUNCTION disbursements_freeze_handed_over();

CREATE OR REPLACE FUNCTION disbursements_freeze_evidence() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO parent_status FROM disbursements_disbursement WHERE id = OLD.disbursement_id;
        IF parent_status IN {LOCKED} THEN
            RAISE EXCEPTION 'evidence of approved handover % cannot be changed or deleted', OLD.disbursement_id
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO parent_status FROM disbursements_disbursement WHERE id = NEW.disbursement_id;
        IF parent_status IS DISTINCT FROM 'approved' THEN
            RAISE EXCEPTION 'evidence is added to handover % only when it is handed over', NEW.disbursement_id
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disbursements_freeze_evidence
    BEFORE INSERT OR UPDATE OR DELETE ON disbursements_evidence
    FOR EACH ROW EXECUTE FUNCTION disbursements_freeze_evidence();

-- A photo added to an approved handover must come with the step to "handed over".
CREATE OR REPLACE FUNCTION disbursements_evidence_with_hand_over() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    SELECT status INTO parent_status FROM disbursements_disbursement WHERE id = NEW.disbursement_id;
    IF parent_status IS NULL OR parent_status NOT IN ('handed_over', 'verified') THEN
        RAISE EXCEPTION 'evidence of handover % was added without handing it over', NEW.disbursement_id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER disbursements_evidence_with_hand_over
    AFTER INSERT ON disbursements_evidence
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION disbursements_evidence_with_hand_over();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS disbursements_evidence_with_hand_over ON disbursements_evidence;
DROP TRIGGER IF EXISTS disbursements_freeze_evidence ON disbursements_evidence;
DROP TRIGGER IF EXISTS disbursements_freeze_handed_over ON disbursements_disbursement;
DROP FUNCTION IF EXISTS disbursements_evidence_with_hand_over();
DROP FUNCTION IF EXISTS disbursements_freeze_evidence();
DROP FUNCTION IF EXISTS disbursements_freeze_handed_over();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("disbursements", "0002_freeze_approved_handovers_on_postgresql")]

    operations = [migrations.RunPython(forward, backward)]

"""The change feed (/api/v1/changes/): a trigger on each table writes every create, update and delete."""

from django.db import migrations

from tjsl.changes import Feed, record_changes

PROGRAM_COMPANY = "(SELECT company_id FROM programs_program WHERE id = {row}.program_id)"
PARTNER_REGION = "(SELECT region_code FROM partners_partner WHERE id = {row}.partner_id)"

FEEDS = (
    Feed("programs_program", "program", company="{row}.company_id"),
    Feed("programs_activity", "activity", company=PROGRAM_COMPANY, region="{row}.region_code"),
    Feed("programs_enrollmentrequest", "enrollment_request", company=PROGRAM_COMPANY, region=PARTNER_REGION),
    # Where a program is present (and so which officials see it) follows its enrolments,
    # activities and target regions: each of their changes is an update of the program.
    Feed(
        "programs_enrollment",
        "program",
        company=PROGRAM_COMPANY,
        region=PARTNER_REGION,
        object="{row}.program_id",
        derived=True,
    ),
    # An enrolment also decides which company holds a partner's data (and sees it unmasked).
    Feed(
        "programs_enrollment",
        "partner",
        company=PROGRAM_COMPANY,
        region=PARTNER_REGION,
        object="{row}.partner_id",
        derived=True,
    ),
    Feed(
        "programs_activity",
        "program",
        company=PROGRAM_COMPANY,
        region="{row}.region_code",
        object="{row}.program_id",
        derived=True,
    ),
    Feed(
        "programs_program_target_regions",
        "program",
        company=PROGRAM_COMPANY,
        object="{row}.program_id",
        derived=True,
    ),
)


class Migration(migrations.Migration):
    dependencies = [("programs", "0006_updated_at"), ("partners", "0010_change_feed"), ("tjsl", "0002_change_feed")]

    operations = [record_changes(*FEEDS)]

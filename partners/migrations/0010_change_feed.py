"""The change feed (/api/v1/changes/): a trigger on each table writes every create, update and delete."""

from django.db import migrations

from tjsl.changes import Feed, record_changes

FEEDS = (
    Feed("partners_partner", "partner", region="{row}.region_code"),
    Feed("partners_businessgroup", "group", region="{row}.region_code"),
    Feed(
        "partners_assessment",
        "assessment",
        region="(SELECT region_code FROM partners_partner WHERE id = {row}.partner_id)",
    ),
)


class Migration(migrations.Migration):
    dependencies = [("partners", "0009_updated_at"), ("tjsl", "0002_change_feed")]

    operations = [record_changes(*FEEDS)]

"""The change feed (/api/v1/changes/): a trigger on each table writes every create, update and delete."""

from django.db import migrations

from tjsl.changes import Feed, record_changes

FEEDS = (Feed("disbursements_disbursement", "handover", company="{row}.company_id", region="{row}.region_code"),)


class Migration(migrations.Migration):
    dependencies = [("disbursements", "0009_freeze_lets_updated_at_move"), ("tjsl", "0002_change_feed")]

    operations = [record_changes(*FEEDS)]

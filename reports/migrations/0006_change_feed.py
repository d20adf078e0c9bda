"""The change feed (/api/v1/changes/): a trigger on each table writes every create, update and delete."""

from django.db import migrations

from tjsl.changes import Feed, record_changes

FEEDS = (Feed("reports_impactreport", "report", company="{row}.company_id", region="{row}.region_code"),)


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_updated_at"), ("tjsl", "0002_change_feed")]

    operations = [record_changes(*FEEDS)]

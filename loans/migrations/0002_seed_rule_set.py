"""The default PUMK rules; a platform administrator adds later versions in the admin."""

from django.db import migrations

from loans.rules import default_rule_set_ensure


def seed(apps, schema_editor):
    default_rule_set_ensure(apps.get_model("loans", "LoanRuleSet"))


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

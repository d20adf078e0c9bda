"""PP 7/2021 (Pasal 35) thresholds; an administrator may change them later in the admin."""

from django.db import migrations

THRESHOLDS = [
    (1, 1_000_000_000, 2_000_000_000),  # Mikro
    (2, 5_000_000_000, 15_000_000_000),  # Kecil
    (3, 10_000_000_000, 50_000_000_000),  # Menengah
]


def seed(apps, schema_editor):
    threshold = apps.get_model("partners", "SizeClassThreshold")
    for size_class, max_capital, max_sales in THRESHOLDS:
        threshold.objects.get_or_create(
            size_class=size_class, defaults={"max_capital": max_capital, "max_sales": max_sales}
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import migrations


def seed(apps, schema_editor):
    from programs.sdgs import sdgs_ensure

    sdgs_ensure(sdg_model=apps.get_model("programs", "Sdg"))


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

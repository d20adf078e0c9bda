from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_import_rows_from_json")]

    operations = [migrations.RemoveField(model_name="partnerimport", name="rows")]

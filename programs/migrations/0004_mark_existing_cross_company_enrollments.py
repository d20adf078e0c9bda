"""Existing enrolments of a partner whose data another company already held become
cross-company ones: from now on they give no right over the partner's record.

A partner's data belongs to the company that registered it and, for a partner that no
company registered, to the first company that enrolled it; the others' enrolments are
marked, oldest first.
"""

from django.db import migrations


def mark(apps, schema_editor):
    Enrollment = apps.get_model("programs", "Enrollment")
    holders: dict[int, set[int]] = {}
    marked = []
    rows = Enrollment.objects.order_by("added_at", "pk").values_list(
        "pk", "partner_id", "program__company_id", "partner__registered_by_company_id"
    )
    for pk, partner_id, company_id, registered_by in rows:
        companies = holders.setdefault(partner_id, {registered_by} if registered_by else set())
        if not companies or company_id in companies:
            companies.add(company_id)
        else:
            marked.append(pk)
    Enrollment.objects.filter(pk__in=marked).update(cross_company=True)


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_enrollment_approval_and_history")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]

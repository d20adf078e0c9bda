import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import requires_redis, wait_until
from partners import services
from partners.imports import COLUMN_NAMES
from partners.models import Partner, PartnerImport

from .conftest import nik

pytestmark = pytest.mark.django_db


def row(**overrides) -> list:
    data = {
        "business_name": "Perak Import",
        "owner_name": "Budi",
        "owner_nik": nik(),
        "nib": "",
        "npwp": "",
        "phone": "0812-1111-2222",
        "address": "Desa A",
        "regency_code": "16.10",
        "district_code": "",
        "sector": "kerajinan",
        "kbli": "",
        "products": "",
        "joined_on": "09/11/2023",
        "status": "aktif",
        "notes": "",
    }
    data.update(overrides)
    return [data[c] for c in COLUMN_NAMES]


def xlsx(rows: list[list], name="mitra.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMN_NAMES)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows: list[list]) -> SimpleUploadedFile:
    lines = [",".join(COLUMN_NAMES)] + [",".join(str(v) for v in r) for r in rows]
    return SimpleUploadedFile("mitra.csv", "\n".join(lines).encode())


class TestImportPages:
    def test_template_download_has_the_columns(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.get(reverse("partners:import-template"))
        header = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert list(header) == COLUMN_NAMES

    def test_regional_official_cannot_import(self, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        assert client.get(reverse("partners:import-create")).status_code == 403

    def test_one_bad_row_blocks_all_and_rejected_rows_download_with_reasons(self, client, staf_hk):
        client.force_login(staf_hk)
        upload = xlsx([row(), row(owner_nik="1610013208850003", business_name="Salah"), row()])
        response = client.post(reverse("partners:import-create"), {"file": upload}, follow=True)
        job = PartnerImport.objects.get()
        assert job.status == PartnerImport.Status.INVALID
        assert job.error_rows == 1
        assert "import-errors" in response.content.decode()
        assert client.post(reverse("partners:import-commit", args=[job.pk])).status_code == 302
        assert not Partner.objects.exists()
        rejected = client.get(reverse("partners:import-rejected", args=[job.pk]))
        rows = list(load_workbook(io.BytesIO(rejected.content)).active.iter_rows(values_only=True))
        assert len(rows) == 2
        assert rows[1][0] == 3 and rows[1][1] == "Salah" and "owner_nik" in rows[1][-1]

    def test_valid_file_commits_every_row_with_history(self, client, staf_hk):
        client.force_login(staf_hk)
        client.post(reverse("partners:import-create"), {"file": csv_file([row(), row(business_name="Kedua")])})
        job = PartnerImport.objects.get()
        assert job.status == PartnerImport.Status.VALID
        client.post(reverse("partners:import-commit", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == PartnerImport.Status.COMMITTED
        assert Partner.objects.count() == 2
        partner = Partner.objects.get(business_name="Kedua")
        assert partner.registered_by_company == staf_hk.company and partner.region_code == "16.10"
        assert partner.phone == "+6281211112222"
        record = partner.history.get()
        assert record.history_user == staf_hk and record.history_type == "+"

    def test_duplicates_inside_the_file_and_in_registry_are_rejected(self, staf_hk, make_partner):
        make_partner(staf_hk, owner_nik="1610011508850777")
        job = services.partner_import_start(
            actor=staf_hk,
            uploaded_file=xlsx(
                [
                    row(owner_nik="1610011508850777"),
                    row(nib="9120001234567"),
                    row(nib="9120001234567"),
                    row(sector="tambang", joined_on="31/02/2023"),
                ]
            ),
        )
        errors = [r.errors for r in job.row_set.order_by("line")]
        assert len(errors[0]) == 1 and not errors[1] and len(errors[2]) == 1 and len(errors[3]) == 2

    def test_another_users_import_is_not_found(self, client, staf_hk, staf_pln):
        job = services.partner_import_start(actor=staf_hk, uploaded_file=xlsx([row()]))
        client.force_login(staf_pln)
        assert client.get(reverse("partners:import-detail", args=[job.pk])).status_code == 404

    def test_unreadable_file_gets_a_field_error(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.post(reverse("partners:import-create"), {"file": SimpleUploadedFile("x.xlsx", b"nope")})
        assert "file" in response.context["form"].errors
        assert not PartnerImport.objects.exists()


@requires_redis
def test_big_file_is_checked_and_imported_by_a_worker(live_db, staf_hk_live):
    from celery.contrib.testing.worker import start_worker

    from tjsl.celery import app as celery_app

    rows = [row(business_name=f"Usaha {i}") for i in range(services.IMPORT_BACKGROUND_ROWS + 5)]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        job = services.partner_import_start(actor=staf_hk_live, uploaded_file=xlsx(rows))
        assert wait_until(lambda: PartnerImport.objects.get(pk=job.pk).status == PartnerImport.Status.VALID)
        services.partner_import_request_commit(job=PartnerImport.objects.get(pk=job.pk), actor=staf_hk_live)
        assert wait_until(lambda: PartnerImport.objects.get(pk=job.pk).status == PartnerImport.Status.COMMITTED)
    assert Partner.objects.count() == len(rows)

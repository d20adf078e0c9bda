"""Imports are bounded: streamed in the worker, capped in rows, columns and size, paged in SQL,
and a cell or a byte the reader cannot take is an error on its row, never a stuck import."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from partners import imports, services
from partners.imports import COLUMN_NAMES
from partners.models import PartnerImport
from tjsl.models import OutboxMessage

from .test_api import bearer
from .test_imports import csv_file, row, xlsx

pytestmark = pytest.mark.django_db

VALIDATE_TASK = "partners.tasks.partner_import_validate_task"


def bulky_csv(rows: int) -> SimpleUploadedFile:
    """A .csv over the in-request size (long notes), so that only a worker may read it."""
    long = {column: f"{column} " * (1900 // (len(column) + 1)) for column in ("address", "products", "notes")}
    return csv_file([row(business_name=f"Usaha {i}", owner_nik="", **long) for i in range(rows)])


class TestUploadsAreReadInTheWorker:
    def test_a_big_file_is_stored_and_queued_without_being_read_in_the_request(self, staf_hk, monkeypatch):
        upload = bulky_csv(250)
        assert upload.size > services.IMPORT_INLINE_BYTES
        read = []
        monkeypatch.setattr(services, "read_rows", lambda *a, **k: read.append(a) or iter(()))
        job = services.partner_import_start(actor=staf_hk, uploaded_file=upload)
        assert read == [] and job.status == PartnerImport.Status.PENDING
        message = OutboxMessage.objects.get()
        assert (message.task, message.args, message.sent_at) == (VALIDATE_TASK, [job.pk], None)

    def test_the_worker_checks_the_stored_file_row_by_row(self, staf_hk):
        job = services.partner_import_start(actor=staf_hk, uploaded_file=bulky_csv(250))
        services.partner_import_validate(import_id=job.pk)  # what the task runs
        job.refresh_from_db()
        assert (job.status, job.total_rows, job.processed_rows, job.error_rows) == ("valid", 250, 250, 0)
        assert list(job.row_set.values_list("line", flat=True)[:3]) == [2, 3, 4]

    def test_rows_are_never_all_in_memory(self, staf_hk, monkeypatch):
        """The checker sees one chunk at a time, so memory does not grow with the file."""
        monkeypatch.setattr(services, "IMPORT_CHUNK", 40)
        seen = []
        load = imports.RowChecker.load
        monkeypatch.setattr(imports.RowChecker, "load", lambda self, rows: seen.append(len(rows)) or load(self, rows))
        job = services.partner_import_start(actor=staf_hk, uploaded_file=bulky_csv(250))
        services.partner_import_validate(import_id=job.pk)
        assert max(seen) == 40 and sum(seen) == 250


class TestRowCap:
    def test_the_upload_page_states_the_cap(self, client, staf_hk, settings):
        settings.TJSL_IMPORT_MAX_ROWS = 20000
        client.force_login(staf_hk)
        page = client.get(reverse("partners:import-create")).content.decode()
        assert re.search(r'id="import-limit">[^<]*20\.000', page)

    def test_a_small_file_over_the_cap_is_refused_in_the_form(self, client, staf_hk, settings):
        settings.TJSL_IMPORT_MAX_ROWS = 5
        client.force_login(staf_hk)
        response = client.post(reverse("partners:import-create"), {"file": csv_file([row() for _ in range(6)])})
        assert response.status_code == 200
        assert "5" in response.context["form"].errors["file"][0] and not PartnerImport.objects.exists()

    def test_a_file_at_the_cap_is_accepted(self, staf_hk, settings):
        settings.TJSL_IMPORT_MAX_ROWS = 5
        job = services.partner_import_start(actor=staf_hk, uploaded_file=csv_file([row() for _ in range(5)]))
        assert job.status == PartnerImport.Status.VALID

    def test_the_worker_stops_at_the_cap_and_says_so(self, staf_hk, settings):
        settings.TJSL_IMPORT_MAX_ROWS = 100
        job = services.partner_import_start(actor=staf_hk, uploaded_file=bulky_csv(250))
        services.partner_import_validate(import_id=job.pk)
        job.refresh_from_db()
        assert job.status == PartnerImport.Status.FAILED and not job.in_progress
        assert "100" in job.message and not job.row_set.exists()

    def test_a_sheet_declaring_more_rows_than_the_cap_is_refused_before_reading(self, staf_hk, settings):
        settings.TJSL_IMPORT_MAX_ROWS = 3
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(COLUMN_NAMES)
        sheet.append(row())
        sheet["A5000"] = "far below"  # the dimension says 5,000 rows
        buffer = io.BytesIO()
        workbook.save(buffer)
        with pytest.raises(imports.ImportFileError, match="3"):
            services.partner_import_start(actor=staf_hk, uploaded_file=SimpleUploadedFile("m.xlsx", buffer.getvalue()))

    def test_an_xlsx_that_unpacks_too_big_is_refused_whatever_its_size(self, staf_hk, monkeypatch):
        monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 10_000)
        with pytest.raises(imports.ImportFileError):
            services.partner_import_start(actor=staf_hk, uploaded_file=xlsx([row() for _ in range(50)]))
        assert not PartnerImport.objects.exists()

    def test_too_many_columns_or_a_too_long_line_is_a_file_error(self, staf_hk):
        wide = SimpleUploadedFile("m.csv", (",".join(COLUMN_NAMES + [f"x{i}" for i in range(60)]) + "\n").encode())
        with pytest.raises(imports.ImportFileError, match="50"):
            services.partner_import_start(actor=staf_hk, uploaded_file=wide)
        long_line = ",".join(COLUMN_NAMES) + "\n" + "a" * (imports.MAX_LINE_CHARS + 1) + "\n"
        with pytest.raises(imports.ImportFileError, match="2"):
            services.partner_import_start(actor=staf_hk, uploaded_file=SimpleUploadedFile("m.csv", long_line.encode()))


def xlsx_with_text_in_a_number_cell() -> SimpleUploadedFile:
    """Row 3's NIK is a number cell whose cached value is text, as some tools write them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMN_NAMES)
    sheet.append(row(business_name="Baik"))
    bad = row(business_name="Rusak")
    bad[COLUMN_NAMES.index("owner_nik")] = 1610011508850001
    sheet.append(bad)
    sheet.append(row(business_name="Baik juga"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    source, patched = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v>1610011508850001</v>", b"<v>satu enam</v>")
                assert b"satu enam" in data
            target.writestr(item, data)
    return SimpleUploadedFile("mitra.xlsx", patched.getvalue())


class TestCellsTheReaderCannotTake:
    def test_text_cached_in_a_number_cell_is_an_error_on_its_row(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.post(reverse("partners:import-create"), {"file": xlsx_with_text_in_a_number_cell()})
        assert response.status_code == 302
        job = PartnerImport.objects.get()
        assert (job.status, job.total_rows, job.error_rows) == ("invalid", 3, 1)
        faulty = job.row_set.get(has_errors=True)
        assert faulty.line == 3 and "owner_nik" in faulty.errors[0] and "satu enam" in faulty.errors[0]
        page = client.get(reverse("partners:import-detail", args=[job.pk])).content.decode()
        assert "satu enam" in page

    @pytest.mark.parametrize("inline", [True, False], ids=["in the request", "in the worker"])
    def test_a_nul_byte_in_a_csv_is_an_error_on_its_row_not_a_stuck_import(self, client, staf_hk, monkeypatch, inline):
        if not inline:
            monkeypatch.setattr(services, "IMPORT_INLINE_BYTES", 10)
        client.force_login(staf_hk)
        upload = csv_file([row(), row(business_name="Usaha\x00Nul"), row(business_name="Ketiga")])
        assert client.post(reverse("partners:import-create"), {"file": upload}).status_code == 302
        job = PartnerImport.objects.get()
        if not inline:
            services.partner_import_validate(import_id=job.pk)
            job.refresh_from_db()
        assert (job.status, job.error_rows) == ("invalid", 1)
        faulty = job.row_set.get(has_errors=True)
        assert faulty.line == 3 and faulty.errors[0].startswith("business_name")
        assert "\x00" not in faulty.data["business_name"]
        rejected = client.get(reverse("partners:import-rejected", args=[job.pk]))
        assert rejected.status_code == 200


class TestRowsArePagedInSql:
    def test_the_page_reads_one_page_of_rows(self, client, staf_hk):
        rows = [row(regency_code="99.99", business_name=f"Salah {i}") for i in range(250)]
        job = services.partner_import_start(actor=staf_hk, uploaded_file=csv_file(rows))
        assert job.error_rows == 250
        client.force_login(staf_hk)
        with CaptureQueriesContext(connection) as queries:
            first = client.get(reverse("partners:import-detail", args=[job.pk]))
        row_queries = [q["sql"] for q in queries if "partners_partnerimportrow" in q["sql"] and "COUNT" not in q["sql"]]
        assert len(row_queries) == 1 and "LIMIT 200" in row_queries[0]
        assert first.content.decode().count("table-danger") == 200
        second = client.get(reverse("partners:import-detail", args=[job.pk]), {"page": 2}).content.decode()
        assert second.count("table-danger") == 50 and "Salah 249" in second

    def test_the_api_reads_one_page_of_rows(self, client, staf_hk):
        rows = [row(regency_code="99.99") for _ in range(250)]
        job = services.partner_import_start(actor=staf_hk, uploaded_file=csv_file(rows))
        auth = bearer(staf_hk)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/v1/partner-imports/{job.pk}/", **auth).json()
        row_queries = [q["sql"] for q in queries if "partners_partnerimportrow" in q["sql"]]
        assert len(row_queries) == 1 and "LIMIT 201" in row_queries[0]
        assert len(body["rows"]) == 200 and body["rows_next_from"] == 200
        far = client.get(f"/api/v1/partner-imports/{job.pk}/", {"rows_from": "9" * 30}, **auth)
        assert far.status_code == 200 and far.json()["rows"] == [] and far.json()["rows_next_from"] is None

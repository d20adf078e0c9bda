"""Partner import upload: time in the request, time and peak memory of the worker that reads it.

Run it against a database of its own, never a real one:

    createdb -h 127.0.0.1 -U postgres tjsl_bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tjsl_bench_import DJANGO_SECRET_KEY=bench \\
        DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE=0 .venv/bin/python bench/import_bench.py [--rows 300000 20000]

For each size it writes an .xlsx repeating one valid row (as the tester's 231 KB file of
300,000 rows did, so it compresses to a few hundred KB), then:

- request: POST /partners/import/ with an in-process test client, logged in as TJSL staff;
- worker: what the Celery task runs (services.partner_import_validate) on the same stored file,
  in a child process whose peak RSS is read from getrusage (so it is the worker's own figure).

The same script runs on older versions of the code (it only uses the page, the model and the
service), which is how the before/after figures in docs/reliability.md were taken.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tjsl.test_settings")

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from accounts.models import Company  # noqa: E402
from accounts.roles import Role  # noqa: E402
from partners.imports import COLUMN_NAMES  # noqa: E402
from partners.models import PartnerImport  # noqa: E402

ROW = {
    "business_name": "Kerajinan Perak Contoh",
    "owner_name": "Nama Pemilik",
    "phone": "0812-3456-7890",
    "address": "Desa Contoh",
    "regency_code": "16.10",
    "sector": "kerajinan",
    "joined_on": "09/11/2023",
    "status": "aktif",
}


SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _row_xml(values: list[str]) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' if v else "<c/>" for v in values)
    return f"<row>{cells}</row>".encode()


def workbook_file(rows: int) -> Path:
    """An .xlsx of `rows` identical rows, written as a tester would: no cell references and no
    declared size, so it deflates about 1,000:1 (300,000 rows in a few hundred KB)."""
    path = ROOT / "var" / "bench" / f"import-{rows}.xlsx"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    template = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(COLUMN_NAMES)
    workbook.save(template)
    row = _row_xml([ROW.get(column, "") for column in COLUMN_NAMES])
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            if item.filename != SHEET:
                out.writestr(item, source.read(item))
                continue
            with out.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
                sheet.write(_row_xml(COLUMN_NAMES))
                for start in range(0, rows, 1000):
                    sheet.write(row * min(1000, rows - start))
                sheet.write(b"</sheetData></worksheet>")
    return path


def staff_user():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    company, _ = Company.objects.get_or_create(code="BENCH", defaults={"name": "PT Bench", "short_name": "Bench"})
    user, created = get_user_model().objects.get_or_create(username="bench.import", defaults={"company": company})
    if created:
        user.groups.add(Group.objects.get(name=Role.STAF.value))
    return user


def request_timing(path: Path, user) -> dict:
    client = Client()
    client.force_login(user)
    client.get("/partners/import/")  # warm: the first request of a process imports every view
    before = set(PartnerImport.objects.values_list("pk", flat=True))
    with path.open("rb") as handle:
        started = time.perf_counter()
        response = client.post("/partners/import/", {"file": handle})
        seconds = time.perf_counter() - started
    job = PartnerImport.objects.exclude(pk__in=before).first()
    result = {"seconds": round(seconds, 2), "status_code": response.status_code, "import": job.status if job else None}
    if response.status_code == 200:
        result["refused"] = " ".join(str(e) for e in response.context["form"].errors.get("file", []))
    return result


def stored_import(path: Path, user) -> PartnerImport:
    """An import as the request leaves it for the worker: the file stored, nothing read."""
    job = PartnerImport(original_name=path.name, created_by=user, company_id=user.company_id)
    with path.open("rb") as handle:
        job.file.save(path.name, File(handle), save=False)
    job.save()
    return job


def worker_timing(job: PartnerImport) -> dict:
    child = subprocess.run(
        [sys.executable, __file__, "--worker", str(job.pk)], capture_output=True, text=True, check=True
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def worker_main(import_id: int) -> None:
    from partners import services

    if not import_id:  # the baseline: a worker process that has loaded the code, nothing more
        print(json.dumps({"peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
        return
    started = time.perf_counter()
    services.partner_import_validate(import_id=import_id)
    seconds = time.perf_counter() - started
    job = PartnerImport.objects.get(pk=import_id)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    result = {"seconds": round(seconds, 2), "peak_mb": round(peak_mb), "status": job.status}
    result |= {"rows_checked": job.processed_rows, "message": job.message}
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[300_000, 20_000])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker_main(args.worker)
        return
    setup_test_environment()  # the test client then keeps each response's context (form errors)
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    user = staff_user()
    idle = subprocess.run([sys.executable, __file__, "--worker", "0"], capture_output=True, text=True, check=True)
    baseline = json.loads(idle.stdout.strip().splitlines()[-1])
    print(f"an idle worker process: {baseline['peak_mb']} MB")
    for rows in args.rows:
        path = workbook_file(rows)
        print(f"{rows:,} rows, {path.stat().st_size / 1024:.0f} KB .xlsx")
        print(f"  request: {request_timing(path, user)}")
        print(f"  worker:  {worker_timing(stored_import(path, user))}")


if __name__ == "__main__":
    main()

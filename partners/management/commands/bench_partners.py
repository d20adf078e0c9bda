"""Benchmark of the partner registry: list page at scale and an import of 10,000 rows.

Run on a separate PostgreSQL database (see bench/partners_bench.py); it writes data.
"""

import datetime
import io
import random
import statistics
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from accounts.models import Company, User
from accounts.roles import Role
from partners import services
from partners.imports import COLUMN_NAMES
from partners.models import Partner, PartnerImport, Sector
from regions.models import Region

WORDS = [
    "Perak",
    "Tembaga",
    "Songket",
    "Kopi",
    "Batik",
    "Tenun",
    "Pempek",
    "Kerupuk",
    "Madu",
    "Gerabah",
    "Ukir",
    "Anyaman",
    "Sambal",
    "Keripik",
    "Rotan",
    "Bambu",
    "Sagu",
    "Pala",
    "Ikan",
    "Rumput",
]
SUFFIX = ["Jaya", "Makmur", "Sejahtera", "Abadi", "Lestari", "Indah", "Berkah", "Mandiri", "Sentosa", "Asri"]
NAMES = ["Ahmad", "Budi", "Siti", "Dewi", "Rahmat", "Yusuf", "Nur", "Made", "Ketut", "Maria", "Yosef", "Hasan"]


def _nik(rng: random.Random, serial: int) -> str:
    return (
        f"{rng.randint(11, 94):02d}{rng.randint(1, 79):02d}{rng.randint(1, 30):02d}"
        f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(50, 99):02d}{serial % 9999 + 1:04d}"
    )


class Command(BaseCommand):
    help = "Generate partners and print the median server time of the list page and of a 10,000-row import."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--import-rows", type=int, default=10_000)

    def handle(self, *args, **options):
        self.rng = random.Random(7)  # noqa: S311 - benchmark data
        user = self._user()
        self._generate(options["partners"])
        client = Client()
        client.force_login(user)
        self._list_timings(client, options["runs"])
        self._import_timing(user, options["import_rows"])

    def _user(self) -> User:
        company, _ = Company.objects.get_or_create(code="BENCH", defaults={"name": "PT Bench", "short_name": "Bench"})
        user, created = User.objects.get_or_create(username="bench.staf", defaults={"company": company})
        if created:
            from django.contrib.auth.models import Group

            user.groups.add(Group.objects.get(name=Role.STAF.value))
        return user

    def _generate(self, target: int) -> None:
        existing = Partner.objects.count()
        if existing >= target:
            self.stdout.write(f"{existing} partners already present")
            return
        regencies = list(Region.objects.regencies().values_list("id", "code"))
        sectors = [s for s, _ in Sector.choices]
        started = time.perf_counter()
        batch = []
        for i in range(existing, target):
            regency_id, code = self.rng.choice(regencies)
            joining = self.rng.choice([1, 1, 1, 2])
            batch.append(
                Partner(
                    business_name=f"{self.rng.choice(WORDS)} {self.rng.choice(SUFFIX)} {i}",
                    owner_name=f"{self.rng.choice(NAMES)} {self.rng.choice(NAMES)}",
                    owner_nik=f"1610{i:012d}",
                    nib=f"{i:013d}",
                    regency_id=regency_id,
                    region_code=code,
                    sector=self.rng.choice(sectors),
                    joined_on=datetime.date(2020 + i % 5, 1 + i % 12, 1 + i % 28),
                    joining_class=joining,
                    current_class=joining + self.rng.choice([0, 0, 0, 1]),
                    has_export=self.rng.random() < 0.03,
                )
            )
            if len(batch) == 5000:
                Partner.objects.bulk_create(batch)
                batch = []
        Partner.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE partners_partner")
        self.stdout.write(f"generated {target - existing} partners in {time.perf_counter() - started:.1f} s")

    def _median(self, client, params, runs) -> tuple[float, int]:
        client.get("/partners/", params)  # warm-up
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/partners/", params)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return statistics.median(times), len(queries.captured_queries)

    def _list_timings(self, client, runs) -> None:
        ogan_ilir = Region.objects.get(code="16.10")
        province = Region.objects.get(code="16")
        cases = [
            ("list, no filter", {}),
            ("search 'songket'", {"q": "songket"}),
            ("search 'perak jaya 12'", {"q": "perak jaya 12"}),
            ("search last NIK digits '0777'", {"q": "0777"}),
            ("filter regency + sector", {"regency": ogan_ilir.pk, "sector": "kerajinan"}),
            ("filter province + class + naik kelas", {"province": province.pk, "size_class": 2, "naik_kelas": 1}),
            ("filter export, sorted by class", {"export": 1, "sort": "-class"}),
        ]
        total = Partner.objects.count()
        self.stdout.write(f"List page at {total} partners ({connection.vendor}), median of {runs} runs:")
        for label, params in cases:
            median, queries = self._median(client, params, runs)
            self.stdout.write(f"  {label:<40} {median:7.1f} ms  ({queries} queries)")

    def _import_timing(self, user, rows: int) -> None:
        if rows <= 0:
            return
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("partners")
        sheet.append(COLUMN_NAMES)
        district = PartnerImport.objects.count() % 98 + 1  # a fresh NIK range on each run
        for i in range(rows):
            sheet.append(
                [
                    f"Usaha Impor {i}",
                    "Pemilik Impor",
                    f"1610{district:02d}1508{i // 9000 + 50:02d}{i % 9000 + 1:04d}",
                    "",
                    "",
                    "0812-3456-7890",
                    "Desa Contoh",
                    "16.10",
                    "",
                    "kerajinan",
                    "",
                    "",
                    "09/11/2023",
                    "aktif",
                    "",
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        upload = SimpleUploadedFile("bench.xlsx", buffer.getvalue())
        # Measured in-process: the same services the worker runs for a big file.
        saved = services.IMPORT_BACKGROUND_ROWS, services.IMPORT_INLINE_BYTES
        services.IMPORT_BACKGROUND_ROWS = services.IMPORT_INLINE_BYTES = 10**9
        try:
            started = time.perf_counter()
            job = services.partner_import_start(actor=user, uploaded_file=upload)
            checked = time.perf_counter()
            job = services.partner_import_request_commit(job=job, actor=user)
            done = time.perf_counter()
        finally:
            services.IMPORT_BACKGROUND_ROWS, services.IMPORT_INLINE_BYTES = saved
        if job.status != PartnerImport.Status.COMMITTED:
            bad = list(job.row_set.filter(has_errors=True).values_list("errors", flat=True)[:3]) or job.message
            self.stdout.write(f"import not committed: {job.status} {bad}")
            return
        self.stdout.write(
            f"Import of {rows} rows from .xlsx: {done - started:.1f} s end to end "
            f"(read + check {checked - started:.1f} s, commit with history {done - checked:.1f} s)"
        )

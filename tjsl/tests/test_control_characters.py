"""Control characters: refused wherever text comes in, harmless wherever stored text goes out.

One U+000B in a partner's name used to make the partner export answer 500 and the
impact report fail (openpyxl's IllegalCharacterError) for everyone. Input is
refused by one validator on every model text field (forms, API, import), and rows
that got such characters some other way (SQL, older versions) still export.
"""

import csv
import io
import subprocess
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import reverse
from openpyxl import load_workbook

from accounts.services import api_token_create
from conftest import problem_fields
from partners import services as partner_services
from partners.imports import COLUMN_NAMES
from partners.models import Partner, PartnerImport
from partners.tests import conftest as partner_fixtures
from partners.tests.conftest import nik, partner_data
from programs.models import Program
from reports.charts import bar_chart_svg, count_label
from reports.tests import conftest as report_fixtures
from reports.tests import test_impact
from tjsl.text import ControlCharacterValidator

pytestmark = pytest.mark.django_db

# The reports' fixtures: HK's and PLN's programs with handovers in the fourth quarter of 2023.
world, program, pln_program = report_fixtures.world, report_fixtures.program, report_fixtures.pln_program
group, ogan_ilir, manajer_pln = report_fixtures.group, report_fixtures.ogan_ilir, report_fixtures.manajer_pln
media = test_impact.media
make_partner = partner_fixtures.make_partner

# One of each class: NUL, other C0, DEL, C1 (first, NEL, last).
CONTROLS = {
    "nul": "\x00",
    "soh": "\x01",
    "vertical tab": "\x0b",
    "form feed": "\x0c",
    "unit separator": "\x1f",
    "del": "\x7f",
    "c1 first": "\x80",
    "nel": "\x85",
    "c1 last": "\x9f",
}
# What PostgreSQL text can hold (it refuses NUL), as stored by hand.
STORABLE = {name: char for name, char in CONTROLS.items() if char != "\x00"}
LINE_BREAKS = {"line feed": "\n", "carriage return": "\r", "tab": "\t"}
MESSAGE_ID = "karakter kontrol"  # in the Indonesian message, shown by default


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}"}


def form_data(**overrides) -> dict:
    data = partner_data(owner_nik=nik(), **overrides)
    data.update(regency=data["regency"].pk, district="", joined_on="09/11/2023", phone="0812-3456-7890")
    return data


def api_body(**overrides) -> dict:
    body = {
        "business_name": "Kerajinan Perak Sungging",
        "owner_name": "Ahmad Fauzi",
        "owner_nik": nik(),
        "phone": "0812-3456-7890",
        "address": "Desa Sungging",
        "regency": "16.10",
        "sector": "kerajinan",
        "joined_on": "2023-11-09",
    }
    body.update(overrides)
    return body


def test_every_text_field_of_the_projects_models_refuses_control_characters():
    project_apps = {"accounts", "regions", "partners", "programs", "disbursements", "reports"}
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in project_apps
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and ControlCharacterValidator(multiline=isinstance(field, models.TextField)) not in field.validators
    ]
    assert missing == []


class TestForm:
    @pytest.mark.parametrize("char", CONTROLS.values(), ids=CONTROLS.keys())
    @pytest.mark.parametrize("staff", ["staf_hk", "staf_pln"])
    def test_partner_form_refuses_a_control_character_in_a_name(self, request, client, staff, char):
        client.force_login(request.getfixturevalue(staff))
        response = client.post(reverse("partners:partner-create"), form_data(business_name=f"Kontrol{char}Usaha"))
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "business_name" in errors
        assert Partner.objects.count() == 0

    @pytest.mark.parametrize("char", ["\x0b", "\x85"], ids=["vertical tab", "nel"])
    def test_the_message_names_the_character_in_indonesian(self, client, staf_hk, char):
        client.force_login(staf_hk)
        response = client.post(reverse("partners:partner-create"), form_data(owner_name=f"Ahmad{char}Fauzi"))
        message = response.context["form"].errors["owner_name"][0]
        assert MESSAGE_ID in message and f"U+{ord(char):04X}" in message

    @pytest.mark.parametrize("char", CONTROLS.values(), ids=CONTROLS.keys())
    def test_multi_line_fields_refuse_them_too(self, client, staf_hk, char):
        client.force_login(staf_hk)
        response = client.post(reverse("partners:partner-create"), form_data(address=f"Desa{char}Sungging"))
        assert "address" in response.context["form"].errors
        assert Partner.objects.count() == 0

    def test_multi_line_fields_keep_line_breaks_and_tabs(self, client, staf_hk):
        client.force_login(staf_hk)
        address = "Desa Sungging\r\nKecamatan Tanjung Batu\tOgan Ilir"
        response = client.post(reverse("partners:partner-create"), form_data(address=address))
        assert response.status_code == 302
        assert Partner.objects.get().address == address

    def test_a_plain_form_feeding_a_service_refuses_them_on_its_field(self, client, manajer_hk, program):
        client.force_login(manajer_hk)
        url = reverse("programs:budget-set", args=[program.pk])
        response = client.post(url, {"year": 2023, "amount": 900_000_000, "reason": "RKA\x0b2023"})
        assert response.status_code == 200
        assert MESSAGE_ID in response.context["form"].errors["reason"][0]
        assert program.budgets.get(year=2023).amount == 750_000_000


class TestApi:
    @pytest.mark.parametrize("char", CONTROLS.values(), ids=CONTROLS.keys())
    @pytest.mark.parametrize("field", ["business_name", "owner_name", "address", "products"])
    def test_partner_api_refuses_control_characters_with_a_field_error(self, client, staf_hk, field, char):
        body = api_body(**{field: f"Kontrol{char}Usaha"})
        response = client.post("/api/v1/partners/", body, content_type="application/json", **bearer(staf_hk))
        assert response.status_code == 400, response.content
        assert field in problem_fields(response)
        assert Partner.objects.count() == 0

    @pytest.mark.parametrize("char", LINE_BREAKS.values(), ids=LINE_BREAKS.keys())
    def test_single_line_fields_refuse_line_breaks_inside(self, client, staf_hk, char):
        body = api_body(business_name=f"Kontrol{char}Usaha")
        response = client.post("/api/v1/partners/", body, content_type="application/json", **bearer(staf_hk))
        assert response.status_code == 400 and "business_name" in problem_fields(response)

    def test_a_patch_is_refused_too(self, client, staf_hk, make_partner):
        partner = make_partner(staf_hk)
        response = client.patch(
            f"/api/v1/partners/{partner.pk}/",
            {"owner_name": "Ahmad\x1bFauzi"},
            content_type="application/json",
            **bearer(staf_hk),
        )
        assert response.status_code == 400 and "owner_name" in problem_fields(response)
        partner.refresh_from_db()
        assert partner.owner_name == "Ahmad Fauzi"


def import_csv(**overrides) -> SimpleUploadedFile:
    values = {
        "business_name": "Perak Import",
        "owner_name": "Budi",
        "owner_nik": nik(),
        "regency_code": "16.10",
        "sector": "kerajinan",
        "joined_on": "09/11/2023",
        **overrides,
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMN_NAMES)
    writer.writerow([values.get(c, "") for c in COLUMN_NAMES])
    return SimpleUploadedFile("mitra.csv", buffer.getvalue().encode())


class TestImport:
    @pytest.mark.parametrize("char", STORABLE.values(), ids=STORABLE.keys())
    @pytest.mark.parametrize("column", ["business_name", "owner_name", "address", "notes"])
    def test_a_row_with_a_control_character_is_rejected_and_nothing_is_imported(self, staf_hk, column, char):
        job = partner_services.partner_import_start(
            actor=staf_hk, uploaded_file=import_csv(**{column: f"Kontrol{char}Usaha"})
        )
        job.refresh_from_db()
        assert job.status == PartnerImport.Status.INVALID
        assert job.error_rows == 1
        assert Partner.objects.count() == 0

    def test_the_same_file_without_it_is_valid(self, staf_hk):
        job = partner_services.partner_import_start(actor=staf_hk, uploaded_file=import_csv())
        job.refresh_from_db()
        assert job.status == PartnerImport.Status.VALID


def store_by_sql(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608 - test names


def hostile(name: str) -> str:
    """The name with one of every storable control character inside."""
    return name + "".join(STORABLE.values()) + "Akhir"


class TestStoredText:
    @pytest.mark.parametrize("fmt", ["xlsx", "csv"])
    @pytest.mark.parametrize("viewer", ["staf_hk", "staf_pln", "manajer_hk", "pejabat_sumsel", "auditor", "admin_user"])
    def test_partner_export_writes_any_stored_text(self, request, client, staf_hk, make_partner, viewer, fmt):
        partner = make_partner(staf_hk)
        for column in ("business_name", "owner_name", "address", "products", "notes"):
            store_by_sql("partners_partner", column, partner.pk, hostile("Kontrol"))
        client.force_login(request.getfixturevalue(viewer))
        response = client.get(reverse("partners:partner-export", args=[fmt]))
        assert response.status_code == 200
        if fmt == "xlsx":
            rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
            name = rows[1][1]
        else:
            name = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1][1]
        assert name.startswith("Kontrol\ufffd") and name.endswith("Akhir")
        assert not any(char in name for char in STORABLE.values())

    def test_rejected_rows_workbook_writes_any_uploaded_text(self, client, staf_hk):
        job = partner_services.partner_import_start(
            actor=staf_hk, uploaded_file=import_csv(business_name=hostile("Kontrol"), owner_nik="123")
        )
        client.force_login(staf_hk)
        response = client.get(reverse("partners:import-rejected", args=[job.pk]))
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[1][1].startswith("Kontrol\ufffd")

    def test_impact_report_pdf_and_xlsx_are_produced_from_any_stored_text(self, world, media, manajer_hk, hk):
        hk_program = Program.objects.get(code="HK-PK")
        store_by_sql("programs_program", "name", hk_program.pk, hostile("Program"))
        songket = Partner.objects.get(business_name="Songket Indralaya")
        store_by_sql("partners_partner", "business_name", songket.pk, hostile("Songket"))
        report = test_impact.request_and_produce(manajer_hk, company=hk, start=test_impact.Q4)
        assert report.status == report.Status.DONE, report.error
        with report.xlsx.open("rb") as handle:
            workbook = load_workbook(io.BytesIO(handle.read()))
        cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
        assert any(isinstance(c, str) and c.startswith("Program\ufffd") for c in cells)
        with report.pdf.open("rb") as handle:
            text = subprocess.run(
                ["pdftotext", "-layout", "-", "-"], input=handle.read(), capture_output=True, check=True
            ).stdout.decode()
        assert "Akhir" in text

    def test_handover_bast_pdf_is_produced_from_any_stored_text(self, world, client, staf_hk):
        handover = world["ogan_ilir_partner"]
        store_by_sql("partners_partner", "business_name", handover.partner_id, hostile("Songket"))
        store_by_sql("partners_partner", "address", handover.partner_id, hostile("Desa"))
        client.force_login(staf_hk)
        response = client.get(reverse("disbursements:handover-bast", args=[handover.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    def test_chart_labels_are_never_read_as_mathtext(self):
        labels = ["Kopi $\\undefinedcmd$", "Toko $5 dan $6"]  # matplotlib used to raise on the first
        svg = bar_chart_svg(title="Judul", labels=labels, values=[3, 2], fmt=count_label)
        assert "Toko $5 dan $6" in svg and "\\undefinedcmd" in svg

    def test_chart_svg_is_well_formed_xml_whatever_the_labels(self):
        svg = bar_chart_svg(title=hostile("Judul"), labels=[hostile("Label")], values=[3], fmt=count_label)
        root = ElementTree.fromstring(svg)  # noqa: S314 - our own SVG; raises on a character XML cannot hold
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"


def test_pages_still_open_with_stored_control_characters(world, client, staf_hk):
    handover = world["ogan_ilir_partner"]
    store_by_sql("partners_partner", "business_name", handover.partner_id, hostile("Songket"))
    client.force_login(staf_hk)
    assert client.get(reverse("disbursements:handover-detail", args=[handover.pk])).status_code == 200
    assert client.get(reverse("partners:partner-detail", args=[handover.partner_id])).status_code == 200

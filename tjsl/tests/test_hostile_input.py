"""Hostile input on every form: no 5xx, nothing stored on invalid input, stored text always escaped.

Hypothesis throws oversized, malformed, wrong-type and script-carrying values at each form; the
API gets the same from Schemathesis (tjsl/tests/test_api_schemathesis.py).
"""

import csv
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.models import ApiToken
from conftest import make_program
from disbursements.models import Disbursement, Status
from disbursements.tests.conftest import draft_for
from partners import services as partner_services
from partners.models import Assessment, BusinessGroup, Partner, PartnerImport
from partners.tests.conftest import nik, partner_data
from programs.models import Program, ProgramBudget
from regions.models import Region

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "A" * 5000,
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "0x10",
    "31/02/2023",
    "2023-13-45",
    "' OR 1=1 --",
    "../../../etc/passwd",
    '=HYPERLINK("http://evil.example")',
    "\x00",
    "\u202e\u0000\ufeff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
    "",
    " ",
]
junk = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
# A field may also arrive twice (a list) where one value is expected: the wrong type for a form.
value = st.one_of(junk, st.lists(junk, min_size=2, max_size=3))
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def payload(fields: list[str], **fixed) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(dict.fromkeys(fields, value)).map(lambda data: {**data, **fixed})


@pytest.fixture
def program(hk):
    return make_program(hk)


@pytest.fixture
def partner(staf_hk):
    return partner_services.partner_create(actor=staf_hk, **partner_data())


def assert_no_server_error_and_nothing_stored(response, model, before: int) -> None:
    assert response.status_code < 500
    if response.status_code not in (301, 302, 303):
        assert model.objects.count() == before


class TestFormsSurviveHostileInput:
    """A bad value gets a form error (or a refusal), never a crash and never a half-saved row."""

    @FUZZ
    @given(data=payload(["business_name", "owner_name", "owner_nik", "phone", "regency", "sector", "joined_on"]))
    def test_partner_create(self, client, staf_hk, data):
        client.force_login(staf_hk)
        data["owner_nik"] = data["owner_nik"] if isinstance(data["owner_nik"], list) else data["owner_nik"][:15]
        before = Partner.objects.count()
        response = client.post(reverse("partners:partner-create"), data)
        assert_no_server_error_and_nothing_stored(response, Partner, before)

    @FUZZ
    @given(data=payload(["name", "regency", "notes"]))
    def test_group_create(self, client, staf_hk, data):
        client.force_login(staf_hk)
        before = BusinessGroup.objects.count()
        response = client.post(reverse("partners:businessgroup-create"), data)
        assert_no_server_error_and_nothing_stored(response, BusinessGroup, before)

    @FUZZ
    @given(data=payload(["assessed_on", "capital", "annual_sales", "workers", "note"]))
    def test_assessment(self, client, staf_hk, partner, data):
        client.force_login(staf_hk)
        before = Assessment.objects.count()
        response = client.post(reverse("partners:assessment-create", args=[partner.pk]), data)
        assert_no_server_error_and_nothing_stored(response, Assessment, before)

    @FUZZ
    @given(data=payload(["code", "name", "pillar", "sdgs", "support_form", "start_date", "end_date", "unit"]))
    def test_program_create(self, client, manajer_hk, data):
        client.force_login(manajer_hk)
        data["start_date"] = "not a date"  # always invalid, whatever else Hypothesis chose
        before = Program.objects.count()
        response = client.post(reverse("programs:program-create"), data)
        assert_no_server_error_and_nothing_stored(response, Program, before)

    @FUZZ
    @given(data=payload(["year", "amount", "reason"]))
    def test_program_budget(self, client, manajer_hk, program, data):
        client.force_login(manajer_hk)
        data["amount"] = data["amount"] if data["amount"] not in ("",) else "-5"
        budgets = list(ProgramBudget.objects.values_list("year", "amount"))
        response = client.post(reverse("programs:budget-set", args=[program.pk]), data)
        assert response.status_code < 500
        if response.status_code != 302:
            assert list(ProgramBudget.objects.values_list("year", "amount")) == budgets

    @FUZZ
    @given(
        data=payload(
            ["program", "recipient", "handed_on", "place_regency", "place", "receiver_nik", "items-0-unit_value"],
            **{
                "items-TOTAL_FORMS": "1",
                "items-INITIAL_FORMS": "0",
                "items-0-kind": "peralatan",
                "items-0-description": SCRIPT,
                "items-0-quantity": "1",
                "items-0-unit": "paket",
                "witnesses-TOTAL_FORMS": "0",
                "witnesses-INITIAL_FORMS": "0",
                "submission_key": "not-a-uuid",
            },
        )
    )
    def test_handover_create(self, client, staf_hk, program, data):
        client.force_login(staf_hk)
        before = Disbursement.objects.count()
        response = client.post(reverse("disbursements:handover-create"), data)
        assert_no_server_error_and_nothing_stored(response, Disbursement, before)

    @FUZZ
    @given(data=payload(["items-TOTAL_FORMS", "items-INITIAL_FORMS", "witnesses-TOTAL_FORMS"]))
    def test_handover_create_with_a_broken_formset(self, client, staf_hk, program, data):
        client.force_login(staf_hk)
        before = Disbursement.objects.count()
        response = client.post(reverse("disbursements:handover-create"), {**data, "program": program.pk})
        assert_no_server_error_and_nothing_stored(response, Disbursement, before)

    @FUZZ
    @given(data=payload(["username", "password", "next"]))
    def test_login(self, client, data):
        response = client.post(reverse("login"), data)
        assert response.status_code < 500
        assert "_auth_user_id" not in client.session

    def test_login_with_an_oversized_username_is_a_form_error(self, client):
        # It used to reach authenticate() and the login throttle's 255-character column: a 500 on PostgreSQL.
        response = client.post(reverse("login"), {"username": "A" * 5000, "password": "x"})
        assert response.status_code == 200
        assert response.context["form"].errors["username"]

    @FUZZ
    @given(data=payload(["name", "expires_on"]))
    def test_token_create(self, client, staf_hk, data):
        client.force_login(staf_hk)
        data["expires_on"] = "01/01/2001"  # in the past: always refused
        before = ApiToken.objects.count()
        response = client.post(reverse("accounts:token-create"), data)
        assert response.status_code < 500
        assert ApiToken.objects.count() == before

    @FUZZ
    @given(content=st.one_of(st.binary(max_size=2000), st.sampled_from([SCRIPT.encode(), b"PK\x03\x04junk"])))
    def test_import_upload_with_junk(self, client, staf_hk, content):
        client.force_login(staf_hk)
        upload = io.BytesIO(content)
        upload.name = "mitra.xlsx"
        before = Partner.objects.count()
        response = client.post(reverse("partners:import-create"), {"file": upload})
        assert response.status_code < 500
        assert Partner.objects.count() == before
        assert not PartnerImport.objects.filter(status="committed").exists()


class TestUploadsThatLieAboutTheirType:
    def test_import_refuses_a_script_named_xlsx(self, client, staf_hk):
        client.force_login(staf_hk)
        upload = io.BytesIO(b"<html><script>alert(1)</script></html>")
        upload.name = "mitra.xlsx"
        response = client.post(reverse("partners:import-create"), {"file": upload})
        assert response.status_code == 200  # the form again, with the error on the file
        assert response.context["form"].errors["file"]
        assert not PartnerImport.objects.exists()

    def test_import_refuses_an_executable_name(self, client, staf_hk):
        client.force_login(staf_hk)
        upload = io.BytesIO(b"MZ\x90\x00")
        upload.name = "mitra.exe"
        response = client.post(reverse("partners:import-create"), {"file": upload})
        assert response.context["form"].errors["file"]
        assert not PartnerImport.objects.exists()

    def test_hand_over_refuses_html_named_pdf_and_png(self, client, staf_hk, manajer_hk, program, partner, tmp_path):
        from disbursements.services import disbursement_approve, disbursement_submit

        handover = disbursement_submit(disbursement=draft_for(staf_hk, program, recipient=partner), actor=staf_hk)
        disbursement_approve(disbursement=handover, actor=manajer_hk)
        client.force_login(staf_hk)
        fake_pdf, fake_png = io.BytesIO(b"<html>not a pdf</html>"), io.BytesIO(b"<svg onload=alert(1)>")
        fake_pdf.name, fake_png.name = "bast.pdf", "foto.png"
        client.post(
            reverse("disbursements:handover-hand-over", args=[handover.pk]), {"bast_scan": fake_pdf, "photos": fake_png}
        )
        handover.refresh_from_db()
        assert handover.status == Status.APPROVED
        assert not handover.bast_scan
        assert not handover.evidence.exists()


@pytest.fixture
def script_partner(staf_hk):
    return partner_services.partner_create(
        actor=staf_hk,
        **partner_data(business_name=SCRIPT, owner_name='"><img src=x onerror=alert(1)>', owner_nik=nik()),
    )


class TestStoredTextIsEscaped:
    """A business called <script>... is shown as text everywhere it appears."""

    def pages(self, partner, handover) -> list[str]:
        return [
            reverse("partners:partner-list"),
            reverse("partners:partner-list") + "?q=script",
            reverse("partners:partner-detail", args=[partner.pk]),
            reverse("partners:partner-update", args=[partner.pk]),
            reverse("disbursements:handover-list"),
            reverse("disbursements:handover-detail", args=[handover.pk]),
            reverse("disbursements:handover-update", args=[handover.pk]),
            reverse("disbursements:recipient-search") + "?q=script",
        ]

    def test_pages_escape_a_script_business_name(self, client, staf_hk, program, script_partner):
        handover = draft_for(staf_hk, program, recipient=script_partner)
        client.force_login(staf_hk)
        for url in self.pages(script_partner, handover):
            response = client.get(url)
            page = response.content.decode()
            assert response.status_code == 200, url
            assert SCRIPT not in page, url
            assert "<img src=x" not in page, url
            assert "&lt;script&gt;" in page, url

    def test_csv_and_xlsx_exports_hold_the_name_as_plain_text(self, client, staf_hk, script_partner):
        formula = partner_services.partner_create(
            actor=staf_hk, **partner_data(business_name='=HYPERLINK("http://evil.example")', owner_nik=nik())
        )
        client.force_login(staf_hk)
        body = client.get(reverse("partners:partner-export", args=["csv"])).content.decode("utf-8-sig")
        names = {row[0]: row[1] for row in csv.reader(io.StringIO(body))}
        assert names[str(script_partner.pk)] == SCRIPT
        assert names[str(formula.pk)] == "'" + formula.business_name  # never run as a formula
        xlsx = client.get(reverse("partners:partner-export", args=["xlsx"])).content
        sheet = load_workbook(io.BytesIO(xlsx), read_only=True).active
        cells = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert cells[script_partner.pk] == SCRIPT
        assert cells[formula.pk].startswith("'=")

    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils; CI has it)")
    def test_bast_pdf_prints_the_name_as_text(self, client, staf_hk, program, script_partner, tmp_path):
        handover = draft_for(staf_hk, program, recipient=script_partner)
        client.force_login(staf_hk)
        response = client.get(reverse("disbursements:handover-bast", args=[handover.pk]))
        assert response.status_code == 200
        pdf = tmp_path / "bast.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert SCRIPT in " ".join(text.split())  # shown, not swallowed as markup


class TestOpenRedirectsAreRefused:
    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"])
    def test_login_next(self, client, staf_hk, target):
        from conftest import TEST_PASSWORD

        response = client.post(reverse("login") + f"?next={target}", {"username": "staf.hk", "password": TEST_PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == reverse("home")

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
    def test_set_language_next(self, client, target):
        response = client.post(reverse("set_language"), {"language": "en", "next": target})
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]

    def test_set_language_referer(self, client):
        response = client.post(reverse("set_language"), {"language": "en"}, HTTP_REFERER="https://evil.example/")
        assert "evil.example" not in response.get("Location", "")


class TestMassAssignmentIsIgnored:
    """Fields a form does not offer cannot be set by adding them to the POST."""

    def test_partner_create_ignores_status_company_and_region(self, client, staf_hk, pln):
        client.force_login(staf_hk)
        ogan_ilir = Region.objects.get(code="16.10")
        data = {
            "business_name": "Usaha Jujur",
            "owner_name": "Siti",
            "owner_nik": nik(),
            "regency": ogan_ilir.pk,
            "sector": "kerajinan",
            "joined_on": "09/11/2023",
            "status": "aktif",
            # not on the form:
            "registered_by_company": pln.pk,
            "region_code": "81.71",
            "current_class": "menengah",
            "id": 999999,
        }
        response = client.post(reverse("partners:partner-create"), data)
        assert response.status_code == 302
        partner = Partner.objects.get(business_name="Usaha Jujur")
        assert partner.registered_by_company_id == staf_hk.company_id
        assert partner.region_code.startswith("16.10")
        assert partner.pk != 999999

    def test_handover_create_ignores_status_company_number_and_approver(
        self, client, staf_hk, manajer_hk, pln, program, partner
    ):
        client.force_login(staf_hk)
        data = {
            "program": program.pk,
            "recipient": f"p:{partner.pk}",
            "submission_key": "5f0c8f2e-6a53-4c1e-9d0a-1a2b3c4d5e6f",
            "handed_on": "09/11/2023",
            "place": "Kantor",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-kind": "peralatan",
            "items-0-description": "Alat",
            "items-0-quantity": "1",
            "items-0-unit": "paket",
            "items-0-unit_value": "1000000",
            "witnesses-TOTAL_FORMS": "0",
            "witnesses-INITIAL_FORMS": "0",
            "save": "1",
            # not on the form:
            "status": Status.VERIFIED,
            "company": pln.pk,
            "approved_by": manajer_hk.pk,
            "region_code": "81",
            "total": "999999999999",
            "number": "PLN/TJSL/2023/9999",
        }
        response = client.post(reverse("disbursements:handover-create"), data)
        assert response.status_code == 302
        handover = Disbursement.objects.get()
        assert handover.status == Status.DRAFT
        assert handover.company_id == staf_hk.company_id
        assert handover.approved_by_id is None
        assert handover.total == 1_000_000
        assert handover.number == ""
        assert not handover.region_code.startswith("81")

    def test_group_create_ignores_leader_and_region_code(self, client, staf_hk, partner):
        client.force_login(staf_hk)
        data = {"name": "Kelompok Baru", "regency": Region.objects.get(code="16.10").pk, "leader": partner.pk}
        response = client.post(reverse("partners:businessgroup-create"), {**data, "region_code": "81"})
        assert response.status_code == 302
        group = BusinessGroup.objects.get(name="Kelompok Baru")
        assert group.leader_id is None
        assert not group.region_code.startswith("81")


class TestApiMassAssignmentIsIgnored:
    """The API's serializers accept only their writable fields; the rest is ignored."""

    def test_partner_post_ignores_company_region_and_class(self, client, staf_hk, pln):
        client.force_login(staf_hk)
        body = {
            "business_name": "Usaha Lewat API",
            "owner_name": "Siti",
            "owner_nik": nik(),
            "regency": "16.10",
            "sector": "kerajinan",
            "joined_on": "2023-11-09",
            "registered_by_company": pln.pk,
            "region_code": "81.71",
            "current_class": "menengah",
            "id": 999999,
        }
        response = client.post("/api/v1/partners/", body, content_type="application/json")
        assert response.status_code == 201, response.content
        partner = Partner.objects.get(business_name="Usaha Lewat API")
        assert partner.registered_by_company_id == staf_hk.company_id
        assert not partner.region_code.startswith("81")
        assert partner.pk != 999999

    def test_handover_post_ignores_status_company_and_approver(
        self, client, staf_hk, manajer_hk, pln, program, partner
    ):
        client.force_login(staf_hk)
        body = {
            "program": program.pk,
            "recipient": {"partner": partner.pk},
            "handed_on": "2023-11-09",
            "place": "Kantor",
            "items": [
                {"kind": "peralatan", "description": "Alat", "quantity": "1", "unit": "paket", "unit_value": 1000}
            ],
            "status": "verified",
            "company": pln.pk,
            "approved_by": manajer_hk.pk,
            "number": "PLN/TJSL/2023/9999",
            "total": 10**12,
        }
        response = client.post("/api/v1/handovers/", body, content_type="application/json")
        assert response.status_code == 201, response.content
        handover = Disbursement.objects.get()
        assert (handover.status, handover.company_id, handover.approved_by_id) == ("draft", staf_hk.company_id, None)
        assert handover.number == "" and handover.total == 1000

    def test_handover_patch_cannot_approve_or_move_company(self, client, staf_hk, manajer_hk, pln, program, partner):
        handover = draft_for(staf_hk, program, recipient=partner)
        client.force_login(staf_hk)
        body = {"status": "approved", "company": pln.pk, "approved_by": manajer_hk.pk, "place": "Balai Desa"}
        response = client.patch(f"/api/v1/handovers/{handover.pk}/", body, content_type="application/json")
        assert response.status_code == 200, response.content
        handover.refresh_from_db()
        assert handover.status == "draft" and handover.company_id == staf_hk.company_id
        assert handover.approved_by_id is None and handover.place == "Balai Desa"

    @FUZZ
    @given(body=st.dictionaries(st.sampled_from(["business_name", "owner_nik", "regency", "joined_on"]), value))
    def test_partner_post_with_junk_never_fails_and_stores_nothing_invalid(self, client, staf_hk, body):
        client.force_login(staf_hk)
        before = Partner.objects.count()
        response = client.post("/api/v1/partners/", body, content_type="application/json")
        assert response.status_code < 500
        if response.status_code != 201:
            assert Partner.objects.count() == before

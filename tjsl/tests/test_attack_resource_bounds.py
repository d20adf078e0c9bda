"""Resource bounds and input that used to answer 500, for every role and every entry point.

A period drives loops (a trend point per month) and queries: /reports/dashboard/charts/trend.svg
?from=01/01/1000&to=30/11/9999 grew the web process past 3.7 GB. Every period is now refused
before any work when it starts before 2000, ends after the tenth year ahead or spans more than
ten years: 400 with the reason on pages, charts and the API, a field error in forms.
"""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from conftest import make_user, problem_fields
from disbursements.tests.conftest import draft_for
from partners import services as partner_services
from partners.tests.conftest import partner_data
from programs.models import Program, ProgramBudget
from reports.dashboard import PeriodError, period_parse
from tjsl import periods

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)
LATEST_YEAR = datetime.date.today().year + periods.YEARS_AHEAD
ROLES = ["staf.hk", "manajer.hk", "staf.pln", "pejabat.sumsel", "pejabat.maluku", "auditor", "admin.hk", "root"]


@pytest.fixture
def users(hk, pln):
    return {
        "staf.hk": make_user("staf.hk", Role.STAF, company=hk),
        "manajer.hk": make_user("manajer.hk", Role.MANAJER, company=hk),
        "staf.pln": make_user("staf.pln", Role.STAF, company=pln),
        "pejabat.sumsel": make_user("pejabat.sumsel", Role.PEJABAT, region_code="16"),
        "pejabat.maluku": make_user("pejabat.maluku", Role.PEJABAT, region_code="81"),
        "auditor": make_user("auditor", Role.AUDITOR),
        "admin.hk": make_user("admin.hk", Role.ADMINISTRATOR, company=hk),
        "root": make_user("root", Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
    }


# (query string, parameter the API names in its answer)
def iso(query: str) -> str:
    """The same query with its dates as the API takes them (ISO 8601)."""
    return re.sub(r"([0-9]{2})/([0-9]{2})/([0-9]{4})", r"\3-\2-\1", query)


UNBOUNDED = [
    ("from=01/01/1000&to=30/11/9999", "from"),
    ("from=01/01/2001&to=31/12/2020", "to"),  # twenty years
    ("from=31/12/1999", "from"),
    (f"to=01/01/{LATEST_YEAR + 1}", "to"),
    ("period=9999-12", "period"),
    ("period=9999", "period"),
    ("period=1000-Q1", "period"),
    ("period=0000", "period"),
    ("period=0000-01", "period"),
]


class TestPeriodParsing:
    @pytest.mark.parametrize(
        ("kwargs", "field_name"),
        [
            ({"date_from": "01/01/1000", "date_to": "30/11/9999"}, "from"),
            ({"date_from": "01/01/2001", "date_to": "01/01/2011"}, "to"),
            ({"period": "9999-12"}, "period"),
            ({"period": "1999"}, "period"),
            ({"period": f"{TODAY.year + 11}-Q1"}, "period"),
            ({"period": "0000"}, "period"),
        ],
    )
    def test_out_of_bounds_periods_are_refused_with_the_field(self, kwargs, field_name):
        with pytest.raises(PeriodError) as refused:
            period_parse(today=TODAY, **kwargs)
        assert refused.value.field_name == field_name
        assert refused.value.message

    def test_the_bounds_themselves_are_accepted(self):
        ten_years = period_parse(date_from="01/01/2015", date_to="31/12/2024", today=TODAY)
        assert len(ten_years.months()) == 120
        assert period_parse(period="2000", today=TODAY).start == datetime.date(2000, 1, 1)
        assert period_parse(period=f"{TODAY.year + 10}-12", today=TODAY).end == datetime.date(TODAY.year + 10, 12, 31)

    def test_the_largest_period_has_a_hundred_and_twenty_months_at_most(self):
        period = period_parse(date_from="01/01/2015", date_to="31/12/2024", today=TODAY)
        assert len(period.months()) <= 12 * periods.MAX_SPAN_YEARS


class TestDashboardPeriodsAreBounded:
    """The page, each chart and the API, for every role: 400 with the reason, never a computation."""

    @pytest.mark.parametrize("username", ROLES)
    @pytest.mark.parametrize(("query", "field_name"), UNBOUNDED)
    def test_page(self, client, users, username, query, field_name):
        user = users[username]
        client.force_login(user)
        response = client.get(f"{reverse('reports:dashboard')}?{query}")
        if not user.has_perm("disbursements.view_disbursement"):
            assert response.status_code == 403
            return
        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="period-error"' in page
        assert "aria-invalid" in page  # the field in error is marked, the filters can be corrected
        assert re.search(r'id="period-error">[^<]*[0-9]{2}[^<]*</div>', page)  # the reason, with its bounds

    @pytest.mark.parametrize("username", ROLES)
    @pytest.mark.parametrize("chart", ["trend", "regions", "program", "sector"])
    def test_charts(self, client, users, username, chart):
        user = users[username]
        client.force_login(user)
        url = reverse("reports:dashboard-chart", args=[chart])
        for query, _field in UNBOUNDED:
            response = client.get(f"{url}?{query}")
            if not user.has_perm("disbursements.view_disbursement"):
                assert response.status_code == 403
                continue
            assert response.status_code == 400, query
            assert response["Content-Type"].startswith("text/plain")

    @pytest.mark.parametrize("username", ROLES)
    def test_api(self, client, users, username):
        user = users[username]
        client.force_login(user)
        for query, field_name in UNBOUNDED:
            response = client.get(f"/api/v1/dashboard/?{iso(query)}")
            if not user.has_perm("disbursements.view_disbursement"):
                assert response.status_code == 403
                continue
            assert response.status_code == 400, query
            assert list(problem_fields(response)) == [field_name], query

    def test_the_message_says_what_is_allowed(self, client, users):
        client.force_login(users["auditor"])
        response = client.get("/api/v1/dashboard/?from=2001-01-01&to=2020-12-31", HTTP_ACCEPT_LANGUAGE="en")
        assert problem_fields(response) == {"to": ["A period may span at most 10 years."]}
        response = client.get("/api/v1/dashboard/?from=01/02/2023&to=2023-13-01", HTTP_ACCEPT_LANGUAGE="en")
        assert problem_fields(response) == {
            "from": ["Enter a date as yyyy-mm-dd (ISO 8601), e.g. 2023-11-09."],
            "to": ["Enter a date as yyyy-mm-dd (ISO 8601), e.g. 2023-11-09."],
        }
        response = client.get("/api/v1/dashboard/?period=9999-12", HTTP_ACCEPT_LANGUAGE="en")
        assert problem_fields(response) == {"period": [f"Enter a year from 2000 to {LATEST_YEAR}."]}

    def test_a_ten_year_period_is_still_shown(self, client, users):
        client.force_login(users["auditor"])
        response = client.get(f"{reverse('reports:dashboard')}?from=01/01/2015&to=31/12/2024")
        assert response.status_code == 200


class TestListFiltersAndFormsAreBounded:
    @pytest.mark.parametrize("username", ROLES)
    def test_handover_and_activity_filters_refuse_dates_out_of_bounds(self, client, users, username):
        client.force_login(users[username])
        for url in ("/api/v1/handovers/", "/api/v1/activities/"):
            for parameter in ("date_from", "date_to"):
                response = client.get(url, {parameter: "1000-01-01"})
                assert response.status_code in (400, 403), (url, response.status_code)
                if response.status_code == 400:
                    assert parameter in problem_fields(response)
        response = client.get(reverse("disbursements:handover-list"), {"date_from": "01/01/1000"})
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert response.context["filter"].form.errors["date_from"]

    @pytest.mark.parametrize("username", ROLES)
    @pytest.mark.parametrize("year", ["0", "-1", "1999", "9999", "2023.5", str(2**64)])
    def test_program_year_filter(self, client, users, username, year):
        client.force_login(users[username])
        response = client.get("/api/v1/programs/", {"year": year})
        assert response.status_code in (400, 403)
        if response.status_code == 400:
            assert "year" in problem_fields(response)
        page = client.get(reverse("programs:program-list"), {"year": year})
        assert page.status_code in (200, 403)

    def test_report_request_refuses_a_year_out_of_bounds(self, client, users):
        client.force_login(users["manajer.hk"])
        response = client.post(reverse("reports:report-request"), {"kind": "year", "year": "9999", "language": "id"})
        assert response.status_code == 200
        assert response.context["form"].errors["year"]

    @pytest.mark.parametrize(
        ("start", "end", "field_name"),
        [("1000-01-01", "2024-12-31", "start_date"), ("2023-01-01", "9999-12-31", "end_date"),
         ("2001-01-01", "2020-12-31", "end_date")],
    )  # fmt: skip
    def test_a_program_period_is_bounded(self, client, users, start, end, field_name):
        client.force_login(users["manajer.hk"])
        body = {
            "code": "HK-X",
            "name": "Program Uji",
            "pillar": "ekonomi",
            "support_form": "bantuan",
            "start_date": start,
            "end_date": end,
        }
        response = client.post("/api/v1/programs/", body, content_type="application/json")
        assert response.status_code in (400, 422), response.content
        assert field_name in problem_fields(response)
        assert not Program.objects.filter(code="HK-X").exists()


@pytest.fixture
def program(hk):
    program = Program.objects.create(
        company=hk,
        code="HK-PK",
        name="HK Peduli Kreatif",
        pillar="ekonomi",
        support_form="bantuan",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        status="aktif",
    )
    ProgramBudget.objects.create(program=program, year=2023, amount=750_000_000)
    return program


class TestReportedServerErrors:
    """The 500s of the report, each now a 4xx with a message (or the form again)."""

    def test_verification_page_with_a_nul_byte_needs_no_login_and_is_not_a_500(self, client):
        client.raise_request_exception = False
        for path in ("/handovers/verify/abc%00/", "/handovers/verify/abc/", "/handovers/verify/" + "A" * 300 + "/"):
            assert client.get(path).status_code in (400, 404), path

    @pytest.mark.parametrize("username", ROLES)
    def test_nul_bytes_in_any_query_are_a_400(self, client, users, username):
        client.force_login(users[username])
        client.raise_request_exception = False
        for url in ("/partners/?q=a%00", "/api/v1/partners/?search=a%00", "/reports/dashboard/?period=2023%00"):
            response = client.get(url)
            assert response.status_code == 400, url

    @pytest.mark.parametrize("username", ROLES)
    def test_program_year_zero(self, client, users, username):
        client.force_login(users[username])
        client.raise_request_exception = False
        assert client.get("/api/v1/programs/?year=0").status_code in (400, 403)

    @pytest.mark.parametrize("username", ROLES)
    def test_dashboard_december_9999(self, client, users, username):
        client.force_login(users[username])
        client.raise_request_exception = False
        assert client.get("/reports/dashboard/?period=9999-12").status_code in (400, 403)
        assert client.get("/api/v1/dashboard/?period=9999-12").status_code in (400, 403)

    @pytest.mark.parametrize("province", ["abc", "\u00b2", str(2**64), "-1"])
    def test_handover_form_with_a_province_that_is_not_an_id(self, client, hk, staf_hk, program, province):
        partner = partner_services.partner_create(actor=staf_hk, **partner_data())
        client.force_login(staf_hk)
        client.raise_request_exception = False
        data = {"program": program.pk, "recipient": f"p:{partner.pk}", "place_province": province}
        response = client.post(reverse("disbursements:handover-create"), data)
        assert response.status_code == 400  # the form again, with the error on the field
        assert response.context["form"].errors["place_province"]
        handover = draft_for(staf_hk, program, recipient=partner)
        response = client.post(reverse("disbursements:handover-update", args=[handover.pk]), data)
        assert response.status_code == 400
        assert response.context["form"].errors["place_province"]
        assert client.get(reverse("regions:regency-options"), {"place_province": province}).status_code == 200

"""A program whose period has ended says so, and the handover form offers only the programs whose
period covers the handover's date (today until a date is typed), saying why at the field."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from disbursements.models import Disbursement
from disbursements.tests.test_views import entry_post
from programs.models import Program

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_program(company, code, start, end, status="aktif") -> Program:
    return Program.objects.create(
        company=company,
        code=code,
        name=f"Program {code}",
        pillar="ekonomi",
        support_form="bantuan",
        start_date=start,
        end_date=end,
        status=status,
    )


@pytest.fixture
def programs(hk):
    year = TODAY.year
    return {
        "running": make_program(hk, "JALAN", datetime.date(year - 1, 1, 1), datetime.date(year + 1, 12, 31)),
        "ended": make_program(hk, "LALU", datetime.date(2023, 1, 1), datetime.date(2025, 12, 31)),
        "later": make_program(hk, "NANTI", datetime.date(year + 2, 1, 1), datetime.date(year + 2, 12, 31)),
    }


def offered(html: str) -> list[str]:
    select = html[html.index('name="program"') : html.index("</select>", html.index('name="program"'))]
    return [label for value, label in re.findall(r'<option value="(\d*)"[^>]*>([^<]+)</option>', select) if value]


class TestPeriodState:
    @pytest.mark.parametrize(
        "language,ended,later",
        [
            ("id", "Aktif · periode berakhir 31 Desember 2025", "Aktif · belum mulai (mulai 1 Januari"),
            ("en", "Active · period ended 31 December 2025", "Active · not started yet (starts 1 January"),
        ],
    )
    def test_list_and_detail_show_whether_the_period_covers_today(
        self, client, manajer_hk, programs, language, ended, later
    ):
        client.force_login(manajer_hk)
        client.cookies["django_language"] = language
        listing = client.get(reverse("programs:program-list")).content.decode()
        assert ended in listing and later in listing
        assert ended in client.get(reverse("programs:program-detail", args=[programs["ended"].pk])).content.decode()
        running = client.get(reverse("programs:program-detail", args=[programs["running"].pk])).content.decode()
        assert "periode berakhir" not in running and "period ended" not in running


class TestHandoverFormOffersOnlyProgramsOfTheDate:
    def test_by_default_only_programs_running_today_are_offered(self, client, staf_hk, programs):
        client.force_login(staf_hk)
        html = client.get(reverse("disbursements:handover-create")).content.decode()
        assert offered(html) == [str(programs["running"])]

    @pytest.mark.parametrize(
        "language,why",
        [
            ("id", "berjalan dari 1 Januari 2023 sampai 31 Desember 2025 dan tidak menerima penyaluran bertanggal"),
            ("en", "runs from 1 January 2023 to 31 December 2025 and takes no handover dated"),
        ],
    )
    def test_a_date_outside_the_chosen_program_is_refused_at_the_program_field(
        self, client, staf_hk, programs, partner, language, why
    ):
        client.force_login(staf_hk)
        client.cookies["django_language"] = language
        data = entry_post(programs["ended"], f"p:{partner.pk}", handed_on=TODAY.strftime("%d/%m/%Y"))
        response = client.post(reverse("disbursements:handover-create"), data)
        assert response.status_code == 400
        assert why in " ".join(response.context["form"].errors["program"])
        assert not Disbursement.objects.exists()

    def test_a_backdated_handover_inside_an_ended_period_is_still_accepted(self, client, staf_hk, programs, partner):
        client.force_login(staf_hk)
        response = client.post(
            reverse("disbursements:handover-create"), entry_post(programs["ended"], f"p:{partner.pk}")
        )
        assert response.status_code == 302
        assert Disbursement.objects.get().program == programs["ended"]

    @pytest.mark.parametrize(
        "language,why",
        [
            ("id", "Tidak ada program aktif perusahaan Anda yang berjalan pada"),
            ("en", "No active program of your company runs on"),
        ],
    )
    def test_when_no_program_runs_on_the_date_the_form_says_why(self, client, staf_hk, hk, language, why):
        make_program(hk, "LALU", datetime.date(2023, 1, 1), datetime.date(2025, 12, 31))
        client.force_login(staf_hk)
        client.cookies["django_language"] = language
        html = client.get(reverse("disbursements:handover-create")).content.decode()
        assert offered(html) == [] and why in html

    def test_the_options_follow_the_date_typed(self, client, staf_hk, programs):
        client.force_login(staf_hk)
        url = reverse("disbursements:program-options")
        old = client.get(url, {"handed_on": "09/11/2023", "program": programs["ended"].pk}).content.decode()
        assert f'<option value="{programs["ended"].pk}" selected>' in old
        assert str(programs["running"]) not in old
        now = client.get(url, {"handed_on": TODAY.strftime("%d/%m/%Y")}).content.decode()
        assert str(programs["running"]) in now and str(programs["ended"]) not in now
        none = client.get(url, {"handed_on": "01/01/2000"}).content.decode()
        assert '<option value="" disabled>' in none and "2000" in none

    @pytest.mark.parametrize("role", ["auditor", "pejabat_sumsel"])
    def test_the_options_are_for_those_who_enter_handovers(self, client, request, programs, role):
        client.force_login(request.getfixturevalue(role))
        assert client.get(reverse("disbursements:program-options"), {"handed_on": "09/11/2023"}).status_code == 403

"""Security settings as a user meets them: CSP on every page, sessions, logs and NIK access.

`check --deploy` runs in tjsl/tests/test_deploy.py and login throttling in
accounts/tests/test_login.py; this file covers the rest of the checklist.
"""

import logging
import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from conftest import TEST_PASSWORD
from disbursements.models import Disbursement
from disbursements.tests.conftest import draft_for
from partners import services as partner_services
from partners.models import NikViewLog
from partners.tests.conftest import nik, partner_data
from regions.models import Region
from tjsl.tests.test_hostile_input import make_program

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
INLINE_HANDLER = re.compile(r"\son(click|load|change|submit|error|input)=", re.I)


@pytest.fixture
def records(staf_hk, hk):
    program = make_program(hk)
    partner = partner_services.partner_create(actor=staf_hk, **partner_data(owner_nik=nik()))
    handover = draft_for(staf_hk, program, recipient=partner)
    return program, partner, handover


def main_pages(program, partner, handover) -> list[str]:
    return [
        reverse("home"),
        reverse("partners:partner-list"),
        reverse("partners:partner-create"),
        reverse("partners:partner-detail", args=[partner.pk]),
        reverse("partners:businessgroup-list"),
        reverse("partners:import-create"),
        reverse("programs:program-list"),
        reverse("programs:program-detail", args=[program.pk]),
        reverse("disbursements:handover-list"),
        reverse("disbursements:handover-create"),
        reverse("disbursements:handover-detail", args=[handover.pk]),
        reverse("reports:dashboard"),
        reverse("reports:report-list"),
        reverse("accounts:profile"),
        reverse("api:docs"),
    ]


class TestContentSecurityPolicy:
    def test_every_main_page_has_a_strict_policy_and_no_inline_code(self, client, staf_hk, records):
        client.force_login(staf_hk)
        for url in main_pages(*records):
            response = client.get(url)
            assert response.status_code == 200, url
            csp = response["Content-Security-Policy"]
            assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
            page = response.content.decode()
            assert not INLINE_SCRIPT.search(page), (url, INLINE_SCRIPT.search(page))
            assert not INLINE_STYLE.search(page), (url, INLINE_STYLE.search(page))
            assert not INLINE_HANDLER.search(page), (url, INLINE_HANDLER.search(page))

    def test_login_page_and_api_schema_carry_the_policy(self, client, staf_hk):
        assert "unsafe-inline" not in client.get(reverse("login"))["Content-Security-Policy"]
        client.force_login(staf_hk)
        response = client.get(reverse("api:schema"))
        assert response.status_code == 200
        assert "unsafe-inline" not in response["Content-Security-Policy"]


class TestSessions:
    def test_session_lasts_at_most_a_working_day_and_ends_with_the_browser(self):
        assert django_settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
        assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
        assert django_settings.SESSION_COOKIE_HTTPONLY is True

    def test_login_sets_a_browser_session_cookie(self, client, staf_hk):
        response = client.post(reverse("login"), {"username": "staf.hk", "password": TEST_PASSWORD})
        assert response.status_code == 302
        cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
        assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
        assert cookie["httponly"] is True and cookie["samesite"] == "Lax"

    def test_an_expired_session_leads_back_to_login(self, client, staf_hk):
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        client.post(reverse("login"), {"username": "staf.hk", "password": TEST_PASSWORD})
        assert client.get(reverse("partners:partner-list")).status_code == 200
        Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
        response = client.get(reverse("partners:partner-list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


class TestNoPersonalDataInLogs:
    def test_a_journey_with_niks_and_phones_leaves_none_in_the_logs(self, client, caplog, staf_hk, manajer_hk, hk):
        program = make_program(hk)
        owner_nik, receiver_nik, phone = "1610025508850931", "1610011508850932", "081234560931"
        caplog.set_level(logging.DEBUG)  # everything any logger emits, root included
        client.force_login(staf_hk)
        response = client.post(
            reverse("partners:partner-create"),
            {
                "business_name": "Tenun Rahasia",
                "owner_name": "Siti Rahmah",
                "owner_nik": owner_nik,
                "phone": phone,
                "address": "Jalan Rahasia 7",
                "regency": Region.objects.get(code="16.10").pk,
                "sector": "kerajinan",
                "joined_on": "09/11/2023",
                "status": "aktif",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        partner_url = response["Location"]
        assert client.get(partner_url).status_code == 200
        # The same NIK again is refused with a message naming the duplicate (a likely place to leak it).
        client.post(reverse("partners:partner-create"), {"owner_nik": owner_nik, "business_name": "X"})
        client.get(reverse("partners:partner-export", args=["csv"]))
        client.get(reverse("partners:partner-list") + f"?q={owner_nik}")
        handover = draft_for(
            staf_hk, program, recipient=partner_services.partner_create(actor=staf_hk, **partner_data())
        )
        client.post(reverse("disbursements:handover-update", args=[handover.pk]), {"receiver_nik": receiver_nik})
        client.post(reverse("disbursements:handover-update", args=[handover.pk]), {"receiver_nik": "12345"})
        client.logout()
        client.post(reverse("login"), {"username": owner_nik, "password": phone})  # a failed login
        client.post(reverse("login"), {"username": "staf.hk", "password": "wrong " + phone})
        logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
        assert caplog.records, "the journey logged nothing at all; the capture is not working"
        for secret in (owner_nik, receiver_nik, phone, "+6281234560931", "Jalan Rahasia"):
            assert secret not in logged, secret


class TestUnmaskedNikAccessIsLogged:
    def test_each_view_of_an_unmasked_nik_writes_one_row(self, client, staf_hk, records):
        _program, partner, _handover = records
        client.force_login(staf_hk)
        for _ in range(3):
            page = client.get(reverse("partners:partner-detail", args=[partner.pk])).content.decode()
            assert partner.owner_nik in page
        rows = NikViewLog.objects.filter(user=staf_hk, partner=partner, purpose=NikViewLog.Purpose.DETAIL)
        assert rows.count() == 3
        client.get(reverse("partners:partner-update", args=[partner.pk]))
        assert NikViewLog.objects.filter(partner=partner, purpose=NikViewLog.Purpose.EDIT).count() == 1
        client.get(reverse("partners:partner-export", args=["csv"]))
        assert NikViewLog.objects.filter(partner=partner, purpose=NikViewLog.Purpose.EXPORT).count() == 1

    def test_masked_views_are_not_logged(self, client, pejabat_sumsel, records):
        _program, partner, _handover = records
        client.force_login(pejabat_sumsel)
        page = client.get(reverse("partners:partner-detail", args=[partner.pk])).content.decode()
        assert partner.owner_nik not in page
        assert not NikViewLog.objects.exists()

    def test_handover_pages_never_show_a_receiver_nik_to_an_official(self, client, pejabat_sumsel, staf_hk, records):
        from disbursements.services import disbursement_submit

        _program, _partner, handover = records
        Disbursement.objects.filter(pk=handover.pk).update(receiver_nik="1610011508850999")
        handover = disbursement_submit(disbursement=handover, actor=staf_hk)
        client.force_login(pejabat_sumsel)
        response = client.get(reverse("disbursements:handover-detail", args=[handover.pk]))
        assert "1610011508850999" not in response.content.decode()

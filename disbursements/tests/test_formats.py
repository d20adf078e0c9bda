"""Dates, times and quantities of a handover read the same on its page, in the list's export and
in the BAST: "9 November 2023", "14.05 WIB" in the user's time zone, and "2,5 kg" beside
"Rp4.750.000" in both languages (one number convention on a line)."""

import datetime
import io
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from disbursements.tests.conftest import draft_for, submitted_for, three_items

pytestmark = pytest.mark.django_db

# 14.05 in Jakarta (WIB, UTC+7), 15.05 in Makassar (WITA), 16.05 in Jayapura (WIT).
SUBMITTED_AT = datetime.datetime(2023, 11, 9, 7, 5, tzinfo=datetime.UTC)


def submitted_at(moment, staf_hk, program, partner, monkeypatch):
    """A handover submitted at `moment` (the timeline is a record: it is written, never changed)."""
    with monkeypatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: moment)
        return submitted_for(staf_hk, program, recipient=partner, items=three_items())


@pytest.fixture
def handover(staf_hk, program, partner, monkeypatch):
    return submitted_at(SUBMITTED_AT, staf_hk, program, partner, monkeypatch)


def detail(client, handover, *, language="id") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("disbursements:handover-detail", args=[handover.pk])).content.decode()


class TestHandoverDetail:
    def test_indonesian_page(self, client, staf_hk, handover):
        client.force_login(staf_hk)
        page = detail(client, handover)
        assert "9 November 2023" in page and "Kamis" not in page
        assert "9 November 2023, 14.05 WIB" in page  # the submission in the timeline
        assert '<span>2,5<span class="stacked-only"> kg</span></span>' in page and "2.50" not in page
        assert ">12<" in page and "12,00" not in page
        assert "Rp4.750.000" in page

    def test_english_page(self, client, staf_hk, handover):
        client.force_login(staf_hk)
        page = detail(client, handover, language="en")
        assert "9 November 2023, 14.05 WIB" in page
        # The quantity is written as the rupiah beside it is, not "2.5 kg" next to "Rp4.750.000".
        assert '<span>2,5<span class="stacked-only"> kg</span></span>' in page and "Rp4.750.000" in page
        assert "<span>2.5<" not in page and "2.50" not in page

    def test_a_user_in_wita_sees_the_time_one_hour_later(self, client, staf_hk, handover):
        staf_hk.time_zone = "Asia/Makassar"
        staf_hk.save(update_fields=["time_zone"])
        client.force_login(staf_hk)
        page = detail(client, handover)
        assert "9 November 2023, 15.05 WITA" in page and "14.05 WIB" not in page

    def test_late_in_the_evening_in_wit_is_already_the_next_day(self, client, staf_hk, program, partner, monkeypatch):
        late = datetime.datetime(2023, 11, 9, 16, 30, tzinfo=datetime.UTC)
        handover = submitted_at(late, staf_hk, program, partner, monkeypatch)
        staf_hk.time_zone = "Asia/Jayapura"
        staf_hk.save(update_fields=["time_zone"])
        client.force_login(staf_hk)
        assert "10 November 2023, 01.30 WIT" in detail(client, handover)


class TestTimeZoneChoice:
    def test_a_user_starts_in_wib_and_picks_wita_on_the_profile(self, client, staf_hk, handover):
        assert staf_hk.time_zone == "Asia/Jakarta"
        client.force_login(staf_hk)
        profile = client.get(reverse("accounts:profile")).content.decode()
        assert "Zona waktu" in profile and "WITA (Waktu Indonesia Tengah, UTC+8)" in profile
        response = client.post(reverse("accounts:profile-time-zone"), {"time_zone": "Asia/Makassar"}, follow=True)
        assert "Waktu kini ditampilkan dalam WITA (Waktu Indonesia Tengah, UTC+8)." in response.content.decode()
        staf_hk.refresh_from_db()
        assert staf_hk.time_zone == "Asia/Makassar"
        assert "15.05 WITA" in detail(client, handover)

    def test_an_unknown_zone_is_refused_under_the_field(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.post(reverse("accounts:profile-time-zone"), {"time_zone": "Europe/Berlin"})
        assert response.status_code == 400
        assert response.context["time_zone_form"].errors["time_zone"]
        staf_hk.refresh_from_db()
        assert staf_hk.time_zone == "Asia/Jakarta"


class TestExportAndBast:
    def test_the_list_export_holds_real_dates_spelled_out_in_the_users_language(self, client, staf_hk, handover):
        client.force_login(staf_hk)
        for language, number_format in (("id", "[$-421]d mmmm yyyy"), ("en", "[$-809]d mmmm yyyy")):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            content = client.get(reverse("disbursements:handover-export")).content
            sheet = load_workbook(io.BytesIO(content)).active
            headers = [cell.value for cell in sheet[1]]
            day = sheet.cell(row=2, column=headers.index("Tanggal" if language == "id" else "Date") + 1)
            assert day.is_date and day.value.date() == datetime.date(2023, 11, 9)
            assert day.number_format == number_format

    def test_the_bast_writes_the_quantity_and_the_date_as_the_page(self, client, staf_hk, program, partner, tmp_path):
        draft = draft_for(staf_hk, program, recipient=partner, items=three_items())
        client.force_login(staf_hk)
        pdf = client.get(reverse("disbursements:handover-bast", args=[draft.pk])).content
        (tmp_path / "bast.pdf").write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(tmp_path / "bast.pdf"), "-"], capture_output=True, text=True).stdout
        text = " ".join(text.split())
        assert "9 November 2023" in text and "2,5" in text and "2.50" not in text and "Rp4.750.000" in text

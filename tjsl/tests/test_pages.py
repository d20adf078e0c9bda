import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db


class TestHomePage:
    def test_greets_user_with_role_and_scope_in_indonesian(self, client, staf_hk):
        client.force_login(staf_hk)
        page = client.get("/").content.decode()
        assert "Selamat datang, Rina" in page
        assert "Staf TJSL" in page
        assert "Hutama Karya · Nasional" in page

    def test_regional_official_sees_their_region(self, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        page = client.get("/").content.decode()
        assert "Pejabat Daerah" in page
        assert "Semua perusahaan · Sumatera Selatan" in page

    def test_switching_to_english_translates_the_page(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302
        page = client.get("/").content.decode()
        assert "Welcome, Rina" in page
        assert "TJSL staff" in page
        assert '<html lang="en">' in page

    def test_language_switch_works_before_login(self, client):
        client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
        assert "Log in" in client.get("/accounts/login/").content.decode()

    def test_login_page_is_indonesian_by_default(self, client):
        page = client.get("/accounts/login/").content.decode()
        assert '<html lang="id">' in page
        assert "Masuk" in page

    def test_navigation_offers_administration_only_to_admins(self, client, staf_hk, admin_user):
        client.force_login(staf_hk)
        assert "/admin/" not in client.get("/").content.decode()
        client.force_login(admin_user)
        assert "/admin/" in client.get("/").content.decode()


class TestFormats:
    def render(self, source: str, **context) -> str:
        return Template("{% load tjsl_format %}" + source).render(Context(context))

    def test_rupiah_uses_indonesian_grouping(self):
        # Kept on one line in narrow columns by its class.
        assert self.render("{{ v|rupiah }}", v=200_000_000) == '<span class="amount">Rp200.000.000</span>'

    def test_amount_in_words(self):
        assert self.render("{{ v|rupiah_words }}", v=200_000_000) == "dua ratus juta rupiah"

    def test_dates_are_written_out_in_indonesian(self):
        day = datetime.date(2023, 11, 9)
        with translation.override("id"):
            assert Template("{{ d|date }}").render(Context({"d": day})) == "9 November 2023"
            assert Template('{{ d|date:"l, j F Y" }}').render(Context({"d": day})) == "Kamis, 9 November 2023"
            # One date format everywhere: the short format lists and tables use is the same.
            assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": day})) == "9 November 2023"

    def test_numbers_are_written_the_indonesian_way_in_both_languages(self):
        # As rupiah is (Rp1.234.567), so that no line mixes "1,234" with "Rp1.234.567".
        for language in ("id", "en"):
            with translation.override(language):
                assert self.render("{{ v|number }}", v=1234567) == "1.234.567"
                assert self.render("{{ v|quantity }}", v=Decimal("1500.50")) == "1.500,5"

    def test_ids_are_never_grouped(self):
        with translation.override("id"):
            assert Template("{{ v }}").render(Context({"v": 2950})) == "2950"


class TestSecurityHeaders:
    def test_csp_allows_only_own_assets_and_no_inline_code(self, client):
        response = client.get("/accounts/login/")
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"

    def test_pages_reference_no_external_asset(self, client, staf_hk):
        client.force_login(staf_hk)
        page = client.get("/").content.decode()
        assert "https://" not in page and "http://" not in page.replace("http://testserver", "")


class TestInterfaceLanguage:
    def test_pages_stay_indonesian_for_an_english_browser(self, client, staf_hk):
        client.force_login(staf_hk)
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
        assert '<html lang="id">' in page and "Selamat datang" in page

    def test_the_switch_decides(self, client, staf_hk):
        client.force_login(staf_hk)
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    def test_the_api_follows_accept_language(self, client, staf_hk):
        client.force_login(staf_hk)
        from accounts.services import api_token_create
        from conftest import problem_fields

        auth = f"Bearer {api_token_create(user=staf_hk, name='t')[1]}"
        english = problem_fields(
            client.post(
                "/api/v1/tokens/",
                {},
                content_type="application/json",
                HTTP_AUTHORIZATION=auth,
                HTTP_ACCEPT_LANGUAGE="en",
            )
        )
        indonesian = problem_fields(
            client.post(
                "/api/v1/tokens/",
                {},
                content_type="application/json",
                HTTP_AUTHORIZATION=auth,
                HTTP_ACCEPT_LANGUAGE="id",
            )
        )
        assert english["name"] == ["This field is required."] and indonesian["name"] != english["name"]

"""Errors are shown as the product's own pages, in the user's language, with a way back."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from accounts.models import User

pytestmark = pytest.mark.django_db


def in_language(client, code: str) -> None:
    client.cookies["django_language"] = code


class TestNotFound:
    @pytest.mark.parametrize(
        ("language", "heading", "home"),
        [("id", "Halaman tidak ditemukan", "Ke beranda"), ("en", "Page not found", "Go to the home page")],
    )
    def test_a_mistyped_address_gets_a_branded_page_in_the_users_language(
        self, client, staf_hk, language, heading, home
    ):
        client.force_login(staf_hk)
        in_language(client, language)
        response = client.get("/partners/no-such-page/")
        body = response.content.decode()
        assert response.status_code == 404
        assert heading in body and home in body
        assert f'href="{reverse("home")}"' in body
        assert "Not Found" not in body

    def test_an_anonymous_visitor_is_offered_the_login_page(self, client):
        in_language(client, "en")
        response = client.get("/handovers/verify/not-a-real-code/")
        body = response.content.decode()
        assert response.status_code == 404
        assert f'href="{reverse("login")}"' in body


class TestForbidden:
    def test_a_role_without_the_permission_is_told_so_in_indonesian(self, client, hk):
        user = User.objects.create_user(username="tanpa.peran", password="x-Password-123", company=hk)
        client.force_login(user)
        response = client.get(reverse("partners:partner-list"))
        body = response.content.decode()
        assert response.status_code == 403
        assert "Akses ditolak" in body
        assert "administrator" in body


class TestServerError:
    @pytest.mark.parametrize(("language", "heading"), [("id", "Terjadi kesalahan"), ("en", "Something went wrong")])
    def test_the_500_page_stands_alone_and_speaks_the_users_language(self, language, heading):
        request = RequestFactory().get("/")
        with translation.override(language):
            response = server_error(request)
        body = response.content.decode()
        assert response.status_code == 500
        assert heading in body
        assert f'href="{reverse("home")}"' in body
        assert "Server Error (500)" not in body

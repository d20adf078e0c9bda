import pytest
from django.core import mail

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


class TestLogin:
    def test_right_password_logs_in_and_lands_home(self, client, staf_hk):
        response = client.post("/accounts/login/", {"username": "staf.hk", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/"

    def test_wrong_password_shows_an_indonesian_message(self, client, staf_hk):
        response = client.post("/accounts/login/", {"username": "staf.hk", "password": "nope"})
        assert response.status_code == 200
        assert "nama pengguna dan sandi yang benar" in response.content.decode().lower()

    def test_repeated_failures_lock_the_account_even_with_the_right_password(self, client, staf_hk, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/accounts/login/", {"username": "staf.hk", "password": "wrong"})
        response = client.post("/accounts/login/", {"username": "staf.hk", "password": PASSWORD})
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_session_cookie_is_hardened(self, client, staf_hk, settings):
        client.post("/accounts/login/", {"username": "staf.hk", "password": PASSWORD})
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60

    def test_logout_ends_the_session(self, client, staf_hk):
        client.force_login(staf_hk)
        client.post("/accounts/logout/")
        assert client.get("/").status_code == 302

    def test_password_reset_sends_a_link(self, client, staf_hk):
        staf_hk.email = "rina@example.org"
        staf_hk.save(update_fields=["email"])
        client.post("/accounts/password_reset/", {"email": "rina@example.org"})
        assert len(mail.outbox) == 1
        assert "/accounts/reset/" in mail.outbox[0].body


class TestProfile:
    def test_profile_shows_role_and_scope(self, client, pejabat_maluku):
        client.force_login(pejabat_maluku)
        page = client.get("/accounts/profile/").content.decode()
        assert "Pejabat Daerah" in page and "Maluku" in page

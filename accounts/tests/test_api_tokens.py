"""Personal API tokens: created and revoked on the profile page and through the API."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_hash, api_token_revoke
from conftest import problem_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def me(client, secret, keyword="Bearer"):
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"{keyword} {secret}")


class TestTokenService:
    def test_only_a_hash_and_a_short_prefix_are_stored(self, staf_hk):
        token, secret = api_token_create(user=staf_hk, name="ERP")
        assert len(secret) >= 45 and secret.startswith("tjsl_")
        stored = ApiToken.objects.get(pk=token.pk)
        assert stored.key_hash == api_token_hash(secret) and secret not in stored.key_hash
        assert secret.startswith(stored.prefix) and len(stored.prefix) == 12

    def test_secrets_differ(self, staf_hk):
        assert api_token_create(user=staf_hk, name="a")[1] != api_token_create(user=staf_hk, name="b")[1]

    def test_expiry_in_the_past_is_refused(self, staf_hk):
        with pytest.raises(ValidationError):
            api_token_create(user=staf_hk, name="old", expires_at=timezone.now() - timedelta(hours=1))

    def test_nobody_revokes_another_users_token(self, staf_hk, staf_pln):
        token, _secret = api_token_create(user=staf_hk, name="ERP")
        with translation.override("en"), pytest.raises(PermissionDenied, match="own tokens"):
            api_token_revoke(token=token, actor=staf_pln)


class TestTokenAuthentication:
    def test_bearer_and_token_keywords_authenticate(self, client, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="ERP")
        assert me(client, secret).json()["username"] == "staf.hk"
        assert me(client, secret, keyword="Token").json()["username"] == "staf.hk"

    def test_use_is_recorded(self, client, staf_hk):
        token, secret = api_token_create(user=staf_hk, name="ERP")
        me(client, secret)
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_wrong_secret_is_401(self, client, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="ERP")
        response = me(client, secret[:-1] + ("A" if secret[-1] != "A" else "B"))
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")

    def test_revoked_token_is_401(self, client, staf_hk):
        token, secret = api_token_create(user=staf_hk, name="ERP")
        api_token_revoke(token=token, actor=staf_hk)
        assert me(client, secret).status_code == 401

    def test_expired_token_is_401(self, client, staf_hk):
        token, secret = api_token_create(user=staf_hk, name="ERP", expires_at=timezone.now() + timedelta(days=1))
        assert me(client, secret).status_code == 200
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert me(client, secret).status_code == 401

    def test_token_of_a_deactivated_user_is_401(self, client, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="ERP")
        staf_hk.is_active = False
        staf_hk.save(update_fields=["is_active"])
        assert me(client, secret).status_code == 401

    def test_no_credentials_is_401_json(self, client):
        response = client.get("/api/v1/me/")
        assert response.status_code == 401 and response.json()["detail"]


class TestTokenApi:
    def test_create_shows_the_secret_once(self, client, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="setup")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        response = client.post("/api/v1/tokens/", {"name": "ERP export"}, content_type="application/json", **auth)
        assert response.status_code == 201
        created = response.json()
        assert created["name"] == "ERP export" and created["token"].startswith(created["prefix"])
        assert me(client, created["token"]).json()["username"] == "staf.hk"
        listed = client.get("/api/v1/tokens/", **auth).json()["results"]
        assert {t["name"] for t in listed} == {"setup", "ERP export"} and all("token" not in t for t in listed)
        assert "token" not in client.get(f"/api/v1/tokens/{created['id']}/", **auth).json()

    def test_revoke_by_delete_then_401(self, client, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="setup")
        other, other_secret = api_token_create(user=staf_hk, name="ERP")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        assert client.delete(f"/api/v1/tokens/{other.pk}/", **auth).status_code == 204
        assert me(client, other_secret).status_code == 401
        assert client.delete(f"/api/v1/tokens/{other.pk}/", **auth).status_code == 404
        assert ApiToken.objects.get(pk=other.pk).revoked_at is not None

    def test_others_tokens_are_invisible(self, client, staf_hk, staf_pln):
        theirs, _secret = api_token_create(user=staf_pln, name="PLN ERP")
        _token, secret = api_token_create(user=staf_hk, name="setup")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        assert [t["name"] for t in client.get("/api/v1/tokens/", **auth).json()["results"]] == ["setup"]
        assert client.get(f"/api/v1/tokens/{theirs.pk}/", **auth).status_code == 404
        assert client.delete(f"/api/v1/tokens/{theirs.pk}/", **auth).status_code == 404

    def test_expiry_can_be_set_and_must_be_future(self, client, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="setup")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        past = (timezone.now() - timedelta(days=1)).isoformat()
        response = client.post(
            "/api/v1/tokens/", {"name": "x", "expires_at": past}, content_type="application/json", **auth
        )
        assert response.status_code == 422 and "expires_at" in problem_fields(response)
        future = (timezone.now() + timedelta(days=30)).isoformat()
        response = client.post(
            "/api/v1/tokens/", {"name": "x", "expires_at": future}, content_type="application/json", **auth
        )
        assert response.status_code == 201 and response.json()["expires_at"] is not None

    def test_session_writes_need_the_csrf_token(self, staf_hk):
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(staf_hk)
        assert browser.get("/api/v1/tokens/").status_code == 200
        response = browser.post("/api/v1/tokens/", {"name": "x"}, content_type="application/json")
        assert response.status_code == 403 and not ApiToken.objects.exists()


class TestTokensOnProfilePage:
    def test_create_shows_the_secret_once(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.post("/accounts/profile/tokens/", {"name": "Laporan ERP", "expires_on": ""})
        assert response.status_code == 201
        token = ApiToken.objects.get(user=staf_hk)
        secret = response.context["new_secret"]
        assert secret in response.content.decode() and token.key_hash == api_token_hash(secret)
        page = client.get("/accounts/profile/").content.decode()
        assert "Laporan ERP" in page and token.prefix in page and secret not in page

    def test_expiry_date_is_entered_day_first(self, client, staf_hk):
        client.force_login(staf_hk)
        day = timezone.localdate() + timedelta(days=10)
        client.post("/accounts/profile/tokens/", {"name": "short", "expires_on": day.strftime("%d/%m/%Y")})
        assert timezone.localtime(ApiToken.objects.get(user=staf_hk).expires_at).date() == day

    def test_missing_name_is_refused(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.post("/accounts/profile/tokens/", {"name": ""})
        assert response.status_code == 400 and not ApiToken.objects.exists()

    def test_revoke(self, client, staf_hk):
        token, _secret = api_token_create(user=staf_hk, name="Sinkron gudang")
        client.force_login(staf_hk)
        response = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
        assert response.status_code == 302
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
        page = client.get("/accounts/profile/")
        assert list(page.context["tokens"]) == [] and [str(m) for m in page.context["messages"]]

    def test_cannot_revoke_another_users_token(self, client, staf_hk, staf_pln):
        token, _secret = api_token_create(user=staf_pln, name="PLN")
        client.force_login(staf_hk)
        assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
        assert ApiToken.objects.get(pk=token.pk).revoked_at is None

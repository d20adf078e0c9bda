"""A password change, whatever its way, revokes the user's API tokens; password resets are rate-limited."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import ApiToken
from accounts.services import api_token_create
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["staf_hk", "manajer_hk", "staf_pln", "pejabat_sumsel", "pejabat_maluku", "auditor", "admin_user"]
NEW_PASSWORD = "kuda-baterai-staples-7"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def me(client, secret):
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")


class TestTokensEndWithThePassword:
    @pytest.mark.parametrize("role", ROLES)
    def test_changing_ones_password_revokes_every_token(self, request, client, role):
        user = request.getfixturevalue(role)
        secrets = [api_token_create(user=user, name=f"ERP {n}")[1] for n in range(2)]
        assert me(client, secrets[0]).status_code == 200
        client.force_login(user)
        response = client.post(
            "/accounts/password_change/",
            {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        client.logout()
        assert [me(client, s).status_code for s in secrets] == [401, 401]
        assert not ApiToken.objects.filter(user=user).usable().exists()

    @pytest.mark.parametrize("role", ROLES)
    def test_a_password_reset_revokes_every_token(self, request, client, role):
        user = request.getfixturevalue(role)
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
        _token, secret = api_token_create(user=user, name="ERP")
        client.post("/accounts/password_reset/", {"email": user.email})
        link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[-1].body).group(1)
        form_url = client.get(link).url  # Django swaps the token for a session marker
        response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert response.status_code == 302
        assert me(client, secret).status_code == 401

    def test_a_superuser_setting_a_password_in_the_admin_revokes_the_tokens(self, client, admin_user, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="ERP")
        client.force_login(admin_user)
        response = client.post(
            f"/admin/accounts/user/{staf_hk.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )
        assert response.status_code == 302, response.content[:2000]
        assert me(client, secret).status_code == 401

    def test_set_password_anywhere_else_revokes_them_too(self, client, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="ERP")
        staf_hk.set_password(NEW_PASSWORD)
        staf_hk.save()
        assert me(client, secret).status_code == 401

    def test_logging_in_and_saving_the_profile_keep_the_tokens(self, client, staf_hk):
        _token, secret = api_token_create(user=staf_hk, name="ERP")
        client.post("/accounts/login/", {"username": "staf.hk", "password": TEST_PASSWORD})
        staf_hk.refresh_from_db()
        staf_hk.position = "Kepala Unit"
        staf_hk.save()
        assert me(client, secret).status_code == 200

    def test_other_users_tokens_stay(self, client, staf_hk, staf_pln):
        _token, secret = api_token_create(user=staf_pln, name="ERP")
        staf_hk.set_password(NEW_PASSWORD)
        staf_hk.save()
        assert me(client, secret).status_code == 200


def ask_reset(client, email, address="203.0.113.5"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


class TestPasswordResetLimits:
    @pytest.mark.parametrize("role", ROLES)
    def test_an_account_gets_three_links_an_hour_then_a_message(self, request, client, role):
        user = request.getfixturevalue(role)
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
        for n in range(3):
            assert ask_reset(client, user.email, f"203.0.113.{n + 1}").status_code == 302
        response = ask_reset(client, user.email.upper(), "198.51.100.9")  # another address, same account
        assert response.status_code == 200
        assert "Terlalu banyak permintaan" in " ".join(response.context["form"].errors["email"])
        assert len(mail.outbox) == 3

    def test_an_unknown_address_is_answered_exactly_like_a_known_one(self, client, staf_hk):
        staf_hk.email = "rina@example.org"
        staf_hk.save(update_fields=["email"])
        known = [ask_reset(client, "rina@example.org", f"203.0.113.{n}") for n in range(1, 5)]
        unknown = [ask_reset(client, "tidak.ada@example.org", f"198.51.100.{n}") for n in range(1, 5)]
        assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302, 302, 302, 200]
        assert known[-1].context["form"].errors == unknown[-1].context["form"].errors
        assert [r.url for r in known[:3]] == [r.url for r in unknown[:3]]

    def test_one_address_asking_for_many_accounts_is_stopped(self, client, staf_hk):
        staf_hk.email = "rina@example.org"
        staf_hk.save(update_fields=["email"])
        for n in range(10):
            assert ask_reset(client, f"orang{n}@example.org").status_code == 302
        response = ask_reset(client, "rina@example.org")
        assert response.status_code == 200
        assert "alamat jaringan Anda" in " ".join(response.context["form"].non_field_errors())
        assert mail.outbox == []
        assert ask_reset(client, "rina@example.org", "198.51.100.9").status_code == 302
        assert len(mail.outbox) == 1

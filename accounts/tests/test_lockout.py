"""Log-in lockout across addresses and across usernames, with a notice to the account's owner."""

import pytest
from django.core import mail
from django.core.cache import cache

from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["staf_hk", "manajer_hk", "staf_pln", "pejabat_sumsel", "pejabat_maluku", "auditor", "admin_user"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def log_in(client, username, password, address):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def spread(client, username, *, addresses: int, per_address: int) -> None:
    for a in range(addresses):
        for _ in range(per_address):
            log_in(client, username, "wrong-password", f"203.0.113.{a + 1}")


class TestAcrossAddresses:
    @pytest.mark.parametrize("role", ROLES)
    def test_24_wrong_passwords_over_six_addresses_lock_the_account(self, request, client, role):
        user = request.getfixturevalue(role)
        spread(client, user.username, addresses=6, per_address=4)  # below the per-address limit everywhere
        response = log_in(client, user.username, TEST_PASSWORD, "198.51.100.7")
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        assert "Akun ini dikunci" in response.content.decode()

    def test_below_the_username_limit_the_owner_still_logs_in(self, client, staf_hk, settings):
        spread(client, "staf.hk", addresses=3, per_address=3)  # 9 < 10
        assert settings.TJSL_LOCKOUT_USERNAME_LIMIT == 10
        assert log_in(client, "staf.hk", TEST_PASSWORD, "198.51.100.7").status_code == 302

    def test_the_owner_is_told_once_by_e_mail(self, client, staf_hk):
        staf_hk.email = "rina@example.org"
        staf_hk.save(update_fields=["email"])
        spread(client, "staf.hk", addresses=6, per_address=4)
        assert len(mail.outbox) == 1
        notice = mail.outbox[0]
        assert notice.to == ["rina@example.org"]
        assert "dikunci" in notice.subject
        assert "staf.hk" in notice.body and "dari 3 alamat" in notice.body  # locked at the 10th, 3rd address
        assert "203.0.113" not in notice.body

    def test_no_notice_for_an_unknown_username_and_the_same_answer(self, client, staf_hk):
        spread(client, "tidak.ada", addresses=6, per_address=4)
        response = log_in(client, "tidak.ada", "whatever", "198.51.100.7")
        assert response.status_code == 429 and mail.outbox == []


class TestAcrossUsernames:
    @pytest.mark.parametrize("role", ROLES)
    def test_one_address_trying_many_usernames_is_paused_for_everyone(self, request, client, role):
        victim = request.getfixturevalue(role)
        for n in range(20):  # one guess for each of 20 accounts: below every per-account limit
            log_in(client, f"pengguna.{n}", "Rahasia2023!", "203.0.113.9")
        response = log_in(client, victim.username, TEST_PASSWORD, "203.0.113.9")
        assert response.status_code == 429
        assert "alamat jaringan Anda" in response.content.decode()
        assert log_in(client, victim.username, TEST_PASSWORD, "198.51.100.7").status_code == 302

    def test_logging_into_ones_own_account_does_not_clear_the_address(self, client, staf_pln):
        for n in range(19):
            log_in(client, f"pengguna.{n}", "Rahasia2023!", "203.0.113.9")
        assert log_in(client, "staf.pln", TEST_PASSWORD, "203.0.113.9").status_code == 302
        client.logout()
        log_in(client, "pengguna.19", "Rahasia2023!", "203.0.113.9")
        assert log_in(client, "staf.pln", TEST_PASSWORD, "203.0.113.9").status_code == 429

    def test_no_account_is_e_mailed_for_an_address_lockout(self, client, staf_hk):
        staf_hk.email = "rina@example.org"
        staf_hk.save(update_fields=["email"])
        for n in range(20):
            log_in(client, f"pengguna.{n}", "Rahasia2023!", "203.0.113.9")
        log_in(client, "staf.hk", "wrong-password", "203.0.113.9")
        assert mail.outbox == []

"""Company administrators manage their company's users in the app, never beyond their own role."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client

from accounts.models import ApiToken, User, UserEvent
from accounts.roles import Role
from accounts.services import api_token_create
from conftest import TEST_PASSWORD, make_user
from regions.models import Region

pytestmark = pytest.mark.django_db

ESCALATION = {
    "is_superuser": "on",
    "is_staff": "on",
    "groups": lambda: [str(g.pk) for g in Group.objects.all()],
    "user_permissions": lambda: [str(p.pk) for p in Permission.objects.all()[:50]],
    "company": lambda: "",
}


def escalation_payload(**fields) -> dict:
    payload = {key: value() if callable(value) else value for key, value in ESCALATION.items()}
    payload.update(fields)
    return payload


@pytest.fixture
def admin_hk(hk):
    return make_user("admin.hk", Role.ADMINISTRATOR, company=hk, email="admin.hk@example.org")


@pytest.fixture
def admin_pln(pln):
    return make_user("admin.pln", Role.ADMINISTRATOR, company=pln, email="admin.pln@example.org")


@pytest.fixture
def admin_hk_sumsel(hk):
    return make_user("admin.hk.sumsel", Role.ADMINISTRATOR, company=hk, region_code="16")


def form_for(user: User, **changes) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or "someone@example.org",
        "position": user.position,
        "role": user.role.value,
        "region": user.region_id or "",
    }
    data.update(changes)
    return data


def invite_data(**changes) -> dict:
    data = {
        "username": "budi.hk",
        "first_name": "Budi",
        "last_name": "Setiawan",
        "email": "budi@example.org",
        "position": "Staf lapangan",
        "role": Role.STAF.value,
        "region": "",
    }
    data.update(changes)
    return data


def logs_in(username: str, password: str) -> bool:
    """Through the login page, as a person would (and as the login throttle requires)."""
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)


class TestAccess:
    @pytest.mark.parametrize(
        "who", ["staf_hk", "manajer_hk", "staf_pln", "pejabat_sumsel", "pejabat_maluku", "auditor"]
    )
    def test_other_roles_get_403_on_every_page_and_action(self, client, request, who, admin_hk):
        client.force_login(request.getfixturevalue(who))
        for path in ["/accounts/users/", "/accounts/users/invite/", f"/accounts/users/{admin_hk.pk}/"]:
            assert client.get(path).status_code == 403, path
        for action in ["edit", "deactivate", "reactivate", "password-reset"]:
            assert client.post(f"/accounts/users/{admin_hk.pk}/{action}/").status_code == 403, action
        assert client.post("/accounts/users/invite/", invite_data()).status_code == 403
        assert not User.objects.filter(username="budi.hk").exists()

    def test_anonymous_visitor_is_sent_to_login(self, client):
        response = client.get("/accounts/users/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("who", ["staf_hk", "manajer_hk", "pejabat_sumsel", "auditor", "admin_user"])
    def test_navigation_link_only_for_company_administrators(self, client, request, who, admin_hk):
        client.force_login(request.getfixturevalue(who))
        assert "/accounts/users/" not in client.get("/").content.decode()
        client.force_login(admin_hk)
        assert "/accounts/users/" in client.get("/").content.decode()

    def test_list_shows_own_company_only_in_both_languages(self, client, admin_hk, staf_hk, manajer_hk, staf_pln):
        client.force_login(admin_hk)
        page = client.get("/accounts/users/").content.decode()
        assert "Pengguna Hutama Karya" in page
        assert "staf.hk" in page and "manajer.hk" in page and "Staf TJSL" in page
        assert "staf.pln" not in page
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = client.get("/accounts/users/").content.decode()
        assert "Users of Hutama Karya" in page and "Invite a user" in page

    def test_list_does_not_query_once_per_user(self, client, admin_hk, hk, django_assert_max_num_queries):
        for number in range(15):
            make_user(f"staf{number}.hk", Role.STAF, company=hk)
        client.force_login(admin_hk)
        with django_assert_max_num_queries(12):
            assert client.get("/accounts/users/").status_code == 200


class TestInvite:
    def test_invite_creates_the_user_and_emails_a_working_set_password_link(
        self, client, admin_hk, hk, django_capture_on_commit_callbacks
    ):
        client.force_login(admin_hk)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/users/invite/", invite_data(region=Region.objects.get(code="16").pk))
        budi = User.objects.get(username="budi.hk")
        assert response.status_code == 302 and response["Location"] == f"/accounts/users/{budi.pk}/"
        assert budi.company == hk and budi.role == Role.STAF and budi.region.code == "16"
        assert not budi.is_staff and not budi.is_superuser and not budi.has_usable_password()
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["budi@example.org"]
        assert "budi.hk" in mail.outbox[0].body

        client.logout()
        form_page = client.get(link_in(mail.outbox[0]), follow=True)
        assert form_page.status_code == 200 and form_page.context["validlink"]
        new_password = "a-new-long-passphrase-77"
        done = client.post(
            form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
        )
        assert done.status_code == 302
        assert logs_in("budi.hk", new_password)

    def test_invite_needs_an_email_with_a_field_error(self, client, admin_hk):
        client.force_login(admin_hk)
        response = client.post("/accounts/users/invite/", invite_data(email=""))
        assert response.status_code == 400 and list(response.context["form"].errors) == ["email"]
        assert not User.objects.filter(username="budi.hk").exists() and not mail.outbox

    def test_invite_of_a_taken_username_gets_a_field_error(self, client, admin_hk, staf_hk):
        client.force_login(admin_hk)
        response = client.post("/accounts/users/invite/", invite_data(username="staf.hk"))
        assert response.status_code == 400 and list(response.context["form"].errors) == ["username"]
        assert "Pengguna dengan nama pengguna tersebut sudah ada." in response.content.decode()
        assert User.objects.filter(username="staf.hk").count() == 1 and not mail.outbox

    @pytest.mark.parametrize("role", [Role.PEJABAT, Role.AUDITOR, "superuser", "Platform"])
    def test_invite_cannot_give_a_platform_role(self, client, admin_hk, role):
        client.force_login(admin_hk)
        response = client.post("/accounts/users/invite/", escalation_payload(**invite_data(role=str(role))))
        assert response.status_code == 400 and "role" in response.context["form"].errors
        assert not User.objects.filter(username="budi.hk").exists()

    def test_invited_user_gets_no_flag_group_or_company_sent_along(self, client, admin_hk, hk, pln):
        client.force_login(admin_hk)
        client.post("/accounts/users/invite/", escalation_payload(**invite_data(company=pln.pk)))
        budi = User.objects.get(username="budi.hk")
        assert (budi.is_superuser, budi.is_staff, budi.company) == (False, False, hk)
        assert set(budi.groups.values_list("name", flat=True)) == {Role.STAF.value}
        assert not budi.user_permissions.exists()

    def test_regional_administrator_invites_only_inside_their_region(self, client, admin_hk_sumsel):
        client.force_login(admin_hk_sumsel)
        for region in ["", Region.objects.get(code="81").pk]:
            response = client.post("/accounts/users/invite/", invite_data(region=region))
            assert response.status_code == 400 and "region" in response.context["form"].errors
        ogan_ilir = Region.objects.get(code="16.10").pk
        assert client.post("/accounts/users/invite/", invite_data(region=ogan_ilir)).status_code == 302


class TestRoleChange:
    def test_role_and_region_change_within_the_company(self, client, admin_hk, staf_hk):
        client.force_login(admin_hk)
        ambon = Region.objects.get(code="81.71")
        response = client.post(
            f"/accounts/users/{staf_hk.pk}/edit/", form_for(staf_hk, role=Role.MANAJER.value, region=ambon.pk)
        )
        assert response.status_code == 302
        staf_hk = User.objects.get(pk=staf_hk.pk)
        assert staf_hk.role == Role.MANAJER and staf_hk.region == ambon

    @pytest.mark.parametrize("role", [Role.PEJABAT, Role.AUDITOR])
    def test_cannot_give_a_role_beyond_the_company(self, client, admin_hk, staf_hk, role):
        client.force_login(admin_hk)
        response = client.post(f"/accounts/users/{staf_hk.pk}/edit/", form_for(staf_hk, role=role.value))
        assert response.status_code == 400 and "role" in response.context["form"].errors
        assert User.objects.get(pk=staf_hk.pk).role == Role.STAF

    def test_cannot_escalate_itself_or_others_by_posting_flags(self, client, admin_hk, staf_hk):
        client.force_login(admin_hk)
        for target in (admin_hk, staf_hk):
            client.post(f"/accounts/users/{target.pk}/edit/", escalation_payload(**form_for(target)))
        for user in User.objects.filter(pk__in=[admin_hk.pk, staf_hk.pk]):
            assert not user.is_superuser and not user.is_staff and not user.user_permissions.exists()
            assert user.groups.count() == 1
        assert User.objects.get(pk=admin_hk.pk).role == Role.ADMINISTRATOR

    def test_cannot_change_own_role_or_region(self, client, admin_hk):
        client.force_login(admin_hk)
        response = client.post(f"/accounts/users/{admin_hk.pk}/edit/", form_for(admin_hk, role=Role.STAF.value))
        assert response.status_code == 400 and "role" in response.context["form"].errors
        region = Region.objects.get(code="16").pk
        response = client.post(f"/accounts/users/{admin_hk.pk}/edit/", form_for(admin_hk, region=region))
        assert response.status_code == 400 and "region" in response.context["form"].errors

    def test_bad_email_gets_a_field_error_in_indonesian_and_nothing_saved(self, client, admin_hk, staf_hk):
        client.force_login(admin_hk)
        response = client.post(
            f"/accounts/users/{staf_hk.pk}/edit/", form_for(staf_hk, email="not-an-address", role=Role.MANAJER.value)
        )
        assert response.status_code == 400
        assert "Masukkan alamat email dengan format yang benar." in response.content.decode()
        assert User.objects.get(pk=staf_hk.pk).role == Role.STAF

    def test_superuser_with_a_company_is_not_managed_by_its_administrator(self, client, admin_hk, hk):
        root = make_user("root.hk", Role.ADMINISTRATOR, company=hk, is_superuser=True, is_staff=True)
        client.force_login(admin_hk)
        assert "root.hk" not in client.get("/accounts/users/").content.decode()
        assert client.get(f"/accounts/users/{root.pk}/").status_code == 404
        assert client.post(f"/accounts/users/{root.pk}/deactivate/").status_code == 404
        assert User.objects.get(pk=root.pk).is_active


class TestOtherCompany:
    @pytest.mark.parametrize("action", ["", "edit/"])
    def test_pages_of_another_companys_user_answer_404(self, client, admin_pln, staf_hk, action):
        client.force_login(admin_pln)
        assert client.get(f"/accounts/users/{staf_hk.pk}/{action}").status_code == 404

    @pytest.mark.parametrize("action", ["edit", "deactivate", "reactivate", "password-reset"])
    def test_actions_on_another_companys_user_answer_404_and_change_nothing(
        self, client, admin_pln, staf_hk, action, django_capture_on_commit_callbacks
    ):
        client.force_login(admin_pln)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/accounts/users/{staf_hk.pk}/{action}/", escalation_payload(**form_for(staf_hk, role="Manajer"))
            )
        assert response.status_code == 404
        staf_hk = User.objects.get(pk=staf_hk.pk)
        assert staf_hk.is_active and staf_hk.role == Role.STAF and staf_hk.company.code == "HK"
        assert not UserEvent.objects.exists() and not mail.outbox

    def test_platform_users_in_no_company_are_out_of_reach(self, client, admin_hk, pejabat_sumsel, auditor):
        client.force_login(admin_hk)
        for user in (pejabat_sumsel, auditor):
            assert client.get(f"/accounts/users/{user.pk}/").status_code == 404

    def test_regional_administrator_does_not_reach_national_or_other_region_users(self, client, admin_hk_sumsel, hk):
        national = make_user("national.hk", Role.STAF, company=hk)
        maluku = make_user("maluku.hk", Role.STAF, company=hk, region_code="81")
        ogan_ilir = make_user("oi.hk", Role.STAF, company=hk, region_code="16.10")
        client.force_login(admin_hk_sumsel)
        assert client.get(f"/accounts/users/{national.pk}/").status_code == 404
        assert client.get(f"/accounts/users/{maluku.pk}/").status_code == 404
        assert client.get(f"/accounts/users/{ogan_ilir.pk}/").status_code == 200


class TestDeactivate:
    def test_deactivated_user_cannot_log_in_loses_session_and_tokens(self, client, admin_hk, staf_hk):
        token, secret = api_token_create(user=staf_hk, name="ERP")
        other = Client()
        other.force_login(staf_hk)
        assert other.get("/").status_code == 200
        client.force_login(admin_hk)
        response = client.post(f"/accounts/users/{staf_hk.pk}/deactivate/", follow=True)
        assert "tidak dapat masuk lagi" in response.content.decode()
        assert not User.objects.get(pk=staf_hk.pk).is_active

        assert other.get("/").status_code == 302  # the open session ends
        assert not logs_in("staf.hk", TEST_PASSWORD)
        assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None

    def test_reactivated_user_logs_in_again(self, client, admin_hk, staf_hk):
        client.force_login(admin_hk)
        client.post(f"/accounts/users/{staf_hk.pk}/deactivate/")
        client.post(f"/accounts/users/{staf_hk.pk}/reactivate/")
        assert logs_in("staf.hk", TEST_PASSWORD)

    def test_administrator_cannot_deactivate_itself(self, client, admin_hk):
        client.force_login(admin_hk)
        response = client.post(f"/accounts/users/{admin_hk.pk}/deactivate/", follow=True)
        assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in response.content.decode()
        assert User.objects.get(pk=admin_hk.pk).is_active

    def test_deactivate_needs_post(self, client, admin_hk, staf_hk):
        client.force_login(admin_hk)
        assert client.get(f"/accounts/users/{staf_hk.pk}/deactivate/").status_code == 405
        assert User.objects.get(pk=staf_hk.pk).is_active


class TestPasswordReset:
    def test_sends_a_link_that_sets_a_new_password(self, client, admin_hk, hk, django_capture_on_commit_callbacks):
        staf = make_user("staf.hk", Role.STAF, company=hk, email="rina@example.org")
        client.force_login(admin_hk)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/accounts/users/{staf.pk}/password-reset/")
        assert response.status_code == 302
        assert mail.outbox[0].to == ["rina@example.org"]
        anonymous = Client()
        form_page = anonymous.get(link_in(mail.outbox[0]), follow=True)
        assert form_page.context["validlink"]
        new_password = "another-long-passphrase-3"
        anonymous.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
        assert logs_in("staf.hk", new_password)

    def test_user_without_email_gets_a_clear_message(self, client, admin_hk, staf_hk):
        client.force_login(admin_hk)
        response = client.post(f"/accounts/users/{staf_hk.pk}/password-reset/", follow=True)
        assert "tidak memiliki alamat e-mail" in response.content.decode()
        assert not mail.outbox and not UserEvent.objects.exists()


class TestHistory:
    def test_history_shows_who_changed_what(self, client, admin_hk, django_capture_on_commit_callbacks):
        client.force_login(admin_hk)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/users/invite/", invite_data())
        budi = User.objects.get(username="budi.hk")
        client.post(f"/accounts/users/{budi.pk}/edit/", form_for(budi, role=Role.MANAJER.value, position="Koordinator"))
        client.post(f"/accounts/users/{budi.pk}/deactivate/")
        client.post(f"/accounts/users/{budi.pk}/reactivate/")

        events = list(UserEvent.objects.filter(user=budi).order_by("pk"))
        assert [e.action for e in events] == ["invited", "changed", "deactivated", "reactivated"]
        assert all(e.actor == admin_hk for e in events)
        assert events[1].changes == {"role": ["Staf TJSL", "Manajer"], "position": ["Staf lapangan", "Koordinator"]}

        page = client.get(f"/accounts/users/{budi.pk}/").content.decode()
        history = page[page.index('id="history"') :]
        assert "admin.hk" in history
        assert "Peran: Staf TJSL → Manajer" in history
        assert "Jabatan: Staf lapangan → Koordinator" in history
        assert "dinonaktifkan" in history and "diaktifkan kembali" in history

    def test_history_page_in_english(self, client, admin_hk, staf_hk):
        client.force_login(admin_hk)
        client.post(f"/accounts/users/{staf_hk.pk}/edit/", form_for(staf_hk, role=Role.MANAJER.value))
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = client.get(f"/accounts/users/{staf_hk.pk}/").content.decode()
        assert "Role: TJSL staff → Manager" in page and "History" in page

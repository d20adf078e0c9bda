"""Service accounts: a company administrator creates one for a system on a page, the system takes
an OAuth 2 token with client credentials and calls the API within the role and region it was
given; what it writes names it; revoking stops its tokens at once; nobody else manages them and
a service account never signs in to pages."""

import base64

import pytest
from django.urls import reverse

from accounts.models import User, UserEvent
from accounts.roles import Role
from accounts.service_accounts import service_account_create
from conftest import make_program, make_user
from disbursements.models import Disbursement, Transition
from disbursements.tests.conftest import make_partner
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_hk(hk):
    return make_user("admin.hk", Role.ADMINISTRATOR, company=hk)


def token_for(client, client_id: str, secret: str):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return client.post("/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}")


def bearer(access_token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {access_token}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_an_administrator_creates_one_and_the_system_works_with_its_role_and_region(client, admin_hk):
    program = make_program(admin_hk.company)
    program.target_regions.add(Region.objects.get(code="16"))  # present in Sumatera Selatan
    client.force_login(admin_hk)
    page = client.post(
        "/accounts/service-accounts/",
        {"name": "ERP Keuangan", "role": Role.STAF.value, "region": Region.objects.get(code="16").pk},
        follow=True,
    )
    assert page.redirect_chain == [("/accounts/service-accounts/", 302)]  # reloading creates nothing twice
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    account = User.objects.get(is_service_account=True)
    client_id, secret = page.context["created"]["client_id"], page.context["created"]["secret"]
    assert client_id in page.content.decode() and secret in page.content.decode()
    assert secret not in client.get("/accounts/service-accounts/").content.decode()  # shown once
    assert not account.has_usable_password() and account.company == admin_hk.company
    client.logout()

    response = token_for(client, client_id, secret)
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    me = client.get("/api/v1/me/", **bearer(token)).json()
    assert (me["role"], me["scope"]["company_id"], me["scope"]["region_code"]) == (
        Role.STAF.value, admin_hk.company_id, "16",
    )  # fmt: skip

    inside = make_partner("Songket Palembang", Region.objects.get(code="16.71"))
    outside = make_partner("Sagu Ambon", Region.objects.get(code="81.71"))
    assert client.get(f"/api/v1/partners/{inside.pk}/", **bearer(token)).status_code == 200
    assert client.get(f"/api/v1/partners/{outside.pk}/", **bearer(token)).status_code == 404
    body = {
        "program": program.pk,
        "recipient": {"partner": inside.pk},
        "handed_on": "2023-11-09",
        "place_regency": "16.71",
        "place": "Balai Kota Palembang",
        "giver_name": "Kepala Unit TJSL",
        "giver_position": "Kepala Unit",
        "receiver_name": "Pemilik Songket Palembang",
        "receiver_position": "Pemilik usaha",
        "items": [{"kind": "peralatan", "description": "Alat tenun", "quantity": "2", "unit": "unit",
                   "unit_value": 3_500_000}],
    }  # fmt: skip
    created = client.post("/api/v1/handovers/", body, content_type="application/json", **bearer(token))
    assert created.status_code == 201, created.content
    handover = Disbursement.objects.get(pk=created.json()["id"])
    assert handover.created_by == account  # the write names the system that made it
    submitted = client.post(
        f"/api/v1/handovers/{handover.pk}/submit/", content_type="application/json", **bearer(token)
    )
    assert submitted.status_code == 200, submitted.content
    assert Transition.objects.filter(disbursement=handover, to_status="submitted").get().actor == account
    assert account.display_name == "ERP Keuangan (service account)"
    approve = client.post(f"/api/v1/handovers/{handover.pk}/approve/", content_type="application/json", **bearer(token))
    assert approve.status_code == 403  # staff: approving is a manager's


def test_revoking_stops_its_tokens_at_once(client, admin_hk):
    account, application, secret = service_account_create(actor=admin_hk, name="Bank H2H", role=Role.MANAJER)
    token = token_for(client, application.client_id, secret).json()["access_token"]
    assert client.get("/api/v1/me/", **bearer(token)).status_code == 200
    client.force_login(admin_hk)
    response = client.post(reverse("accounts:service-account-revoke", args=[account.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get("/api/v1/me/", **bearer(token)).status_code == 401
    assert token_for(client, application.client_id, secret).status_code == 401
    assert UserEvent.objects.filter(user=account, action=UserEvent.Action.SERVICE_ACCOUNT_REVOKED).exists()


def test_wrong_credentials_and_other_grants_get_no_token(client, admin_hk):
    _account, application, secret = service_account_create(actor=admin_hk, name="ERP", role=Role.STAF)
    assert token_for(client, application.client_id, secret + "x").status_code == 401
    password = client.post(
        "/o/token/", {"grant_type": "password", "username": "admin.hk", "password": "x",
                      "client_id": application.client_id, "client_secret": secret},
    )  # fmt: skip
    assert password.status_code in (400, 401) and "access_token" not in password.json()
    assert client.get("/api/v1/me/", **bearer("not-a-real-token")).status_code == 401


def test_only_the_companys_administrators_manage_them(client, admin_hk, staf_hk, manajer_hk, pejabat_sumsel, pln):
    account, application, _secret = service_account_create(actor=admin_hk, name="Sistem Gudang", role=Role.STAF)
    for user in (staf_hk, manajer_hk, pejabat_sumsel):
        client.force_login(user)
        assert client.get("/accounts/service-accounts/").status_code == 403
        assert client.post(reverse("accounts:service-account-revoke", args=[account.pk])).status_code == 403
    client.force_login(make_user("admin.pln", Role.ADMINISTRATOR, company=pln))
    other_company = client.get("/accounts/service-accounts/").content.decode()
    assert "Sistem Gudang" not in other_company and application.client_id not in other_company
    assert client.post(reverse("accounts:service-account-revoke", args=[account.pk])).status_code == 404
    assert User.objects.get(pk=account.pk).is_active


def test_a_service_account_is_no_person(client, admin_hk):
    client.force_login(admin_hk)
    refused = client.post("/accounts/service-accounts/", {"name": "Robot", "role": Role.ADMINISTRATOR.value})
    assert refused.status_code == 400 and "role" in refused.context["form"].errors
    account, _application, _secret = service_account_create(actor=admin_hk, name="ERP", role=Role.STAF)
    assert account.username not in client.get("/accounts/users/").content.decode()  # not among the people
    client.logout()
    login = client.post("/accounts/login/", {"username": account.username, "password": ""})
    assert login.status_code == 200 and "_auth_user_id" not in client.session

"""A company administrator connects the company's systems, in Chromium, through what the pages
show: subscribes a receiver to events and sends it a test event, then creates a service account,
copies its client ID and secret from the screen, and revokes it (its token stops working)."""

import base64
import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from accounts.models import Company
from accounts.roles import Role
from conftest import make_user, requires_chromium
from tjsl.tests.person import screen_for
from tjsl.tests.test_journey_handover_items import log_in
from webhooks.models import Delivery, Subscription

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin(live_db):
    hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
    return make_user("admin.hk", Role.ADMINISTRATOR, company=hk, first_name="Sinta")


def call(url: str, *, data: bytes | None = None, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (the test's live server)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def test_an_administrator_connects_a_system_and_disconnects_it(page, admin, live_server, request):
    screen = screen_for(page, request)
    log_in(page, "admin.hk")
    page.get_by_role("link", name="Webhook", exact=True).click()
    expect(page.get_by_role("heading", name="Webhook")).to_be_visible()
    page.get_by_label("URL penerima").press_sequentially("http://127.0.0.1:9/tjsl/events")
    page.get_by_label("Penyaluran disetujui").check()
    page.get_by_label("Laporan dampak siap").check()
    screen.check("webhook-new")
    page.get_by_role("button", name="Berlangganan").click()
    expect(page.get_by_role("alert").first).to_contain_text("Langganan dibuat")
    subscription = Subscription.objects.get()
    expect(page.locator("#secret")).to_have_text(subscription.secret)
    page.get_by_role("button", name="Kirim peristiwa uji").click()
    expect(page.get_by_role("alert").first).to_contain_text("Peristiwa uji sedang dikirim")
    expect(page.locator("#deliveries")).to_contain_text("ping")
    screen.check("webhook-detail")
    assert Delivery.objects.get().event == "ping"

    page.get_by_role("link", name="Pengguna", exact=True).click()
    page.get_by_role("link", name="Akun layanan").click()
    page.get_by_label("Nama sistem").press_sequentially("ERP Keuangan")
    page.get_by_label("Peran").select_option(label="Staf TJSL")
    page.get_by_role("button", name="Buat akun layanan").click()
    expect(page.get_by_role("status")).to_contain_text("ERP Keuangan (akun layanan) telah dibuat.")
    client_id = page.locator("#client-id").inner_text()
    secret = page.locator("#client-secret").inner_text()
    screen.check("service-account-created")

    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    status, token = call(f"{live_server.url}/o/token/", data=b"grant_type=client_credentials",
                         headers={"Authorization": f"Basic {basic}",
                                  "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert status == 200, token
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    status, me = call(f"{live_server.url}/api/v1/me/", headers=bearer)
    assert status == 200 and me["role"] == Role.STAF.value and me["company"]["code"] == "HK"

    page.reload()
    expect(page.get_by_text(secret)).to_have_count(0)  # the secret was shown once
    page.get_by_role("button", name="Cabut").click()
    expect(page.get_by_role("alert").first).to_contain_text("tidak dapat lagi memanggil API")
    expect(page.get_by_text("Dicabut")).to_be_visible()
    screen.check("service-account-revoked")
    assert call(f"{live_server.url}/api/v1/me/", headers=bearer)[0] == 401

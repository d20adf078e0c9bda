"""Webhooks end to end: a company administrator subscribes a receiver on 127.0.0.1, a real Celery
worker delivers each event after the commit, signed; a 500 is retried with the same event id
until it is received; a rolled-back change sends nothing; after 24 hours it gives up; nobody but
the company's administrators sees or manages subscriptions; a receiver inside the server's own
network is refused in production."""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as settings_module
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.services import api_token_create
from conftest import make_user, problem_fields, requires_redis, wait_until
from disbursements.services import disbursement_approve
from disbursements.tests.conftest import submitted_for
from tjsl.celery import app as celery_app
from tjsl.models import OutboxMessage
from webhooks.models import Delivery, Subscription
from webhooks.services import deliveries_due, subscription_create
from webhooks.signing import signed_headers, verify
from webhooks.tasks import webhook_deliveries_due


class Receiver:
    """A system on 127.0.0.1 that records what it receives and answers the codes it is told to."""

    def __init__(self, answers=()):
        self.requests: list[tuple[dict, bytes]] = []
        self.answers = list(answers)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                if code in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/tjsl/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def admin_hk(hk):
    return make_user("admin.hk", Role.ADMINISTRATOR, company=hk)


def bearer(user) -> dict:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='hooks')[1]}",
        "HTTP_ACCEPT_LANGUAGE": "en",
    }


def subscribe(client, admin, url, events) -> dict:
    response = client.post(
        "/api/v1/webhooks/", {"url": url, "events": events}, content_type="application/json", **bearer(admin)
    )
    assert response.status_code == 201, response.content
    return response.json()


@requires_redis
def test_an_approval_reaches_the_receiver_signed_after_the_commit(
    client, live_db, receiver, admin_hk, staf_hk, manajer_hk, program, partner
):
    subscription = subscribe(client, admin_hk, receiver.url, ["handover.approved"])
    handover = submitted_for(staf_hk, program, recipient=partner, total=37_650_000)  # not subscribed: not sent
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        disbursement_approve(disbursement=handover, actor=manajer_hk)
        assert wait_until(lambda: Delivery.objects.filter(status=Delivery.Status.DELIVERED).exists())
    [(headers, body)] = receiver.requests
    assert verify(subscription["secret"], headers, body)
    assert not verify("whsec_someone-else", headers, body)
    assert not verify(subscription["secret"], headers, body.replace(b"37650000", b"99999999"))
    event = json.loads(body)
    assert (event["type"], event["company"]) == ("handover.approved", handover.company_id)
    assert event["data"]["id"] == handover.pk and event["data"]["total"] == 37_650_000
    assert event["data"]["number"] == type(handover).objects.get(pk=handover.pk).number
    assert headers["Webhook-Id"] == event["id"]
    log = client.get("/api/v1/webhook-deliveries/", **bearer(admin_hk)).json()["results"]
    assert [(row["event"], row["status"], row["attempts"], row["last_status_code"]) for row in log] == [
        ("handover.approved", "delivered", 1, 200)
    ]


@requires_redis
def test_a_500_is_tried_again_with_the_same_event_until_it_is_received(client, live_db, admin_hk, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    receiver = Receiver(answers=[500, 302])
    try:
        subscription = subscribe(client, admin_hk, receiver.url, ["partner.created"])
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            response = client.post(f"/api/v1/webhooks/{subscription['id']}/test/", **bearer(admin_hk))
            assert response.status_code == 202
            delivery = Delivery.objects.get(pk=response.json()["id"])
            assert wait_until(lambda: Delivery.objects.get(pk=delivery.pk).attempts == 1)
            failed = Delivery.objects.get(pk=delivery.pk)
            assert (failed.status, failed.last_status_code) == ("pending", 500)
            assert failed.next_attempt_at - timezone.now() <= datetime.timedelta(seconds=1)
            for attempts in (2, 3):  # the beat task sends what is due: 1 s, then 2 s later
                assert wait_until(lambda: Delivery.objects.get(pk=delivery.pk).next_attempt_at <= timezone.now())
                webhook_deliveries_due.delay()
                assert wait_until(lambda n=attempts: Delivery.objects.get(pk=delivery.pk).attempts == n)
        done = Delivery.objects.get(pk=delivery.pk)
        assert (done.status, done.attempts, done.last_status_code) == ("delivered", 3, 200)
        assert len(receiver.requests) == 3  # the redirect was not followed: it counted as a failure
        assert len({headers["Webhook-Id"] for headers, _body in receiver.requests}) == 1
        assert json.loads(receiver.requests[0][1])["type"] == "ping"
    finally:
        receiver.close()


@requires_redis
def test_a_rolled_back_change_sends_nothing(client, live_db, receiver, admin_hk, staf_hk, manajer_hk, program, partner):
    subscribe(client, admin_hk, receiver.url, ["handover.approved"])
    handover = submitted_for(staf_hk, program, recipient=partner)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with pytest.raises(RuntimeError), transaction.atomic():
            disbursement_approve(disbursement=handover, actor=manajer_hk)
            assert Delivery.objects.count() == 1  # written with the approval...
            raise RuntimeError("the request fails after the approval")
        webhook_deliveries_due.delay()
        assert not wait_until(lambda: receiver.requests, timeout=3)
    assert Delivery.objects.count() == 0 and not OutboxMessage.objects.exists()  # ...and gone with it


def test_it_gives_up_24_hours_after_the_event(live_db, admin_hk, settings):
    receiver = Receiver(answers=[503, 503])
    try:
        subscription = subscription_create(actor=admin_hk, url=receiver.url, events=["partner.created"])
        from webhooks.services import subscription_test

        delivery = subscription_test(subscription=subscription, actor=admin_hk)
        Delivery.objects.filter(pk=delivery.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=23, minutes=59), next_attempt_at=timezone.now()
        )
        assert deliveries_due() == 1
        gave_up = Delivery.objects.get(pk=delivery.pk)
        assert (gave_up.status, gave_up.attempts, gave_up.last_status_code) == ("failed", 1, 503)
        assert deliveries_due() == 0
    finally:
        receiver.close()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://127.0.0.1:6379/", "private_address"),
        ("https://localhost/hook", "private_address"),
        ("https://10.1.2.3/hook", "private_address"),
        ("https://169.254.169.254/latest/meta-data/", "private_address"),
        ("https://[::1]/hook", "private_address"),
        ("https://192.168.0.10/hook", "private_address"),
        ("http://203.0.113.10/hook", "insecure_url"),
        ("https://user:secret@203.0.113.10/hook", "invalid_url"),
        ("https://no-such-host.invalid/hook", "unresolvable_host"),
    ],
)
def test_production_refuses_receivers_inside_its_own_network(client, admin_hk, settings, url, code):
    settings.WEBHOOK_ALLOW_HTTP = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = client.post(
        "/api/v1/webhooks/", {"url": url, "events": ["partner.created"]}, content_type="application/json",
        **bearer(admin_hk),
    )  # fmt: skip
    assert response.status_code == 422, response.content
    assert [error["code"] for error in response.json()["errors"]] == [code]
    assert "url" in problem_fields(response)
    assert not Subscription.objects.exists()


def test_only_the_companys_administrators_see_and_manage_its_webhooks(
    client, admin_hk, staf_hk, manajer_hk, pejabat_sumsel, auditor, pln
):
    subscription = subscription_create(actor=admin_hk, url="http://127.0.0.1:9/hook", events=["report.ready"])
    admin_pln = make_user("admin.pln", Role.ADMINISTRATOR, company=pln)
    for user in (staf_hk, manajer_hk, pejabat_sumsel, auditor):
        headers = bearer(user)
        assert client.get("/api/v1/webhooks/", **headers).status_code == 403, user
        assert client.get("/api/v1/webhook-deliveries/", **headers).status_code == 403, user
        assert client.post(f"/api/v1/webhooks/{subscription.pk}/test/", **headers).status_code == 403, user
        client.force_login(user)
        assert client.get("/webhooks/").status_code == 403, user
        assert client.get(f"/webhooks/{subscription.pk}/").status_code == 403, user
        assert client.post(f"/webhooks/{subscription.pk}/delete/").status_code == 403, user
    headers = bearer(admin_pln)
    assert client.get("/api/v1/webhooks/", **headers).json()["results"] == []
    assert client.get(f"/api/v1/webhooks/{subscription.pk}/", **headers).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{subscription.pk}/", **headers).status_code == 404
    client.force_login(admin_pln)
    assert client.get(f"/webhooks/{subscription.pk}/").status_code == 404
    assert client.post(f"/webhooks/{subscription.pk}/delete/").status_code == 404
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    assert "whsec_" not in client.get("/webhooks/").content.decode()


def test_an_administrator_subscribes_tests_and_reads_the_log_on_the_page(client, admin_hk, receiver):
    client.force_login(admin_hk)
    page = client.get("/webhooks/")
    assert "Webhook" in page.content.decode() and page.status_code == 200
    refused = client.post("/webhooks/", {"url": receiver.url})
    assert refused.status_code == 400 and list(refused.context["form"].errors) == ["events"]
    assert receiver.url in refused.content.decode()  # what was typed is kept
    response = client.post("/webhooks/", {"url": receiver.url, "events": ["handover.approved", "report.ready"]})
    subscription = Subscription.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/webhooks/{subscription.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert subscription.secret in detail and receiver.url in detail
    with transaction.atomic():
        client.post(f"/webhooks/{subscription.pk}/test/")
    delivery = Delivery.objects.get()
    assert delivery.event == "ping" and delivery.subscription == subscription
    from webhooks.services import delivery_send

    delivery_send(delivery.pk)
    log = client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert "Terkirim" in log and "HTTP 200" in log
    client.post(f"/webhooks/{subscription.pk}/toggle/")
    assert not Subscription.objects.get().is_active
    client.post(f"/webhooks/{subscription.pk}/delete/")
    assert not Subscription.objects.exists()


def test_the_verification_snippet_of_the_docs_accepts_exactly_our_signatures():
    docs = (settings_module.BASE_DIR / "docs" / "api.md").read_text()
    snippet = next(block.split("```")[0] for block in docs.split("```python\n")[1:] if "def verify" in block)
    namespace: dict = {}
    exec(compile(snippet, "docs/api.md", "exec"), namespace)  # noqa: S102 (our own documentation)
    body = b'{"type":"ping"}'
    headers = signed_headers("whsec_abc", "evt-1", body)
    assert namespace["verify"]("whsec_abc", headers, body)
    assert not namespace["verify"]("whsec_abd", headers, body)
    assert not namespace["verify"]("whsec_abc", headers, body + b" ")
    stale = signed_headers("whsec_abc", "evt-1", body, now=time.time() - 301)
    assert not namespace["verify"]("whsec_abc", stale, body)


def test_an_answer_that_is_no_http_counts_as_a_failed_attempt(live_db, admin_hk):
    import socketserver

    class Garbage(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(65536)
            self.request.sendall(b"this is not HTTP\r\n\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        subscription = subscription_create(actor=admin_hk, url=url, events=["partner.created"])
        from webhooks.services import delivery_send, subscription_test

        delivery = subscription_test(subscription=subscription, actor=admin_hk)
        delivery_send(delivery.pk)
        failed = Delivery.objects.get(pk=delivery.pk)
        assert (failed.status, failed.attempts, failed.last_status_code) == ("pending", 1, None)
        assert "BadStatusLine" in failed.last_error and failed.next_attempt_at > timezone.now()
    finally:
        server.shutdown()
        server.server_close()

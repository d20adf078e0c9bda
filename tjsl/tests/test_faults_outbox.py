"""Fault: the broker is down when an import starts and when it commits. The work waits in the
outbox (committed with the import) and runs once the broker is back; nothing stays stuck.

Uses the private redis-server of test_faults (the shared servers are never touched).
"""

import contextlib
import time

import pytest
from django.urls import reverse

from conftest import wait_until
from partners.models import Partner, PartnerImport
from tjsl.celery import app as celery_app
from tjsl.models import OutboxMessage
from tjsl.tests.test_faults import (
    forget_broker_connections,
    private_redis,  # noqa: F401 (the fixture, used by `broker`)
    requires_redis_server,
)

ROWS = 320  # above the size and row count that the request checks itself


def big_csv():
    from partners.tests.test_import_bounds import bulky_csv

    return bulky_csv(ROWS)


def status(job) -> str:
    return PartnerImport.objects.values_list("status", flat=True).get(pk=job.pk)


@pytest.fixture
def broker(request):
    """A redis-server of our own as cache and Celery broker, to stop and start at will."""
    return request.getfixturevalue("private_redis")


def dispatch_with_a_worker(until) -> bool:
    """The broker is back: beat's next outbox_dispatch goes through a worker and sends the work."""
    from celery.contrib.testing.worker import start_worker

    from tjsl.tasks import outbox_dispatch

    forget_broker_connections()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        outbox_dispatch.delay()
        return wait_until(until, timeout=60)


@requires_redis_server
class TestBrokerDownDuringImport:
    def test_work_queued_during_an_outage_runs_when_the_broker_returns(
        self, client, live_db, staf_hk, broker, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(staf_hk)

        broker.stop()
        started = time.monotonic()
        response = client.post(reverse("partners:import-create"), {"file": big_csv()})
        assert response.status_code == 302 and time.monotonic() - started < 10
        job = PartnerImport.objects.get()
        assert status(job) == "pending"
        waiting = OutboxMessage.objects.get()
        assert waiting.sent_at is None and waiting.attempts == 1 and waiting.last_error

        broker.start()
        assert dispatch_with_a_worker(lambda: status(job) == "valid"), status(job)
        assert OutboxMessage.objects.get(pk=waiting.pk).sent_at is not None

        broker.stop()
        forget_broker_connections()
        committed = client.post(reverse("partners:import-commit", args=[job.pk]))
        assert committed.status_code == 302 and status(job) == "committing"
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1
        assert not Partner.objects.exists()

        broker.start()
        assert dispatch_with_a_worker(lambda: status(job) == "committed"), status(job)
        assert Partner.objects.count() == ROWS
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


class FakeConnection:
    def ensure_connection(self, **options):
        return self


@pytest.mark.django_db
def test_a_message_is_sent_once_even_by_parallel_dispatchers(staf_hk, monkeypatch):
    from tjsl import outbox

    sent = []
    monkeypatch.setattr(celery_app, "connection_for_write", lambda: contextlib.nullcontext(FakeConnection()))
    monkeypatch.setattr(celery_app, "send_task", lambda name, args, **options: sent.append((name, args)))
    message = OutboxMessage.objects.create(task="partners.tasks.partner_import_validate_task", args=[1])
    assert outbox.outbox_deliver() == 1 and outbox.outbox_deliver() == 0
    assert sent == [("partners.tasks.partner_import_validate_task", [1])]
    message.refresh_from_db()
    assert message.sent_at is not None

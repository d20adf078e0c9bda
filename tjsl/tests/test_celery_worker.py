"""A real Celery worker on Redis runs the project's periodic task."""

from datetime import timedelta

from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import IdempotencyRecord
from accounts.tasks import clear_expired_sessions, idempotency_records_purge
from conftest import make_user, requires_redis, wait_until
from tjsl.celery import app as celery_app


@requires_redis
def test_worker_clears_expired_sessions(live_db):
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="current", session_data="x", expire_date=now + timedelta(days=1))
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        clear_expired_sessions.delay()
        assert wait_until(lambda: not Session.objects.filter(session_key="expired").exists())
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]


@requires_redis
def test_worker_purges_idempotency_keys_past_their_retention(live_db, settings):
    user = make_user("api.client", None)
    record = {"user": user, "request_method": "POST", "request_path": "/api/v1/tokens/", "fingerprint": "f"}
    old = IdempotencyRecord.objects.create(key="old", response_status=201, **record)
    IdempotencyRecord.objects.create(key="recent", response_status=201, **record)
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.TJSL_IDEMPOTENCY_KEY_DAYS + 1)
    )
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        idempotency_records_purge.delay()
        assert wait_until(lambda: not IdempotencyRecord.objects.filter(key="old").exists())
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_beat_schedule_is_defined_in_code():
    schedule = celery_app.conf.beat_schedule
    assert schedule["clear-expired-sessions"]["task"] == "accounts.tasks.clear_expired_sessions"
    assert schedule["idempotency-records-purge"]["task"] == "accounts.tasks.idempotency_records_purge"

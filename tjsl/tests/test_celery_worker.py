"""A real Celery worker on Redis runs the project's periodic task."""

from datetime import timedelta

from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from conftest import requires_redis, wait_until
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


def test_beat_schedule_is_defined_in_code():
    assert celery_app.conf.beat_schedule["clear-expired-sessions"]["task"] == "accounts.tasks.clear_expired_sessions"

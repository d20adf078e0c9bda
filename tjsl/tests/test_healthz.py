import pytest

from conftest import requires_redis
from tjsl.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_names_the_broker_when_it_is_down(client, broker_down):
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"
    assert "broker" in response.json()["status"]


def test_names_the_database_when_it_fails(client, monkeypatch):
    from tjsl import views

    monkeypatch.setattr(views, "connection", None)  # any use of it raises
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@requires_redis
def test_real_redis_broker_is_pinged(client, settings):
    assert celery_app.conf.broker_url.startswith("redis://")
    assert client.get("/healthz/").json()["broker"] == "ok"

"""The API framework: discovery, authentication, throttling, idempotency, languages, schema and docs."""

import datetime
import re
import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, IdempotencyRecord
from accounts.services import api_token_create
from conftest import problem_fields, requires_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}"}


def create_token(client, auth, body, key=None, **extra):
    headers = {**auth, **({"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}), **extra}
    return client.post("/api/v1/tokens/", body, content_type="application/json", **headers)


class TestDiscovery:
    def test_every_app_api_module_is_routed(self, client, staf_hk):
        body = client.get("/api/v1/", **bearer(staf_hk)).json()
        assert {"regions", "companies", "tokens"} <= set(body)

    def test_anonymous_gets_401_json_not_a_login_redirect(self, client):
        for url in ("/api/v1/", "/api/v1/regions/", "/api/v1/me/"):
            response = client.get(url)
            assert response.status_code == 401, url
            assert response["Content-Type"] == "application/problem+json", url
            assert response.json()["code"] == "not_authenticated", url


class TestThrottling:
    def test_user_rate_is_enforced_per_user(self, client, staf_hk, staf_pln, settings):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "3/hour"}}
        auth = bearer(staf_hk)
        statuses = [client.get("/api/v1/me/", **auth).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert client.get("/api/v1/me/", **bearer(staf_pln)).status_code == 200

    def test_scoped_rate_applies_to_token_endpoints(self, client, staf_hk, settings):
        rates = {"user": "100/hour", "tokens": "2/hour"}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        auth = bearer(staf_hk)
        statuses = [client.get("/api/v1/tokens/", **auth).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert client.get("/api/v1/me/", **auth).status_code == 200


class TestIdempotency:
    def test_replay_returns_the_stored_response_and_creates_nothing(self, client, staf_hk):
        auth = bearer(staf_hk)
        first = create_token(client, auth, {"name": "ERP"}, key="abc-1")
        again = create_token(client, auth, {"name": "ERP"}, key="abc-1")
        assert first.status_code == again.status_code == 201
        assert "Idempotent-Replayed" not in first and again["Idempotent-Replayed"] == "true"
        # The secret is never stored, so a replay cannot show it again.
        assert again.json() == {**first.json(), "token": None}
        assert ApiToken.objects.filter(name="ERP").count() == 1

    def test_the_secret_is_not_stored_with_the_response(self, client, staf_hk):
        secret = create_token(client, bearer(staf_hk), {"name": "ERP"}, key="abc-2").json()["token"]
        record = IdempotencyRecord.objects.get(key="abc-2")
        assert record.response_status == 201 and secret not in str(record.response_body)

    def test_same_key_with_another_body_is_422(self, client, staf_hk):
        auth = bearer(staf_hk)
        create_token(client, auth, {"name": "ERP"}, key="abc-3")
        response = create_token(client, auth, {"name": "Gudang"}, key="abc-3", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 422 and "different request" in response.json()["detail"]
        assert not ApiToken.objects.filter(name="Gudang").exists()

    def test_keys_belong_to_one_user(self, client, staf_hk, staf_pln):
        create_token(client, bearer(staf_hk), {"name": "ERP"}, key="shared")
        response = create_token(client, bearer(staf_pln), {"name": "ERP"}, key="shared")
        assert response.status_code == 201 and "Idempotent-Replayed" not in response
        assert ApiToken.objects.filter(name="ERP").count() == 2

    def test_without_a_key_each_request_creates(self, client, staf_hk):
        auth = bearer(staf_hk)
        create_token(client, auth, {"name": "ERP"})
        create_token(client, auth, {"name": "ERP"})
        assert ApiToken.objects.filter(name="ERP").count() == 2 and not IdempotencyRecord.objects.exists()

    def test_a_failed_request_is_not_stored_and_can_be_retried(self, client, staf_hk):
        auth = bearer(staf_hk)
        assert create_token(client, auth, {"name": ""}, key="retry").status_code == 400
        assert create_token(client, auth, {"name": "ERP"}, key="retry").status_code == 201

    def test_a_key_past_its_retention_is_a_new_request(self, client, staf_hk, settings):
        auth = bearer(staf_hk)
        assert create_token(client, auth, {"name": "ERP"}, key="old-key").status_code == 201
        days = settings.TJSL_IDEMPOTENCY_KEY_DAYS
        IdempotencyRecord.objects.filter(key="old-key").update(
            created_at=timezone.now() - datetime.timedelta(days=days, minutes=1)
        )
        again = create_token(client, auth, {"name": "ERP"}, key="old-key")
        assert again.status_code == 201 and "Idempotent-Replayed" not in again
        assert ApiToken.objects.filter(name="ERP").count() == 2
        assert IdempotencyRecord.objects.filter(key="old-key").count() == 1
        # A key just inside its retention still replays.
        IdempotencyRecord.objects.filter(key="old-key").update(
            created_at=timezone.now() - datetime.timedelta(days=days, minutes=-1)
        )
        assert create_token(client, auth, {"name": "ERP"}, key="old-key")["Idempotent-Replayed"] == "true"

    def test_invalid_key_is_400(self, client, staf_hk):
        response = create_token(client, bearer(staf_hk), {"name": "ERP"}, key="x" * 256)
        assert response.status_code == 400 and not ApiToken.objects.filter(name="ERP").exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
class TestIdempotencyUnderConcurrency:
    def test_simultaneous_duplicates_create_once(self, live_db):
        from accounts.roles import Role
        from conftest import make_user

        user = make_user("staf.concurrent", Role.STAF)
        auth = bearer(user)
        barrier = threading.Barrier(6)
        results = []

        def send():
            try:
                barrier.wait()
                response = create_token(Client(), auth, {"name": "paralel"}, key="same-key")
                results.append((response.status_code, response.get("Idempotent-Replayed")))
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(status for status, _replayed in results) == [201] * 6
        assert [replayed for _status, replayed in results].count(None) == 1
        assert ApiToken.objects.filter(name="paralel").count() == 1
        assert IdempotencyRecord.objects.filter(key="same-key").count() == 1


class TestLanguage:
    def test_validation_messages_follow_accept_language(self, client, staf_hk):
        auth = bearer(staf_hk)
        english = problem_fields(create_token(client, auth, {}, HTTP_ACCEPT_LANGUAGE="en"))
        indonesian = problem_fields(create_token(client, auth, {}, HTTP_ACCEPT_LANGUAGE="id"))
        assert english["name"] == ["This field is required."]
        assert indonesian["name"] != english["name"] and "diisi" in indonesian["name"][0]

    def test_service_errors_are_field_errors_in_the_callers_language(self, client, staf_hk):
        from datetime import timedelta

        from django.utils import timezone

        past = (timezone.now() - timedelta(days=1)).isoformat()
        body = create_token(client, bearer(staf_hk), {"name": "x", "expires_at": past}, HTTP_ACCEPT_LANGUAGE="en")
        assert body.status_code == 422 and problem_fields(body) == {
            "expires_at": ["The expiry must lie in the future."]
        }


class TestSchemaAndDocs:
    def test_schema_validates_without_warnings(self, tmp_path):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
        schema = (tmp_path / "schema.yml").read_text()
        assert "/api/v1/regions/{code}/" in schema and "Idempotency-Key" in schema

    def test_schema_and_docs_are_public_but_the_data_is_not(self, client):
        schema = client.get("/api/v1/schema/?format=json")
        assert schema.status_code == 200 and "/api/v1/partners/" in schema.json()["paths"]
        assert client.get("/api/v1/docs/").status_code == 200
        assert client.get("/api/v1/partners/").status_code == 401

    def test_schema_is_the_same_in_every_language(self, client):
        english = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").content
        indonesian = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE="id").content
        assert english == indonesian
        components = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
        assert components["HandoverStatusEnum"]["enum"][:2] == ["draft", "submitted"]
        assert components["Partner"]["properties"]["owner_name"]["title"] == "Owner's name"

    def test_ids_are_bounded_integers(self, client):
        paths = client.get("/api/v1/schema/?format=json").json()["paths"]
        detail = next(p for p in paths["/api/v1/partners/{id}/"]["get"]["parameters"] if p["name"] == "id")
        assert detail["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
        program = next(p for p in paths["/api/v1/handovers/"]["get"]["parameters"] if p["name"] == "program")
        assert program["schema"]["type"] == "integer"

    def test_json_is_the_one_body_type_except_for_files(self, client):
        paths = client.get("/api/v1/schema/?format=json").json()["paths"]
        bodies = {
            (method, path): sorted(operation["requestBody"]["content"])
            for path, operations in paths.items()
            for method, operation in operations.items()
            if isinstance(operation, dict) and "requestBody" in operation
        }
        assert bodies[("post", "/api/v1/partners/")] == ["application/json"]
        assert bodies[("post", "/api/v1/partner-imports/")] == ["multipart/form-data"]
        assert all(
            types == ["application/json"]
            for (method, path), types in bodies.items()
            if "imports" not in path and "hand-over" not in path and "export-milestones" not in path
        )

    def test_schema_is_served_to_token_holders(self, client, auditor):
        body = client.get("/api/v1/schema/?format=json", **bearer(auditor)).json()
        assert body["openapi"].startswith("3.") and "/api/v1/tokens/" in body["paths"]
        assert body["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"

    def test_docs_page_loads_only_local_assets_without_inline_code(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.get("/api/v1/docs/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<style" not in html and "style=" not in html
        scripts = re.findall(r"<script([^>]*)>", html)
        assert scripts and all('src="/' in attributes for attributes in scripts)
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets and all(url.startswith("/") for url in assets)
        for url in assets:
            asset = client.get(url)
            assert asset.status_code == 200, url
            if "script" in url:
                assert asset["Content-Type"].startswith("application/javascript")

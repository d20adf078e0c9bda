"""Every API error is problem details (RFC 9457): one shape for validation, rule, conflict,
permission, not-found, throttling and server errors, with stable machine codes."""

import pytest
from django.urls import path

from tjsl.tests.test_api_framework import bearer

pytestmark = pytest.mark.django_db
SHAPE = {"type", "title", "status", "code", "detail"}


def _is_problem(response, status):
    body = response.json()
    assert response.status_code == status, body
    assert response["Content-Type"] == "application/problem+json"
    assert set(body) >= SHAPE and body["status"] == status and body["type"] == "about:blank"
    assert "<" not in body["detail"]
    return body


def test_field_errors_carry_paths_and_machine_codes(client, staf_hk, program):
    body = {"program": program.pk, "items": [{"kind": "peralatan", "description": "Alat", "unit": "unit"}]}
    response = client.post("/api/v1/handovers/", body, content_type="application/json", **bearer(staf_hk))
    problem = _is_problem(response, 400)
    errors = {(e["field"], e["code"]) for e in problem["errors"]}
    assert ("items[0].quantity", "required") in errors and ("items[0].unit_value", "required") in errors
    assert problem["detail"].startswith("2 ")


def test_a_broken_rule_is_422_and_a_state_conflict_409(client, staf_hk, manajer_hk, program, partner):
    from disbursements import services

    from .conftest import submitted_for

    handover = submitted_for(staf_hk, program, recipient=partner)
    own = client.post(f"/api/v1/handovers/{handover.pk}/approve/", content_type="application/json", **bearer(staf_hk))
    assert _is_problem(own, 403)["code"] in ("permission_denied", "self_approval")
    services.disbursement_approve(disbursement=handover, actor=manajer_hk)
    again = client.post(
        f"/api/v1/handovers/{handover.pk}/approve/", content_type="application/json", **bearer(manajer_hk)
    )
    problem = _is_problem(again, 409)
    assert problem["code"] == "state_conflict" and problem["errors"][0]["field"] is None


def test_not_found_names_no_model_and_unauthenticated_is_a_problem(client, staf_hk):
    missing = _is_problem(client.get("/api/v1/handovers/999999/", **bearer(staf_hk)), 404)
    assert "Disbursement" not in missing["detail"] and missing["code"] == "not_found"
    assert _is_problem(client.get("/api/v1/partners/"), 401)["code"] == "not_authenticated"


def test_the_message_of_a_duplicate_is_plain_text_with_its_link_apart(client, staf_hk, partner):
    partner.nib = "9120001234567"
    partner.save(update_fields=["nib"])
    body = {
        "business_name": "Lain",
        "owner_name": "Lain",
        "nib": partner.nib,
        "regency": partner.regency.code,
        "sector": partner.sector,
        "joined_on": "2024-01-01",
    }
    response = client.post("/api/v1/partners/", body, content_type="application/json", **bearer(staf_hk))
    problem = _is_problem(response, 422)
    nib = next(e for e in problem["errors"] if e["field"] == "nib")
    assert "<a" not in nib["message"] and nib["link"] == f"/partners/{partner.pk}/"


def _boom(request):
    raise RuntimeError("unexpected")


urlpatterns = [path("api/v1/boom/", _boom)]
handler500 = "tjsl.views.server_error"


def test_a_server_error_under_api_is_a_problem_too(client, staf_hk, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    client.force_login(staf_hk)
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "server_error"

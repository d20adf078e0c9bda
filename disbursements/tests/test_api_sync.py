"""Keeping another system in sync with `?updated_since=`: every change a reader of the API
would see moves the record into the answer (its items, allocations, status, a group's
members, a program's budget), and nothing else does."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from accounts.services import api_token_create
from conftest import problem_fields
from disbursements.models import Disbursement
from disbursements.tests.conftest import draft_for
from partners.models import BusinessGroup, Partner
from partners.services import membership_add
from programs.models import Program
from programs.services import program_budget_set

MODELS = (Disbursement, BusinessGroup, Partner, Program)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='sync')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


def last_sync() -> datetime.datetime:
    """Everything so far is an hour old: the moment of the previous sync lies after it."""
    for model in MODELS:
        model.objects.update(updated_at=F("updated_at") - datetime.timedelta(hours=1))
    return timezone.now() - datetime.timedelta(minutes=1)


def changed(client, path: str, since: datetime.datetime, headers: dict) -> set[int]:
    response = client.get(path, {"updated_since": since.isoformat(), "page_size": 200}, **headers)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def headers(staf_hk):
    return bearer(staf_hk)


def test_a_handover_changed_in_any_part_is_listed_since_the_last_sync(
    client, headers, staf_hk, manajer_hk, program, partner, group
):
    quiet = draft_for(staf_hk, program, recipient=partner)
    busy = draft_for(staf_hk, program, recipient=group, total=30)
    since = last_sync()
    assert changed(client, "/api/v1/handovers/", since, headers) == set()

    url = f"/api/v1/handovers/{busy.pk}/"
    members = list(group.memberships.values_list("partner_id", flat=True))
    allocations = {"allocations": [{"partner": pk, "amount": 30 if i == 0 else 0} for i, pk in enumerate(members)]}
    response = client.put(f"{url}allocations/", allocations, content_type="application/json", **headers)
    assert response.status_code == 200
    assert changed(client, "/api/v1/handovers/", since, headers) == {busy.pk}

    since = last_sync()
    response = client.post(f"{url}submit/", content_type="application/json", **headers)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert changed(client, "/api/v1/handovers/", since, headers) == {busy.pk}
    detail = client.get(url, **headers).json()
    assert datetime.datetime.fromisoformat(detail["updated_at"]) >= since
    assert quiet.pk not in changed(client, "/api/v1/handovers/", since, headers)


def test_a_group_with_a_new_member_and_a_program_with_a_new_budget_are_listed(
    client, headers, staf_hk, manajer_hk, program, group, partner
):
    since = last_sync()
    assert changed(client, "/api/v1/groups/", since, headers) == set()
    membership_add(group=group, partner=partner, joined_on=timezone.localdate(), actor=staf_hk)
    assert changed(client, "/api/v1/groups/", since, headers) == {group.pk}

    assert changed(client, "/api/v1/programs/", since, headers) == set()
    program_budget_set(program=program, year=program.start_date.year, amount=1, reason="Revisi RKA", actor=manajer_hk)
    assert changed(client, "/api/v1/programs/", since, headers) == {program.pk}


@pytest.mark.parametrize("value", ["kemarin", "2024-13-01T00:00:00Z", "1704067200", "0001-01-01T00:00:00+05:00"])
def test_a_moment_that_is_not_iso_8601_is_refused(client, headers, value):
    response = client.get("/api/v1/handovers/", {"updated_since": value}, **headers)
    assert response.status_code == 400
    assert list(problem_fields(response)) == ["updated_since"]


def test_any_offset_python_reads_is_taken(client, headers, staf_hk, program, partner):
    draft_for(staf_hk, program, recipient=partner)
    far_east = (timezone.now() - datetime.timedelta(hours=1)).astimezone(
        datetime.timezone(datetime.timedelta(hours=21))
    )
    assert len(changed(client, "/api/v1/handovers/", far_east, headers)) == 1


def test_every_list_of_a_record_that_changes_takes_updated_since(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    takes = {
        path
        for path, operations in schema["paths"].items()
        if any(p["name"] == "updated_since" for p in operations.get("get", {}).get("parameters", []))
    }
    assert {
        "/api/v1/handovers/",
        "/api/v1/partners/",
        "/api/v1/groups/",
        "/api/v1/programs/",
        "/api/v1/activities/",
        "/api/v1/assessments/",
        "/api/v1/enrollment-requests/",
        "/api/v1/reports/",
    } <= takes

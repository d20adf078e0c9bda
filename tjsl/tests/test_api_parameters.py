"""Query parameters of every list, read from the served schema: a parameter a list does not
know, or a date it cannot read for sure, is a 400 naming it, never a silently wider answer."""

import pytest

from accounts.services import api_token_create
from conftest import problem_fields


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='sync')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


def list_operations(client) -> dict[str, list[dict]]:
    """path -> parameters of every paged list the schema documents."""
    schema = client.get("/api/v1/schema/?format=json").json()
    lists = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and any(parameter["name"] == "cursor" for parameter in get.get("parameters", [])):
            lists[path] = get["parameters"]
    return lists


def test_the_schema_documents_the_lists(client, db):
    lists = list_operations(client)
    assert {"/api/v1/partners/", "/api/v1/handovers/", "/api/v1/programs/", "/api/v1/groups/"} <= set(lists)


@pytest.mark.parametrize("role", ["admin_user", "staf_hk", "pejabat_maluku", "auditor"])
def test_every_list_refuses_a_parameter_it_does_not_know(request, client, role):
    user = request.getfixturevalue(role)
    headers = bearer(user)
    refused = {}
    for path in list_operations(client):
        response = client.get(path, {"updated_snice": "2024-01-01T00:00:00Z"}, **headers)
        if response.status_code == 403:  # the role may not read this list at all
            continue
        refused[path] = (response.status_code, list(problem_fields(response)) if response.status_code == 400 else [])
    assert refused and all(answer == (400, ["updated_snice"]) for answer in refused.values()), refused


def test_the_paging_parameters_every_list_documents_are_accepted(client, admin_user):
    headers = bearer(admin_user)
    for path, parameters in list_operations(client).items():
        names = {parameter["name"] for parameter in parameters}
        assert {"page_size", "count"} <= names, path
        query = {"page_size": "1", "count": "true", **({"search": "a"} if "search" in names else {})}
        response = client.get(path, query, **headers)
        assert response.status_code == 200, (path, response.content[:300])
        assert len(response.json()["results"]) <= 1 <= response.json()["count"] + 1


@pytest.mark.parametrize("value", ["01/02/2023", "1 Februari 2023", "2023-02-30", "20230201"])
@pytest.mark.parametrize(
    ("path", "parameter"), [("/api/v1/handovers/", "date_from"), ("/api/v1/activities/", "date_to")]
)
def test_a_date_filter_takes_iso_8601_only(client, admin_user, path, parameter, value):
    response = client.get(path, {parameter: value}, **bearer(admin_user))
    assert response.status_code == 400
    assert list(problem_fields(response)) == [parameter]


def test_every_operation_has_a_short_summary_of_its_own(client, db):
    schema = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE="id").json()
    summaries = {
        (method, path): operation.get("summary", "")
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "responses" in operation
    }
    assert summaries and all(0 < len(summary) <= 130 for summary in summaries.values()), summaries
    assert len(set(summaries.values())) == len(summaries), "two operations share a summary"
    assert summaries[("get", "/api/v1/handovers/")] == "List handovers"  # English, whatever the reader's language
    assert summaries[("post", "/api/v1/handovers/{id}/submit/")] == "Submit a complete draft for approval"

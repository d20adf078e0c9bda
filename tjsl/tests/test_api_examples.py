"""Every operation of the served schema shows a request example (where it takes a body) and a
response example for its successful answers, and each example is valid against the schema it
illustrates, so the documentation cannot show a shape the API does not have."""

import jsonschema
import pytest

from tjsl.api_examples import is_file

pytestmark = pytest.mark.django_db


def json_schema(schema):
    """OpenAPI 3.0 in JSON Schema (draft 7) terms, recursively: `nullable` allows a null, and the
    boolean `exclusiveMaximum`/`exclusiveMinimum` turn the bound itself exclusive."""
    if isinstance(schema, list):
        return [json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: json_schema(value) for key, value in schema.items() if key not in ("nullable", "example")}
    for bound, exclusive in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
        if converted.get(exclusive) is True:
            converted[exclusive] = converted.pop(bound)
        elif converted.get(exclusive) is False:
            del converted[exclusive]
    if schema.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def examples(schema):
    """(operation, where, media) for every body and successful answer that is not a file."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                if not is_file(media):
                    yield label, f"request {media_type}", media
            for code, response in operation["responses"].items():
                if str(code).startswith("2"):
                    for media_type, media in response.get("content", {}).items():
                        if not is_file(media):
                            yield label, f"{code} {media_type}", media


def test_every_body_and_successful_answer_has_an_example(schema):
    missing = [
        f"{label}: {where}"
        for label, where, media in examples(schema)
        if media.get("example") is None and not media.get("examples")
    ]
    assert not missing, missing
    assert sum(1 for _ in examples(schema)) > 100


def test_every_example_fits_its_schema(schema):
    components = {"components": {"schemas": json_schema(schema["components"]["schemas"])}}
    wrong = []
    for label, where, media in examples(schema):
        stated = [entry["value"] for entry in media.get("examples", {}).values()]
        for example in [media["example"]] if "example" in media else stated:
            validator = jsonschema.Draft7Validator({**json_schema(media["schema"]), **components})
            errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(example)]
            if errors:
                wrong.append(f"{label} {where}: {errors[:3]}")
    assert not wrong, "\n".join(wrong)


def test_the_examples_speak_of_the_domain(schema):
    handover = schema["paths"]["/api/v1/handovers/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert handover["example"]["number"] == "HK/TJSL/2023/0001" and handover["example"]["total"] == 37_650_000
    partners = schema["paths"]["/api/v1/partners/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert partners["example"]["results"][0]["business_name"] == "Kerajinan Perak Tanjung Senai"

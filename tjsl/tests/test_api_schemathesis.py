"""Property-based run of the whole OpenAPI schema against a live server (Schemathesis).

Every operation in /api/v1/schema/ is exercised, so endpoints that apps add
later are covered without changes here: no 5xx, every response conforming to
the schema, invalid input rejected with a 4xx. Two phases run, as
`schemathesis run --phases coverage,fuzzing` would: the coverage phase sends the
schema's boundary and wrong-type values to every parameter and field one at a time
(a year of 0, numbers beyond 64 bits, a missing required field); the fuzzing phase
draws random requests, valid and invalid; the stateful phase chains calls, feeding the
ids that one answer returns (a created partner, its Location) into the next request
(read it, change it, add to it), with the links Schemathesis infers from the schema.
"""

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from accounts.models import User
from accounts.services import api_token_create

MAX_EXAMPLES = 12  # per operation and mode: the run stays well under a minute
MAX_COVERAGE_CASES = 60  # per operation: the coverage cases of a large body are many; the first ones vary each field
# A request that fits the schema may still break a business rule (an expiry in the past,
# an exhausted budget): a 400 for it is right, so "valid data must be accepted" is not checked.
NOT_CHECKED = [schemathesis.checks.positive_data_acceptance]


@pytest.fixture
def api(demo_api_server):
    """The schema as a staff member's token reads it."""
    _token, secret = api_token_create(user=User.objects.get(username="staf.hk"), name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_url(f"{demo_api_server}/api/v1/schema/?format=json", headers=headers)
    return schema, demo_api_server, headers


def exercise(operation, mode, base_url, headers):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(base_url=base_url, headers=headers, excluded_checks=NOT_CHECKED)

    run()


def coverage_cases(schema, operation):
    """The coverage phase's cases for one operation, in both modes, at most MAX_COVERAGE_CASES."""
    cases = schema.iter_coverage_cases(
        operation,
        generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=schema.config.generation_for(operation=operation, phase="coverage"),
    )
    return itertools.islice(cases, MAX_COVERAGE_CASES)


def test_coverage_phase_finds_no_failure(api):
    schema, base_url, headers = api
    failures, sent = [], 0
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for case in coverage_cases(schema, operation):
            sent += 1
            try:
                case.call_and_validate(base_url=base_url, headers=headers, excluded_checks=NOT_CHECKED)
            except (AssertionError, schemathesis.errors.FailureGroup) as error:  # collected: one run shows them all
                failures.append(f"{operation.label}: {str(error).strip()[:600]}")
    assert sent > 3 * len(operations)  # the phase ran: several cases for each operation
    assert not failures, "\n\n".join(failures)


def test_every_operation_conforms_to_the_schema(api):
    schema, base_url, headers = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            exercise(operation, mode, base_url, headers)


def test_stateful_phase_finds_no_failure(api):
    schema, base_url, headers = api
    machine = schema.as_state_machine()
    links = [link for per_operation in machine._transitions.operations.values() for link in per_operation.incoming]
    assert len(links) >= 10, links  # found: what one call creates feeds reads, changes and nested lists

    class Scenario(machine):
        def get_call_kwargs(self, case):
            return {"base_url": base_url, "headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=NOT_CHECKED, transport_kwargs=kwargs)

    Scenario.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )

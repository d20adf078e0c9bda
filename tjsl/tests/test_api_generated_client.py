"""An integrator's view of the API: a Python client generated from the served schema by
`openapi-python-client` (pinned in requirements-dev) imports, type-checks with mypy, and
round-trips every list, detail and create call against a live server.

Nothing here is written for our API by hand: the client, its models and enums come from
`/api/v1/schema/` as an outsider downloads it, without logging in.
"""

import datetime
import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from accounts.models import Company, User
from accounts.roles import Role
from accounts.services import api_token_create
from conftest import make_user
from webhooks.services import subscription_create, subscription_test

BIN = Path(sys.executable).parent
PACKAGE = "tjsl_client"
MYPY_CONFIG = f"""[mypy]
ignore_missing_imports = True
# The generator's own transport wrapper (not made from our schema) forwards *args to httpx.
[mypy-{PACKAGE}.client]
disable_error_code = arg-type
"""


def _run(*command, cwd):
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(cwd)}
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def api(demo_api_server):
    return demo_api_server


@pytest.fixture
def generated(api, tmp_path):
    """The client package generated from the schema served to an anonymous reader."""
    schema = httpx.get(f"{api}/api/v1/schema/?format=json", headers={"Accept-Language": "id"}, timeout=60)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    _run(
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        "schema.json",
        "--meta",
        "none",
        "--output-path",
        PACKAGE,
        cwd=tmp_path,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]
        shutil.rmtree(tmp_path / PACKAGE, ignore_errors=True)


def _client(base_url, username):
    from tjsl_client import AuthenticatedClient

    _token, secret = api_token_create(user=User.objects.get(username=username), name="generated client")
    return AuthenticatedClient(base_url=base_url, token=secret, raise_on_unexpected_status=True, timeout=60)


def _operations(suffix):
    """(resource, operation name, module) of every generated operation whose name ends with `suffix`."""
    from tjsl_client import api as operations

    for module in pkgutil.walk_packages(operations.__path__, f"{operations.__name__}."):
        *_, resource, name = module.name.split(".")
        if name.endswith(suffix):
            yield resource, name, importlib.import_module(module.name)


def _ok(response, status=200):
    from tjsl_client.models import Problem

    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response.parsed is not None and not isinstance(response.parsed, Problem), response.content[:500]
    return response.parsed


def test_generated_client_imports_and_type_checks(generated):
    package = importlib.import_module(PACKAGE)
    modules = list(pkgutil.walk_packages(package.__path__, f"{PACKAGE}."))
    for module in modules:
        importlib.import_module(module.name)
    assert len(modules) > 100
    (generated / "mypy.ini").write_text(MYPY_CONFIG)
    output = _run(str(BIN / "mypy"), "--config-file", "mypy.ini", PACKAGE, cwd=generated)
    assert "Success: no issues found" in output


def test_enums_are_real_enums_and_ids_are_integers(generated):
    from tjsl_client.models import HandoverStatusEnum, PartnerStatusEnum, SectorEnum

    assert {member.value for member in HandoverStatusEnum} >= {"draft", "submitted", "approved", "verified"}
    assert "aktif" in {member.value for member in PartnerStatusEnum}
    assert len(list(SectorEnum)) > 3
    from tjsl_client.api.partners import partners_retrieve

    assert partners_retrieve.sync_detailed.__annotations__["id"] is int


# Resources only a company's administrators read.
ADMINISTRATORS_ONLY = {"webhooks", "webhook_deliveries"}


def _company_administrator(api):
    """A client for an administrator of Hutama Karya, with a subscription and one delivery."""
    admin = make_user("admin.hk", Role.ADMINISTRATOR, company=Company.objects.get(code="HK"))
    subscription = subscription_create(actor=admin, url="http://127.0.0.1:9/hook", events=["handover.approved"])
    subscription_test(subscription=subscription, actor=admin)
    return _client(api, admin.username)


def test_every_list_and_detail_call_round_trips(api, generated):
    manager, administrator = _client(api, "manajer.hk"), _company_administrator(api)
    lists = list(_operations("_list"))
    first_ids = {}
    for resource, name, module in lists:  # /partners/, /programs/ ...: the first record of each
        client = administrator if resource in ADMINISTRATORS_ONLY else manager
        if name == f"{resource}_list":
            page = _ok(module.sync_detailed(client=client))
            if page.results:
                first_ids[resource] = getattr(page.results[0], "id", None) or page.results[0].code
    assert {"partners", "groups", "programs", "handovers", "regions", "companies", "tokens"} <= set(first_ids)
    assert {"changes", "webhooks", "webhook_deliveries"} <= set(first_ids)
    for resource, name, module in lists:  # /partners/{id}/export-milestones/ ...: nested under that record
        client = administrator if resource in ADMINISTRATORS_ONLY else manager
        if name != f"{resource}_list" and resource in first_ids:
            rows = _ok(module.sync_detailed(first_ids[resource], client=client))
            assert isinstance(rows if isinstance(rows, list) else rows.results, list), name
    retrieved = set()
    for resource, name, module in _operations("_retrieve"):
        client = administrator if resource in ADMINISTRATORS_ONLY else manager
        if name == f"{resource}_retrieve" and resource in first_ids:
            detail = _ok(module.sync_detailed(first_ids[resource], client=client))
            assert first_ids[resource] in (getattr(detail, "id", None), getattr(detail, "code", None))
            retrieved.add(resource)
        elif name in ("me_retrieve", "dashboard_retrieve"):
            _ok(module.sync_detailed(client=client))
            retrieved.add(resource)
    assert retrieved >= {"partners", "groups", "programs", "handovers", "me", "dashboard", "webhooks"}


def test_create_calls_round_trip(api, generated):
    from tjsl_client.api.assessments import assessments_create, assessments_retrieve
    from tjsl_client.api.groups import groups_create, groups_retrieve
    from tjsl_client.api.handovers import handovers_create, handovers_retrieve
    from tjsl_client.api.partners import partners_create, partners_retrieve
    from tjsl_client.api.programs import programs_list
    from tjsl_client.api.tokens import tokens_create
    from tjsl_client.models import (
        AssessmentRequest,
        BusinessGroupDetailRequest,
        HandoverStatusEnum,
        HandoverWriteRequest,
        ItemKindEnum,
        ItemRequest,
        PartnerRequest,
        ProgramStatusEnum,
        RecipientRequest,
        SectorEnum,
    )

    client = _client(api, "staf.hk")
    joined = datetime.date(2024, 1, 15)
    partner = _ok(
        partners_create.sync_detailed(
            client=client,
            body=PartnerRequest(
                business_name="Tenun Songket Bunga Tanjung",
                owner_name="Sari Wulandari",
                regency="16.10",
                sector=SectorEnum.KERAJINAN,
                joined_on=joined,
            ),
        ),
        201,
    )
    read = _ok(partners_retrieve.sync_detailed(partner.id, client=client))
    assert (read.business_name, read.sector, read.joined_on) == (
        "Tenun Songket Bunga Tanjung",
        SectorEnum.KERAJINAN,
        joined,
    )

    group = _ok(
        groups_create.sync_detailed(
            client=client, body=BusinessGroupDetailRequest(name="Kelompok Tenun Tanjung", regency="16.10")
        ),
        201,
    )
    assert _ok(groups_retrieve.sync_detailed(group.id, client=client)).name == "Kelompok Tenun Tanjung"

    assessment = _ok(
        assessments_create.sync_detailed(
            client=client,
            body=AssessmentRequest(
                partner=partner.id, assessed_on=joined, capital=25_000_000, annual_sales=180_000_000, workers=3
            ),
        ),
        201,
    )
    assert _ok(assessments_retrieve.sync_detailed(assessment.id, client=client)).annual_sales == 180_000_000

    program = next(
        p for p in _ok(programs_list.sync_detailed(client=client)).results if p.status == ProgramStatusEnum.AKTIF
    )
    handover = _ok(
        handovers_create.sync_detailed(
            client=client,
            body=HandoverWriteRequest(
                program=program.id,
                recipient=RecipientRequest(partner=partner.id),
                handed_on=max(program.start_date, joined),
                items=[
                    ItemRequest(
                        kind=ItemKindEnum.PERALATAN,
                        description="Alat tenun",
                        quantity="2",
                        unit="unit",
                        unit_value=3_500_000,
                    )
                ],
            ),
        ),
        201,
    )
    assert handover.status == HandoverStatusEnum.DRAFT and handover.id
    read = _ok(handovers_retrieve.sync_detailed(handover.id, client=client))
    assert read.total == 7_000_000
    assert [(item.description, item.unit_value) for item in read.items] == [("Alat tenun", 3_500_000)]

    from tjsl_client.models import ApiTokenCreatedRequest

    token = _ok(tokens_create.sync_detailed(client=client, body=ApiTokenCreatedRequest(name="ERP")), 201)
    assert token.name == "ERP" and token.token and token.token.startswith(token.prefix)

    from tjsl_client.api.webhooks import webhooks_create, webhooks_test_create
    from tjsl_client.models import SubscriptionRequest, WebhookEventEnum

    administrator = _company_administrator(api)
    body = SubscriptionRequest(url="http://127.0.0.1:9/erp", events=[WebhookEventEnum.HANDOVER_SUBMITTED])
    subscription = _ok(webhooks_create.sync_detailed(client=administrator, body=body), 201)
    assert subscription.secret.startswith("whsec_") and subscription.events == [WebhookEventEnum.HANDOVER_SUBMITTED]
    ping = _ok(webhooks_test_create.sync_detailed(subscription.id, client=administrator), 202)
    assert ping.event == WebhookEventEnum.PING and ping.subscription == subscription.id

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.models import Company, User
from accounts.roles import Role
from accounts.scope import scope_for

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_password() -> str:
    match = re.search(r"demo password[^`]*`([^`]+)`", README.read_text(), re.IGNORECASE)
    assert match, "README must state the demo password"
    return match.group(1)


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        call_command("load_demo_data", stdout=io.StringIO())


def test_companies_and_one_user_per_role(demo):
    assert set(Company.objects.values_list("code", flat=True)) >= {"HK", "PLN"}
    expected = {
        "admin": Role.ADMINISTRATOR,
        "staf.hk": Role.STAF,
        "manajer.hk": Role.MANAJER,
        "staf.pln": Role.STAF,
        "manajer.pln": Role.MANAJER,
        "pejabat.sumsel": Role.PEJABAT,
        "pejabat.maluku": Role.PEJABAT,
        "auditor": Role.AUDITOR,
    }
    for username, role in expected.items():
        assert User.objects.get(username=username).role == role, username


def test_demo_scopes(demo):
    assert scope_for(User.objects.get(username="pejabat.maluku")).region_code == "81"
    assert scope_for(User.objects.get(username="pejabat.sumsel")).region_code == "16"
    assert scope_for(User.objects.get(username="manajer.pln")).company_id == Company.objects.get(code="PLN").pk


def test_demo_users_log_in_with_the_password_in_the_readme(demo, client):
    response = client.post("/accounts/login/", {"username": "manajer.hk", "password": readme_password()})
    assert response.status_code == 302 and response["Location"] == "/"


def test_loading_twice_duplicates_nothing(demo):
    users, companies = User.objects.count(), Company.objects.count()
    with override_settings(DEBUG=True):
        call_command("load_demo_data", stdout=io.StringIO())
    assert (User.objects.count(), Company.objects.count()) == (users, companies)

"""Attack class: identifier oracles. A masked NIK must not be read back through searches,
filters, exports or "is this NIK registered?" answers.

The attacker sees `8101••••••••9106` and guesses the hidden digits one at a time (about 29
requests for the 8 digits, knowing birth dates and district codes): if the answer to a guess
differs when the digit is right, the NIK comes back in full. Every role that sees this NIK
masked plays the attack against every entry point; the answers never depend on a hidden digit.
Roles that see the NIK unmasked still find the partner by the whole NIK.
"""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.roles import Role
from conftest import make_user
from partners import services
from partners.models import BusinessGroup, Membership, Partner
from partners.privacy import mask_nik, mask_phone
from partners.tests.conftest import nik, partner_data
from regions.models import Region

pytestmark = pytest.mark.django_db

TARGET_NIK = "8101011203909106"  # shown as 8101••••••••9106 to masked roles
WRONG_NIK = "8101011303909106"  # the same mask, one hidden digit wrong
TARGET_PHONE = "+6281234567890"

MASKED_ROLES = [
    "pejabat_maluku",
    "pejabat_nasional",
    "pejabat_sumsel",
    "auditor",
    "staf_pln",
    "manajer_pln",
    "admin_pln",
]
UNMASKED_ROLES = ["staf_hk", "manajer_hk", "admin_hk", "superuser"]


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def users(hk, pln, staf_hk, manajer_hk, staf_pln, pejabat_sumsel, pejabat_maluku, auditor, admin_user):
    return {
        "staf_hk": staf_hk,
        "manajer_hk": manajer_hk,
        "admin_hk": make_user("admin.hk", Role.ADMINISTRATOR, company=hk),
        "superuser": admin_user,
        "staf_pln": staf_pln,
        "manajer_pln": make_user("manajer.pln", Role.MANAJER, company=pln),
        "admin_pln": make_user("admin.pln", Role.ADMINISTRATOR, company=pln),
        "pejabat_maluku": pejabat_maluku,
        "pejabat_nasional": make_user("pejabat.nasional", Role.PEJABAT),
        "pejabat_sumsel": pejabat_sumsel,
        "auditor": auditor,
    }


@pytest.fixture
def target(users):
    """A Hutama Karya partner in Ambon, a decoy with the same last four digits, and a group
    (of no company) that staff of either company may add members to."""
    ambon = Region.objects.get(code="81.71")
    partner = services.partner_create(
        actor=users["staf_hk"],
        **partner_data(business_name="Tenun Target", owner_nik=TARGET_NIK, phone=TARGET_PHONE, regency=ambon, nib=""),
    )
    services.partner_create(
        actor=users["staf_hk"],
        **partner_data(business_name="Tenun Decoy", owner_nik=nik("817101", serial=9106), regency=ambon),
    )
    group = BusinessGroup.objects.create(name="Kelompok Tenun Ambon", regency=ambon, region_code=ambon.code)
    decoy_member = services.partner_create(
        actor=users["staf_hk"], **partner_data(business_name="Tenun Anggota", owner_nik=nik("817101"), regency=ambon)
    )
    Membership.objects.create(group=group, partner=decoy_member, joined_on="2023-01-01")
    return {"partner": partner, "group": group}


# --- Entry points: each answers a term with what a user would notice -------------------------

PARTNER_LINK = re.compile(r'href="/partners/(\d+)/"')


def _page(client, target, term):
    response = client.get(reverse("partners:partner-list"), {"q": term})
    return response.status_code, tuple(PARTNER_LINK.findall(response.content.decode()))


def _page_htmx(client, target, term):
    response = client.get(
        reverse("partners:partner-list"), {"q": term}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="partner-results"
    )
    return response.status_code, tuple(PARTNER_LINK.findall(response.content.decode()))


def _api(client, target, term, parameter="search"):
    response = client.get("/api/v1/partners/", {parameter: term})
    body = response.json()
    return response.status_code, tuple(r["id"] for r in body.get("results", [])) if response.status_code == 200 else ()


def _api_owner_nik_parameter(client, target, term):
    return _api(client, target, term, parameter="owner_nik")


def _api_phone_parameter(client, target, term):
    return _api(client, target, term, parameter="phone")


def _csv(client, target, term):
    response = client.get(reverse("partners:partner-export", args=["csv"]), {"q": term})
    if response.status_code != 200:
        return response.status_code, ()
    return 200, tuple(response.content.decode().splitlines()[1:])


def _xlsx(client, target, term):
    response = client.get(reverse("partners:partner-export", args=["xlsx"]), {"q": term})
    if response.status_code != 200:
        return response.status_code, ()
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return 200, tuple(tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True))


def _member_search(client, target, term):
    response = client.get(reverse("partners:membership-search", args=[target["group"].pk]), {"q": term})
    return response.status_code, tuple(re.findall(r'name="partner" value="(\d+)"', response.content.decode()))


def _recipient_search(client, target, term):
    response = client.get(reverse("disbursements:recipient-search"), {"q": term})
    return response.status_code, tuple(re.findall(r'data-recipient="([pg]:\d+)"', response.content.decode()))


ENTRY_POINTS = {
    "partner list ?q=": _page,
    "partner list, htmx results": _page_htmx,
    "API ?search=": _api,
    "API ?owner_nik=": _api_owner_nik_parameter,
    "API ?phone=": _api_phone_parameter,
    "export.csv ?q=": _csv,
    "export.xlsx ?q=": _xlsx,
    "group member search": _member_search,
    "handover recipient search": _recipient_search,
}


# --- The attacker ----------------------------------------------------------------------------


def _odd_digit(answers: dict[str, object]) -> str | None:
    """The one digit whose answer differs from the nine others, if there is one."""
    values = list(answers.values())
    odd = [digit for digit, value in answers.items() if values.count(value) == 1]
    return odd[0] if len(odd) == 1 and len(set(values)) == 2 else None


def rebuild(masked: str, answer, mask_char: str = "•") -> str | None:
    """Guess the hidden digits of `masked` one at a time, next to what is shown at either end.

    For each position, the digit whose answer differs from the other nine is the right one.
    Returns the rebuilt value, or None as soon as no guess stands out (nothing learnt).
    """
    head, tail = masked.split(mask_char, 1)[0], masked.rsplit(mask_char, 1)[-1]
    for _position in range(masked.count(mask_char)):
        digit = _odd_digit({d: answer(d + tail) for d in "0123456789"})
        if digit is not None:
            tail = digit + tail
            continue
        digit = _odd_digit({d: answer(head + d) for d in "0123456789"})
        if digit is None:
            return None
        head += digit
    return head + tail


def test_the_attacker_rebuilds_a_nik_from_an_oracle_that_matches_its_end():
    """The attacker of these tests is real: against `endswith` (the old search) it wins."""
    masked = mask_nik(TARGET_NIK)
    assert rebuild(masked, lambda term: TARGET_NIK.endswith(term)) == TARGET_NIK
    assert rebuild(masked, lambda term: TARGET_NIK.startswith(term)) == TARGET_NIK
    assert rebuild(masked, lambda term: False) is None


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("role", MASKED_ROLES)
def test_a_masked_role_learns_no_hidden_nik_digit(client, users, target, role, entry):
    user = users[role]
    client.force_login(user)
    answer = ENTRY_POINTS[entry]
    masked = mask_nik(TARGET_NIK)
    assert masked == "8101••••••••9106"

    def probe(term):
        return answer(client, target, term)

    assert rebuild(masked, probe) is None, f"{role} rebuilt the NIK through {entry}"
    # Nor is a whole guess confirmed: the right NIK and a wrong one get the same answer.
    assert probe(TARGET_NIK) == probe(WRONG_NIK)
    # The phone is masked too: its hidden digits are no search key either.
    masked_phone = mask_phone(TARGET_PHONE)
    assert rebuild(masked_phone, lambda term: probe(term.lstrip("+"))) is None


@pytest.mark.parametrize("role", UNMASKED_ROLES)
def test_roles_that_see_the_nik_find_the_partner_by_the_whole_nik_only(client, users, target, role):
    client.force_login(users[role])
    partner_id = target["partner"].pk
    assert str(partner_id) in _page(client, target, TARGET_NIK)[1]
    assert partner_id in _api(client, target, TARGET_NIK)[1]
    assert any("Tenun Target" in line for line in _csv(client, target, TARGET_NIK)[1])
    assert any("Tenun Target" in row for row in _xlsx(client, target, TARGET_NIK)[1])
    # The last four digits (what every mask shows) find it too; a part of the hidden digits does not.
    assert str(partner_id) in _page(client, target, "9106")[1]
    assert str(partner_id) not in _page(client, target, "09106")[1]
    assert str(partner_id) not in _page(client, target, TARGET_NIK[:-1])[1]
    assert partner_id not in _api(client, target, WRONG_NIK)[1]


@pytest.mark.parametrize("role", ["staf_hk", "admin_hk", "superuser"])
def test_group_editors_who_see_the_nik_find_a_member_to_add_by_the_whole_nik(client, users, target, role):
    client.force_login(users[role])
    assert str(target["partner"].pk) in _member_search(client, target, TARGET_NIK)[1]
    assert str(target["partner"].pk) not in _member_search(client, target, TARGET_NIK[2:])[1]


def test_the_last_four_digits_shown_by_the_mask_still_find_partners_for_everyone(client, users, target):
    client.force_login(users["pejabat_maluku"])
    found = _page(client, target, "9106")[1]
    assert str(target["partner"].pk) in found and len(found) == 2  # the target and the decoy


# --- "Is this NIK registered?": duplicate checks -----------------------------------------------


def _form(**overrides) -> dict:
    data = partner_data(business_name="Usaha Baru", **overrides)
    data.update(regency=data["regency"].pk, district="", joined_on="09/11/2023", phone="0812-3456-7890")
    return data


def _api_create(client, owner_nik: str):
    body = {
        "business_name": "Usaha Lewat API",
        "owner_name": "Pemilik",
        "owner_nik": owner_nik,
        "regency": "16.10",
        "sector": "kerajinan",
        "joined_on": "2023-11-09",
    }
    return client.post("/api/v1/partners/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


class TestDuplicateChecks:
    def test_another_company_learns_existence_but_not_whose_nik_it_is(self, client, users, target):
        client.force_login(users["staf_pln"])
        client.cookies["django_language"] = "en"
        page = client.post(reverse("partners:partner-create"), _form(owner_nik=TARGET_NIK)).content.decode()
        assert "A partner with this NIK is already registered" in page and "Hutama Karya" in page
        assert "Tenun Target" not in page and f'href="/partners/{target["partner"].pk}/"' not in page
        response = _api_create(client, TARGET_NIK)
        assert response.status_code == 422
        body = response.content.decode()
        assert "already registered" in body and "Tenun Target" not in body
        assert f"/partners/{target['partner'].pk}/" not in body
        assert Partner.objects.filter(owner_nik=TARGET_NIK).count() == 1

    def test_the_registering_company_is_linked_to_the_record(self, client, users, target):
        client.force_login(users["admin_hk"])
        client.cookies["django_language"] = "en"
        page = client.post(reverse("partners:partner-create"), _form(owner_nik=TARGET_NIK)).content.decode()
        assert "Tenun Target" in page and f'href="/partners/{target["partner"].pk}/"' in page

    @pytest.mark.parametrize("role", ["staf_pln", "admin_pln", "staf_hk"])
    def test_nik_checks_are_limited_per_user_and_hour(self, client, users, target, settings, role):
        settings.TJSL_NIK_CHECKS_PER_HOUR = 3
        cache.clear()  # registering the fixtures' partners spent checks of staf_hk
        client.force_login(users[role])
        client.cookies["django_language"] = "en"
        guesses = {"Kopi Alfa": WRONG_NIK, "Batik Bravo": "8101011403909106", "Sagu Charlie": "8101011503909106"}
        for name, guess in guesses.items():
            response = client.post(
                reverse("partners:partner-create"), {**_form(owner_nik=guess), "business_name": name}
            )
            assert response.status_code == 302  # not registered: the partner is created
        response = client.post(reverse("partners:partner-create"), _form(owner_nik=TARGET_NIK))
        errors = response.context["form"].errors["owner_nik"]
        assert errors == ["You have checked too many NIKs in the last hour (at most 3). Try again later."]
        assert "already registered" not in response.content.decode()  # the question is not answered
        api = _api_create(client, TARGET_NIK)
        assert api.status_code == 429 and "too many NIKs" in api.content.decode()
        assert "already registered" not in api.content.decode()
        # Another user's budget is their own.
        client.force_login(make_user("staf2.pln", Role.STAF, company=users["staf_pln"].company))
        response = client.post(reverse("partners:partner-create"), _form(owner_nik=TARGET_NIK))
        assert "already registered" in response.content.decode()

    def test_an_edit_that_keeps_the_nik_spends_no_check(self, users, target, settings):
        settings.TJSL_NIK_CHECKS_PER_HOUR = 0
        partner = services.partner_update(partner=target["partner"], actor=users["staf_hk"], notes="Catatan")
        assert partner.notes == "Catatan"

    def test_every_check_is_logged_without_the_nik(self, client, users, target, caplog):
        client.force_login(users["staf_pln"])
        with caplog.at_level("INFO", logger="partners.privacy"):
            client.post(reverse("partners:partner-create"), _form(owner_nik=TARGET_NIK))
            client.post(reverse("partners:partner-create"), {**_form(owner_nik=WRONG_NIK), "business_name": "Kopi B"})
        checks = [r.getMessage() for r in caplog.records if r.getMessage().startswith("NIK check")]
        assert checks == [
            f"NIK check: user={users['staf_pln'].pk} purpose=duplicate checked=1 found=1",
            f"NIK check: user={users['staf_pln'].pk} purpose=duplicate checked=1 found=0",
        ]
        assert not any(TARGET_NIK in r.getMessage() or WRONG_NIK in r.getMessage() for r in caplog.records)

    def test_an_import_spends_one_check_per_nik_and_is_refused_beyond_the_daily_budget(
        self, client, users, target, settings, caplog
    ):
        from partners.tests.test_imports import csv_file, row

        settings.TJSL_NIK_IMPORT_CHECKS_PER_DAY = 3
        client.force_login(users["staf_pln"])
        client.cookies["django_language"] = "en"
        with caplog.at_level("INFO", logger="partners.privacy"), translation.override("en"):
            first = services.partner_import_start(
                actor=users["staf_pln"], uploaded_file=csv_file([row(owner_nik=TARGET_NIK), row()])
            )
        first.refresh_from_db()
        assert first.status == first.Status.INVALID
        page = client.get(reverse("partners:import-detail", args=[first.pk])).content.decode()
        assert "a partner with this NIK is already registered" in page and "Tenun Target" not in page
        assert any("purpose=import checked=2 found=1" in r.getMessage() for r in caplog.records)
        with translation.override("en"):
            second = services.partner_import_start(
                actor=users["staf_pln"], uploaded_file=csv_file([row(owner_nik=WRONG_NIK), row()])
            )
        second.refresh_from_db()
        assert second.status == second.Status.INVALID
        page = client.get(reverse("partners:import-detail", args=[second.pk])).content.decode()
        assert "This file has more NIKs than you may check today (3)." in page
        assert "already registered" not in page  # the file was not checked against the registry
        assert not any(TARGET_NIK in r.getMessage() for r in caplog.records)

"""The change feed (`/api/v1/changes/`): a system that applies it to an empty store holds exactly
what a full read through the API gives it, for every role, after creates, updates, deletions, a
partner moving to another province and a program becoming present in a region; a transaction
that commits after a later one is never skipped."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.roles import Role
from accounts.services import api_token_create
from conftest import make_user, problem_fields
from disbursements.models import Disbursement
from disbursements.services import disbursement_approve, disbursement_cancel, disbursement_update_draft
from disbursements.tests.conftest import draft_for, make_partner, submitted_for
from partners.models import Assessment, Partner
from partners.services import assessment_delete, assessment_record
from programs.services import enrollment_create, enrollment_remove
from regions.models import Region
from tjsl.changes import changes_prune
from tjsl.models import Change

# The list endpoint of each resource of the feed.
LISTS = {
    "partner": "/api/v1/partners/",
    "group": "/api/v1/groups/",
    "assessment": "/api/v1/assessments/",
    "program": "/api/v1/programs/",
    "activity": "/api/v1/activities/",
    "enrollment_request": "/api/v1/enrollment-requests/",
    "handover": "/api/v1/handovers/",
    "report": "/api/v1/reports/",
}

pytestmark = pytest.mark.usefixtures("live_db")  # committed: the feed shows committed changes only


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='feed')[1]}", "HTTP_ACCEPT_LANGUAGE": "en"}


class Store:
    """What an integrating system keeps: the feed applied in order, one page at a time."""

    def __init__(self, client, headers, *, limit: int = 7):
        self.client, self.headers, self.limit = client, headers, limit
        self.records: dict[tuple[str, int], dict] = {}
        self.cursor, self.requests = "", 0

    def follow(self) -> None:
        while True:
            response = self.client.get("/api/v1/changes/", {"after": self.cursor, "limit": self.limit}, **self.headers)
            assert response.status_code == 200, response.content
            self.requests += 1
            page = response.json()
            for entry in page["results"]:
                key = (entry["type"], entry["id"])
                if entry["data"] is None:
                    assert entry["action"] == "deleted"
                    self.records.pop(key, None)
                else:
                    self.records[key] = entry["data"]
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return


def full_read(client, headers) -> dict[tuple[str, int], dict]:
    """Every record of every list, as its detail endpoint serves it."""
    records = {}
    for resource, path in LISTS.items():
        url, params = path, {"page_size": 200}
        while url:
            response = client.get(url, params, **headers)
            assert response.status_code == 200, (path, response.content)
            for row in response.json()["results"]:
                detail = client.get(f"{path}{row['id']}/", **headers)
                assert detail.status_code == 200
                records[(resource, row["id"])] = detail.json()
                if "owner_nik" in row:  # the feed hands records out in bulk: the NIK masked, as in lists
                    records[(resource, row["id"])]["owner_nik"] = row["owner_nik"]
            url, params = response.json()["next"], {}
    return records


@pytest.fixture
def readers(staf_hk, staf_pln, pejabat_sumsel, pejabat_maluku, auditor):
    return {user.username: bearer(user) for user in (staf_hk, staf_pln, pejabat_sumsel, pejabat_maluku, auditor)}


def test_applying_the_feed_gives_what_a_full_read_gives_for_every_role(
    client, readers, staf_hk, manajer_hk, program, partner, group, ogan_ilir
):
    stores = {name: Store(client, headers) for name, headers in readers.items()}
    ambon = Region.objects.get(code="81.71")
    moving = make_partner("Tenun Pindah", ogan_ilir)
    partner.registered_by_company = staf_hk.company
    partner.save()
    assessment = assessment_record(
        partner=partner, actor=staf_hk, assessed_on=datetime.date(2023, 1, 5), capital=50_000_000,
        annual_sales=300_000_000, workers=3,
    )  # fmt: skip
    approved = submitted_for(staf_hk, program, recipient=partner, total=37_650_000)
    cancelled = draft_for(staf_hk, program, recipient=group, total=30)
    for store in stores.values():
        store.follow()  # a first sync, half-way

    disbursement_approve(disbursement=approved, actor=manajer_hk)
    disbursement_cancel(disbursement=cancelled, actor=staf_hk)
    edited = draft_for(staf_hk, program, recipient=partner, total=10)
    disbursement_update_draft(disbursement=edited, actor=staf_hk, place="Balai Desa Tanjung Senai")
    assessment_delete(assessment=assessment, actor=make_user("admin.hk", Role.ADMINISTRATOR, company=staf_hk.company))
    moving.regency = ambon  # Sumatera Selatan -> Maluku
    moving.save()
    enrollment = enrollment_create(program=program, partner=make_partner("Sagu Ambon", ambon), actor=staf_hk)
    for store in stores.values():
        store.follow()

    for name, headers in readers.items():
        assert stores[name].records == full_read(client, headers), name
    sumsel, maluku = stores["pejabat.sumsel"].records, stores["pejabat.maluku"].records
    assert ("partner", moving.pk) not in sumsel and ("partner", moving.pk) in maluku
    assert ("program", program.pk) in maluku  # present in Maluku through the enrolment
    assert ("assessment", assessment.pk) not in stores["auditor"].records
    assert ("handover", approved.pk) in sumsel and ("handover", approved.pk) not in maluku
    assert not any(kind == "handover" for kind, _pk in stores["staf.pln"].records)

    enrollment_remove(enrollment=enrollment, actor=staf_hk)  # the program leaves Maluku
    for name, store in stores.items():
        store.follow()
        assert store.records == full_read(client, readers[name]), name
    assert ("program", program.pk) not in stores["pejabat.maluku"].records
    assert ("program", program.pk) in stores["staf.hk"].records


def test_an_earlier_transaction_that_commits_later_is_not_skipped(client, readers, staf_hk, ogan_ilir):
    store = Store(client, readers["auditor"], limit=50)
    store.follow()
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                make_partner("Terlambat Commit", ogan_ilir)  # takes the older transaction id
                started.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert started.wait(10)
    quick = make_partner("Cepat Commit", ogan_ilir)  # a younger transaction, committed first
    store.follow()
    assert ("partner", quick.pk) in store.records  # the reader's cursor is now past it
    release.set()
    assert done.wait(10)
    thread.join()
    store.follow()
    names = {data["business_name"] for (kind, _pk), data in store.records.items() if kind == "partner"}
    assert {"Terlambat Commit", "Cepat Commit"} <= names


def test_every_write_path_reaches_the_feed_even_a_bulk_update(client, readers, partner):
    store = Store(client, readers["auditor"])
    store.follow()
    Partner.objects.filter(pk=partner.pk).update(
        business_name=Concat(F("business_name"), Value(" Jaya"))
    )  # no save(), no signal
    response = client.get("/api/v1/changes/", {"after": store.cursor}, **readers["auditor"])
    [entry] = response.json()["results"]
    assert (entry["type"], entry["id"], entry["action"]) == ("partner", partner.pk, "updated")
    assert entry["data"]["business_name"] == "Perak Tanjung Senai Jaya"


def test_starting_from_latest_skips_the_history(client, readers, partner):
    response = client.get("/api/v1/changes/", {"after": "latest"}, **readers["auditor"])
    assert response.status_code == 200 and response.json()["results"] == []
    assert (
        client.get("/api/v1/changes/", {"after": response.json()["next_cursor"]}, **readers["auditor"]).json()[
            "results"
        ]
        == []
    )
    assert client.get("/api/v1/changes/", **readers["auditor"]).json()["results"]  # the whole history


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"after": "12.5"}, "after"),
        ({"after": "-1"}, "after"),
        ({"after": "9" * 40}, "after"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"types": "handover,loan_secret"}, "types"),
        ({"since": "2024-01-01"}, "since"),
    ],
)
def test_malformed_requests_are_refused_naming_the_parameter(client, readers, params, field):
    response = client.get("/api/v1/changes/", params, **readers["auditor"])
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in problem_fields(response)


def test_a_type_filter_and_no_feed_without_a_token(client, readers, partner, staf_hk, program):
    draft_for(staf_hk, program, recipient=partner)
    response = client.get("/api/v1/changes/", {"types": "handover"}, **readers["auditor"])
    assert {entry["type"] for entry in response.json()["results"]} == {"handover"}
    assert client.get("/api/v1/changes/").status_code == 401
    assert Disbursement.objects.count() == 1 and Assessment.objects.count() == 0


def test_a_reader_behind_the_kept_history_is_told_to_read_everything_again(client, readers, partner, ogan_ilir):
    store = Store(client, readers["auditor"])
    store.follow()
    stale = store.cursor
    make_partner("Sesudah Dipangkas", ogan_ilir)
    Change.objects.update(at=timezone.now() - datetime.timedelta(days=91))
    assert client.get("/api/v1/changes/", {"after": stale}, **readers["auditor"]).status_code == 200  # numbered
    assert changes_prune(days=90) > 0
    response = client.get("/api/v1/changes/", {"after": stale}, **readers["auditor"])
    assert response.status_code == 410 and response.json()["code"] == "cursor_expired"
    assert response["Content-Type"] == "application/problem+json"
    latest = client.get("/api/v1/changes/", {"after": "latest"}, **readers["auditor"]).json()["next_cursor"]
    make_partner("Sesudah Mulai Lagi", ogan_ilir)
    fresh = client.get("/api/v1/changes/", {"after": latest}, **readers["auditor"]).json()["results"]
    assert [entry["data"]["business_name"] for entry in fresh] == ["Sesudah Mulai Lagi"]


def test_the_feed_never_hands_out_a_full_nik(client, readers, staf_hk, ogan_ilir):
    registered = make_partner("Perak Bernomor", ogan_ilir, owner_nik="1610020101850001")
    registered.registered_by_company = staf_hk.company
    registered.save()
    detail = client.get(f"/api/v1/partners/{registered.pk}/", **readers["staf.hk"]).json()
    assert detail["owner_nik"] == "1610020101850001"  # the detail shows it to the company holding it (and logs it)
    entries = client.get("/api/v1/changes/", {"types": "partner"}, **readers["staf.hk"]).json()["results"]
    niks = {entry["data"]["owner_nik"] for entry in entries if entry["id"] == registered.pk}
    assert niks and "1610020101850001" not in niks

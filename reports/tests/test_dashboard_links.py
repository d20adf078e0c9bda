"""Every dashboard figure leads to the records it counts: followed as the user, the list it opens
holds as many rows as the figure says (or, for an amount, rows adding up to it)."""

import datetime

import pytest
from django.urls import reverse

from partners.models import Partner
from programs.models import Activity, ActivityParticipant
from regions.models import Region
from reports.aggregates import facts_rebuild

from .conftest import partner_in

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")
FIGURES = {"partners": "beneficiaries", "reached": "reached", "naik_kelas": "naik_kelas", "export": "export"}


@pytest.fixture
def reach(world, group, program, staf_hk):
    """Three craftsmen moved up a class, two export, and a coffee roaster who only took part in a
    training: partners reached without a handover."""
    members = list(group.memberships.order_by("partner__business_name").values_list("partner_id", flat=True))
    Partner.objects.filter(pk__in=members[:3]).update(joining_class=1, current_class=2)
    Partner.objects.filter(pk__in=members[3:5]).update(has_export=True)
    ogan = Region.objects.get(code="16.10")
    roaster = partner_in("Kopi Pedamaran", ogan, "kuliner")
    Partner.objects.filter(pk=roaster.pk).update(has_export=True)
    training = Activity.objects.create(
        program=program,
        kind="pelatihan",
        title="Pelatihan pemasaran daring",
        start_date=datetime.date(2023, 6, 5),
        end_date=datetime.date(2023, 6, 6),
        place="Indralaya",
        regency=ogan,
    )
    ActivityParticipant.objects.create(activity=training, partner=roaster)
    facts_rebuild()  # the partners' classes and export flags are read when the roll-ups are built


def listed(client, href: str):
    """(rows counted by the list, the rows on its first page) of the page `href` opens."""
    response = client.get(href)
    assert response.status_code == 200, href
    context = response.context
    if "handovers" in context:
        return context["count"], context["handovers"]
    return context["paginator"].count, list(context["object_list"])


def signed(handover) -> int:
    return -handover.total if handover.kind == "reversal" else handover.total


QUERIES = ["period=2023", "period=2023-Q4&region=16.10", "period=2023&sector=kerajinan", "period=2023&pillar=ekonomi"]


@pytest.mark.parametrize("username", ["staf.hk", "pejabat.sumsel", "auditor"])
@pytest.mark.parametrize("query_string", QUERIES)
def test_each_figure_opens_a_list_of_as_many_records(
    reach, client, staf_hk, pejabat_sumsel, auditor, username, query_string
):
    user = {u.username: u for u in (staf_hk, pejabat_sumsel, auditor)}[username]
    client.force_login(user)
    response = client.get(f"{URL}?{query_string}")
    headline, links = response.context["data"]["headline"], response.context["links"]
    assert headline["beneficiaries"] > 0  # the test has something to count
    if "Q4" not in query_string and "sector" not in query_string:
        assert headline["reached"] == headline["beneficiaries"] + 1  # the coffee roaster's training
    for link, figure in FIGURES.items():
        assert listed(client, links[link])[0] == headline[figure], (link, query_string)
    assert listed(client, links["handovers"])[0] == headline["handovers"]
    if links["groups"]:
        assert listed(client, links["groups"])[0] == headline["groups"]
    else:
        assert "sector" in query_string and headline["groups"] == 0
    assert headline["naik_kelas"] == 3 and headline["export"] >= 2


@pytest.mark.parametrize("username", ["staf.hk", "pejabat.sumsel", "auditor"])
@pytest.mark.parametrize("query_string", ["period=2023", "period=2023&region=16"])
def test_each_region_row_opens_its_handovers_and_beneficiaries(
    reach, client, staf_hk, pejabat_sumsel, auditor, username, query_string
):
    client.force_login({u.username: u for u in (staf_hk, pejabat_sumsel, auditor)}[username])
    response = client.get(f"{URL}?{query_string}")
    raw_rows = {row["code"]: row for row in response.context["data"]["children"]}
    shown = response.context["children"]
    assert shown and all(row["handovers_href"] and row["beneficiaries_href"] for row in shown)
    for row, raw in zip(shown, raw_rows.values(), strict=True):
        count, handovers = listed(client, row["handovers_href"])
        assert count == raw["handovers"] and sum(map(signed, handovers)) == raw["net"], row["label"]
        assert listed(client, row["beneficiaries_href"])[0] == raw["beneficiaries"], row["label"]


@pytest.mark.parametrize("username", ["staf.hk", "pejabat.sumsel", "auditor"])
def test_each_breakdown_row_opens_what_it_counts(reach, client, staf_hk, pejabat_sumsel, auditor, username):
    client.force_login({u.username: u for u in (staf_hk, pejabat_sumsel, auditor)}[username])
    response = client.get(URL, {"period": "2023"})
    data = response.context["data"]
    followed = 0
    for section, breakdown in zip(response.context["breakdowns"], _keys(), strict=True):
        for row, raw in zip(section["rows"], data[breakdown], strict=True):
            if not row["href"]:
                assert raw["id"] in (None, "") or breakdown == "by_program"
                continue
            count, records = listed(client, row["href"])
            followed += 1
            if breakdown in ("by_sector", "by_class"):
                assert count == raw["beneficiaries"], row["label"]
            elif breakdown == "by_kind":
                kind_total = sum(
                    (-1 if h.kind == "reversal" else 1) * sum(i.total for i in h.items.all() if i.kind == raw["id"])
                    for h in records
                )
                assert kind_total == raw["net"], row["label"]
            else:
                assert sum(map(signed, records)) == raw["net"], row["label"]
    assert followed >= 6


def _keys():
    from reports.views import BREAKDOWNS

    return [b.key for b in BREAKDOWNS]

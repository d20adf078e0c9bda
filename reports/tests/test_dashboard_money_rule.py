"""One rule for a group handover's money, on the dashboard and in the impact reports, checked
against sums taken straight from the handovers, their allocations and their members' sectors."""

import datetime
from collections import defaultdict

import pytest
from django.http import QueryDict

from accounts.scope import scope_for
from disbursements.models import COMMITTED_STATUSES, Disbursement
from disbursements.services import allocations_set, disbursement_approve, disbursement_submit
from partners.models import BusinessGroup, Membership
from regions.models import Region
from reports.dashboard import dashboard_data, dashboard_query
from reports.impact.figures import build_figures, period_for

from .conftest import draft_for, partner_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_group(world, staf_hk, manajer_hk, program, django_capture_on_commit_callbacks):
    """A group of three sectors given Rp90.000.000: Rp50.000.000 to the cook, Rp40.000.000 to the
    tailor and Rp0 to the weaver."""
    ogan = Region.objects.get(code="16.10")
    group = BusinessGroup.objects.create(name="Kelompok Campuran Indralaya", regency=ogan)
    members = {sector: partner_in(f"Anggota {sector}", ogan, sector) for sector in ("kuliner", "fesyen", "kerajinan")}
    for member in members.values():
        Membership.objects.create(group=group, partner=member, joined_on=datetime.date(2022, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        draft = draft_for(staf_hk, program, recipient=group, total=90_000_000, day=datetime.date(2023, 11, 20))
        amounts = {members["kuliner"].pk: 50_000_000, members["fesyen"].pk: 40_000_000, members["kerajinan"].pk: 0}
        allocations_set(disbursement=draft, actor=staf_hk, amounts=amounts)
        handover = disbursement_submit(disbursement=draft, actor=staf_hk)
        disbursement_approve(disbursement=handover, actor=manajer_hk)
    return members


def raw_by_sector(user, year=2023) -> tuple[dict, dict]:
    """(money, beneficiaries) per sector, from the rows themselves: a direct handover under its
    partner's sector, each allocation under its member's, the unallocated rest under ''."""
    rows = Disbursement.objects.in_scope(scope_for(user)).filter(status__in=COMMITTED_STATUSES, handed_on__year=year)
    reversed_ids = {d.reverses_id for d in rows if d.kind == "reversal"}
    money, people = defaultdict(int), defaultdict(set)
    for d in rows.select_related("partner").prefetch_related("allocations__partner"):
        sign = -1 if d.kind == "reversal" else 1
        counted = d.kind == "handover" and d.pk not in reversed_ids
        if d.partner_id:
            money[d.partner.sector] += sign * d.total
            if counted:
                people[d.partner.sector].add(d.partner_id)
            continue
        shares = list(d.allocations.all())
        for share in shares:
            money[share.partner.sector] += sign * share.amount
            if counted and share.amount > 0:
                people[share.partner.sector].add(share.partner_id)
        money[""] += sign * (d.total - sum(share.amount for share in shares))
    sectors = set(money) | set(people)
    return (
        {s: money[s] for s in sectors if money[s] or people[s]},
        {s: len(people[s]) for s in sectors if money[s] or people[s]},
    )


def dashboard_by_sector(user, query_string="period=2023") -> tuple[dict, dict]:
    query, refs = dashboard_query(user, QueryDict(query_string))
    rows = dashboard_data(query, refs, use_cache=False)["by_sector"]
    return {r["id"]: r["net"] for r in rows}, {r["id"]: r["beneficiaries"] for r in rows}


@pytest.mark.parametrize("username", ["auditor", "pejabat.sumsel", "manajer.hk"])
def test_group_money_goes_to_the_members_sectors_on_the_dashboard(
    mixed_group, username, auditor, pejabat_sumsel, manajer_hk
):
    user = {u.username: u for u in (auditor, pejabat_sumsel, manajer_hk)}[username]
    money, people = raw_by_sector(user)
    assert dashboard_by_sector(user) == (money, people)
    assert money["kerajinan"] >= 200_000_000  # the 30 craftsmen's Rp200.000.000 under their sector
    assert money["kuliner"] == 50_000_000
    assert money["fesyen"] == 50_000_000 + 40_000_000  # Songket Indralaya's own and the tailor's share
    assert "" not in money  # every rupiah of both groups is allocated: no group line


def test_a_member_allocated_nothing_is_no_beneficiary(mixed_group, auditor):
    query, refs = dashboard_query(auditor, QueryDict("period=2023"))
    headline = dashboard_data(query, refs, use_cache=False)["headline"]
    _money, people = raw_by_sector(auditor)
    # 30 craftsmen, Songket Indralaya, Tenun Ambon, the cook and the tailor: not the weaver.
    assert headline["beneficiaries"] == sum(people.values()) == 34
    _money, kerajinan = dashboard_by_sector(auditor, "period=2023&sector=kerajinan")
    assert kerajinan["kerajinan"] == 31  # the craftsmen and Tenun Ambon


def test_a_sector_filter_counts_the_members_shares(mixed_group, auditor):
    money, _people = raw_by_sector(auditor)
    for sector in ("kuliner", "fesyen", "kerajinan"):
        query, refs = dashboard_query(auditor, QueryDict(f"period=2023&sector={sector}"))
        assert dashboard_data(query, refs, use_cache=False)["headline"]["net"] == money[sector], sector


def test_impact_report_counts_sectors_by_the_same_rule(mixed_group, auditor, pejabat_sumsel):
    for user in (auditor, pejabat_sumsel):
        scope = scope_for(user)
        figures = build_figures(period=period_for("year", datetime.date(2023, 1, 1)), kind="year", scope=scope)
        money, people = raw_by_sector(user)
        assert {r["id"]: r["net"] for r in figures["by_sector"]} == money
        assert {r["id"]: r["beneficiaries"] for r in figures["by_sector"]} == people
        assert figures["summary"]["beneficiaries"] == sum(people.values())

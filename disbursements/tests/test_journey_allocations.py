"""A member of staff shares a group handover between its members by hand, in Chromium: the
running total and the difference follow the typing, a wrong sum comes back with what was typed,
and what is saved is what the screen said."""

import pytest
from playwright.sync_api import expect

from conftest import requires_chromium
from disbursements.tests.conftest import draft_for
from tjsl.tests.person import screen_for
from tjsl.tests.test_journey_handover_items import log_in, retype

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_staff_edits_a_group_allocation_by_hand(page, live_db, staf_hk, program, group, request):
    handover = draft_for(staf_hk, program, recipient=group, total=10_000_000)
    screen = screen_for(page, request)
    log_in(page, "staf.hk")
    page.get_by_role("link", name="Penyaluran", exact=True).click()
    page.get_by_role("link", name=f"Penyaluran #{handover.pk}").click()
    page.get_by_role("link", name="Ubah alokasi").click()
    members = sorted(p.business_name for p in group.members_on(handover.handed_on))
    first, second = (page.get_by_label(name, exact=True) for name in members[:2])
    expect(page.locator("#allocation-difference")).to_have_text("Jumlahnya sudah sama dengan total.")
    screen.check("allocation-equal-split")

    # Too much for the first member: the page says so before saving, and on saving.
    retype(first, "6.000.000")
    expect(page.locator("#allocation-difference")).to_contain_text("melebihi total")
    page.get_by_role("button", name="Simpan alokasi").click()
    expect(page.get_by_role("alert").first).to_contain_text("total penyaluran")
    expect(first).to_have_value("6.000.000")  # what was typed is kept
    screen.check("allocation-refused")

    # Balanced by hand: the rest to the second member, nothing to the others.
    for name in members[2:]:
        retype(page.get_by_label(name, exact=True), "0")
    retype(second, "4.000.000")
    expect(page.locator("#allocation-sum")).to_have_text("Rp10.000.000")
    expect(page.locator("#allocation-difference")).to_have_text("Jumlahnya sudah sama dengan total.")
    page.get_by_role("button", name="Simpan alokasi").click()
    page.wait_for_url(f"**/handovers/{handover.pk}/#allocations")
    expect(page.get_by_role("alert").first).to_contain_text("Alokasi tersimpan")
    screen.check("allocation-saved")

    saved = {a.partner.business_name: a.amount for a in handover.allocations.select_related("partner")}
    assert saved[members[0]] == 6_000_000 and saved[members[1]] == 4_000_000
    assert sum(saved.values()) == handover.total

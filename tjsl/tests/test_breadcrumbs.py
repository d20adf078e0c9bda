"""Detail and form pages say where they are: a breadcrumb trail back to their list and parent."""

import re

import pytest
from django.urls import reverse

from conftest import make_program
from disbursements.tests.conftest import draft_for, make_partner
from regions.models import Region

pytestmark = pytest.mark.django_db
TRAIL = re.compile(r'<nav aria-label="Jejak halaman" class="crumbs">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')
CURRENT = re.compile(r'aria-current="page">([^<]+)<')


def trail(client, url: str) -> tuple[list[tuple[str, str]], str]:
    """(href, text) of each step, and the current page's step."""
    response = client.get(url)
    assert response.status_code == 200, url
    (nav,) = TRAIL.findall(response.content.decode())
    return LINK.findall(nav), CURRENT.search(nav).group(1).strip()


@pytest.fixture
def partner(hk):
    return make_partner("Perak Tanjung Senai", Region.objects.get(code="16.10"), registered_by_company=hk)


def test_partner_pages_lead_back_to_the_list_and_the_partner(client, staf_hk, partner):
    client.force_login(staf_hk)
    list_url, detail_url = reverse("partners:partner-list"), reverse("partners:partner-detail", args=[partner.pk])
    assert trail(client, detail_url) == ([(list_url, "Mitra binaan")], "Perak Tanjung Senai")
    assert trail(client, reverse("partners:partner-update", args=[partner.pk])) == (
        [(list_url, "Mitra binaan"), (detail_url, "Perak Tanjung Senai")],
        "Ubah",
    )
    assert trail(client, reverse("partners:assessment-create", args=[partner.pk]))[0][-1] == (
        detail_url,
        "Perak Tanjung Senai",
    )


def test_handover_pages_lead_back_to_the_list_and_the_handover(client, staf_hk, hk, partner):
    handover = draft_for(staf_hk, make_program(hk), recipient=partner)
    client.force_login(staf_hk)
    list_url, detail_url = (
        reverse("disbursements:handover-list"),
        reverse("disbursements:handover-detail", args=[handover.pk]),
    )
    assert trail(client, detail_url) == ([(list_url, "Penyaluran")], str(handover))
    assert trail(client, reverse("disbursements:handover-update", args=[handover.pk])) == (
        [(list_url, "Penyaluran"), (detail_url, str(handover))],
        "Ubah",
    )
    assert trail(client, reverse("disbursements:handover-create"))[1] == "Penyaluran baru"


def test_program_and_group_pages_have_their_trail(client, manajer_hk, hk, partner):
    from partners.models import BusinessGroup

    program = make_program(hk)
    group = BusinessGroup.objects.create(name="Kelompok Perak Sungging", regency=partner.regency)
    client.force_login(manajer_hk)
    programs_url = reverse("programs:program-list")
    assert trail(client, reverse("programs:program-detail", args=[program.pk])) == (
        [(programs_url, "Program")],
        "HK-PK",
    )
    assert trail(client, reverse("programs:budget-set", args=[program.pk]))[0][-1] == (
        reverse("programs:program-detail", args=[program.pk]),
        "HK-PK",
    )
    assert trail(client, reverse("partners:businessgroup-detail", args=[group.pk])) == (
        [(reverse("partners:businessgroup-list"), "Kelompok usaha")],
        "Kelompok Perak Sungging",
    )

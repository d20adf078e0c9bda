"""Paging through the partner and group lists by the links a person clicks."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from partners import services
from partners.models import Partner
from regions.models import Region

pytestmark = pytest.mark.django_db

NEXT_LINK = re.compile(r'<a class="page-link" href="([^"]*)">(?:Next|Berikutnya|Selanjutnya)</a>')


def next_href(html: str) -> str:
    match = NEXT_LINK.search(html)
    assert match, "the page shows no Next link"
    return unescape(match.group(1))


def names_on(response, attribute: str) -> set[str]:
    return {getattr(row, attribute) for row in response.context["object_list"]}


class TestPartnerListPaging:
    def test_next_link_reaches_page_two_and_keeps_the_filter(self, client, staf_hk):
        regency = Region.objects.get(code="16.10")
        Partner.objects.bulk_create(
            Partner(
                business_name=f"Songket {i:02d}",
                owner_name="Pemilik",
                regency=regency,
                region_code=regency.code,
                sector="fesyen",
                joined_on=datetime.date(2023, 1, 1),
            )
            for i in range(30)
        )
        client.force_login(staf_hk)
        url = reverse("partners:partner-list")
        first = client.get(url, {"q": "songket"})
        href = next_href(first.content.decode())

        assert href.startswith("?") and not href.startswith("??")
        second = client.get(url + href)
        assert second.status_code == 200
        assert second.context["page_obj"].number == 2
        assert names_on(second, "business_name").isdisjoint(names_on(first, "business_name"))
        assert len(names_on(first, "business_name") | names_on(second, "business_name")) == 30


class TestGroupListPaging:
    def test_next_link_reaches_page_two(self, client, staf_hk):
        regency = Region.objects.get(code="16.10")
        for i in range(27):
            services.business_group_create(actor=staf_hk, name=f"Kelompok {i:02d}", regency=regency)
        client.force_login(staf_hk)
        url = reverse("partners:businessgroup-list")
        first = client.get(url)
        href = next_href(first.content.decode())

        second = client.get(url + href)
        assert second.context["page_obj"].number == 2
        assert names_on(second, "name").isdisjoint(names_on(first, "name"))
        assert len(names_on(first, "name") | names_on(second, "name")) == 27

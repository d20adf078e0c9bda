"""The partner form asks for the province first and offers only its regencies."""

import re

import pytest
from django.urls import reverse

from regions.models import Region

pytestmark = pytest.mark.django_db


def offered_regencies(html: str) -> list[str]:
    select = html[html.index('name="regency"') : html.index("</select>", html.index('name="regency"'))]
    return list(re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select))


class TestProvinceThenRegency:
    def test_a_new_form_offers_provinces_and_no_regency_until_one_is_chosen(self, client, staf_hk):
        client.force_login(staf_hk)
        html = client.get(reverse("partners:partner-create")).content.decode()
        assert 'name="province"' in html
        assert html.index('name="province"') < html.index('name="regency"')
        assert offered_regencies(html) == []

    def test_choosing_a_province_loads_only_its_regencies(self, client, staf_hk):
        client.force_login(staf_hk)
        sumsel = Region.objects.get(code="16")
        html = client.get(reverse("regions:regency-options"), {"province": sumsel.pk}).content.decode()
        names = re.findall(r"<option value=\"\d+\">([^<]+)</option>", html)
        assert "Kabupaten Ogan Ilir" in names
        assert len(names) == Region.objects.regencies().filter(parent=sumsel).count()
        assert "Kota Ambon" not in names

    def test_editing_offers_the_partners_province(self, client, staf_hk, make_partner):
        partner = make_partner(staf_hk)
        client.force_login(staf_hk)
        html = client.get(reverse("partners:partner-update", args=[partner.pk])).content.decode()
        regencies = offered_regencies(html)
        assert "Kabupaten Ogan Ilir" in regencies and "Kota Ambon" not in regencies
        assert re.search(rf'<option value="{partner.regency.parent_id}" selected>Sumatera Selatan</option>', html)

    @pytest.mark.parametrize("province", ["abc", "99999999999999999999", "\x00", ""])
    def test_junk_province_ids_give_no_options_and_no_error(self, client, staf_hk, province):
        client.force_login(staf_hk)
        response = client.get(reverse("regions:regency-options"), {"province": province})
        assert response.status_code in (200, 400)
        assert re.findall(r"<option value=\"\d+\">", response.content.decode()) == []

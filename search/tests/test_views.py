"""The search box's results page: within each role's scope, partners by name, NIB or the NIK
digits the mask shows, groups by name, handovers by number, each kind capped with a link to its list."""

import pytest
from django.urls import reverse

from conftest import make_user
from disbursements.tests.conftest import make_partner
from regions.models import Region

from .conftest import MALUKU_NIK, SUMSEL_NIK

pytestmark = pytest.mark.django_db
URL = reverse("search:results")


def found(client, user, term: str) -> dict[str, list[str]]:
    """{kind: [linked titles]} as the results page lists them."""
    client.force_login(user)
    response = client.get(URL, {"q": term})
    assert response.status_code == 200
    return {
        kind.kind: [str(getattr(row, "business_name", None) or row) for row in kind.rows]
        for kind in response.context["found"]
    }


def everything_found(client, user, world) -> set[str]:
    terms = [
        "Perak Tanjung",
        "Mutiara Ambon",
        "Kelompok",
        world.sumsel_partner.nib,
        world.maluku_partner.nib,
        SUMSEL_NIK[-4:],
        MALUKU_NIK[-4:],
        "TJSL/2023",
    ]
    return {title for term in terms for rows in found(client, user, term).values() for title in rows}


SUMSEL = {"Perak Tanjung Senai", "Kelompok Perak Sungging", "HK/TJSL/2023/0001"}
MALUKU = {"Mutiara Ambon Lestari", "Kelompok Mutiara Hitu", "PLN/TJSL/2023/0001"}
SHARED_REGISTRY = {"Perak Tanjung Senai", "Kelompok Perak Sungging", "Mutiara Ambon Lestari", "Kelompok Mutiara Hitu"}


class TestScope:
    @pytest.mark.parametrize(
        "role, expected",
        [
            ("staf_hk", SHARED_REGISTRY | {"HK/TJSL/2023/0001"}),
            ("manajer_hk", SHARED_REGISTRY | {"HK/TJSL/2023/0001"}),
            ("staf_pln", SHARED_REGISTRY | {"PLN/TJSL/2023/0001"}),
            ("pejabat_sumsel", SUMSEL),
            ("pejabat_maluku", MALUKU),
            ("auditor", SUMSEL | MALUKU),
            ("admin_user", SUMSEL | MALUKU),
        ],
    )
    def test_each_role_finds_exactly_its_scope(self, client, world, request, role, expected):
        assert everything_found(client, request.getfixturevalue(role), world) == expected

    def test_official_searching_another_regions_records_finds_nothing(self, client, world, pejabat_sumsel):
        for term in ["Mutiara", world.maluku_partner.nib, MALUKU_NIK[-4:], "Hitu", "PLN/TJSL/2023/0001", "PLN"]:
            assert found(client, pejabat_sumsel, term) == {"partners": [], "groups": [], "handovers": []}, term

    def test_staff_never_find_another_companys_handover(self, client, world, staf_hk):
        assert found(client, staf_hk, "PLN/TJSL/2023/0001")["handovers"] == []
        assert found(client, staf_hk, "HK/TJSL/2023/0001")["handovers"] == ["HK/TJSL/2023/0001"]

    def test_a_user_without_a_role_finds_nothing(self, client, world):
        nobody = make_user("tanpa.peran", None)
        client.force_login(nobody)
        response = client.get(URL, {"q": "Perak"})
        assert response.status_code == 200 and response.context["found"] == []
        assert "Perak Tanjung Senai" not in response.content.decode()


class TestNikRule:
    def test_the_last_four_digits_find_the_partner_for_everyone(self, client, world, pejabat_sumsel, auditor):
        for user in (pejabat_sumsel, auditor):
            assert found(client, user, SUMSEL_NIK[-4:])["partners"] == ["Perak Tanjung Senai"]

    def test_a_whole_nik_is_found_only_by_who_sees_it_unmasked(self, client, world, staf_hk, staf_pln, auditor):
        assert found(client, staf_hk, SUMSEL_NIK)["partners"] == ["Perak Tanjung Senai"]
        assert found(client, staf_pln, SUMSEL_NIK)["partners"] == []  # HK holds that partner's data
        assert found(client, auditor, SUMSEL_NIK)["partners"] == []  # auditors see NIKs masked

    def test_digits_the_mask_hides_find_nothing(self, client, world, staf_hk):
        assert found(client, staf_hk, SUMSEL_NIK[4:10])["partners"] == []
        assert found(client, staf_hk, SUMSEL_NIK[:6])["partners"] == []


class TestPage:
    def test_results_link_to_detail_pages_with_counts(self, client, world, auditor):
        client.force_login(auditor)
        html = client.get(URL, {"q": "Perak"}).content.decode()
        assert reverse("partners:partner-detail", args=[world.sumsel_partner.pk]) in html
        assert reverse("partners:businessgroup-detail", args=[world.sumsel_group.pk]) in html
        html = client.get(URL, {"q": "HK/TJSL/2023/0001"}).content.decode()
        assert reverse("disbursements:handover-detail", args=[world.hk_handover.pk]) in html
        assert "1 hasil" in html

    def test_no_results_is_said_for_each_kind(self, client, world, auditor):
        client.force_login(auditor)
        html = client.get(URL, {"q": "Tidak ada yang bernama begini"}).content.decode()
        assert "0 hasil" in html
        assert html.count("Tidak ada hasil.") == 3

    def test_each_kind_shows_ten_and_links_to_its_list_filtered_by_the_term(self, client, world, staf_hk):
        for i in range(12):
            make_partner(f"Perajin Songket {i:02d}", Region.objects.get(code="16.10"))
        client.force_login(staf_hk)
        response = client.get(URL, {"q": "Songket"})
        partners = next(kind for kind in response.context["found"] if kind.kind == "partners")
        assert len(partners.rows) == 10 and partners.count == 12
        html = response.content.decode()
        assert "Lihat semua 12 di daftar" in html
        listed = client.get(partners.see_all_url)
        assert listed.status_code == 200 and listed.context["paginator"].count == 12

    def test_see_all_handovers_opens_the_list_filtered_by_number(self, client, world, auditor):
        client.force_login(auditor)
        listed = client.get(reverse("disbursements:handover-list"), {"q": "PLN/TJSL"})
        assert [str(h) for h in listed.context["handovers"]] == ["PLN/TJSL/2023/0001"]

    def test_an_empty_or_hostile_term_is_a_page_not_an_error(self, client, world, auditor):
        client.force_login(auditor)
        assert client.get(URL).status_code == 200
        assert client.get(URL, {"q": "   "}).context["found"] == []
        assert client.get(URL, {"q": "x" * 5000}).status_code == 200
        assert client.get(URL, {"q": "Perak\x00"}).status_code in (200, 400)

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(URL, {"q": "Perak"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

"""'New handover for this partner/group' opens the form with that recipient chosen, within scope."""

import pytest
from django.urls import reverse

from disbursements.tests.conftest import make_partner
from regions.models import Region

pytestmark = pytest.mark.django_db

LINK = {"p": "Penyaluran baru untuk mitra ini", "g": "Penyaluran baru untuk kelompok ini"}


def detail_url(kind, obj):
    return reverse("partners:partner-detail" if kind == "p" else "partners:businessgroup-detail", args=[obj.pk])


@pytest.mark.parametrize("kind", ["p", "g"])
class TestNewHandoverFromItsPage:
    @pytest.mark.parametrize("role", ["staf_hk", "manajer_hk"])
    def test_those_who_enter_handovers_find_the_link_and_get_the_recipient_chosen(
        self, client, request, partner, group, kind, role
    ):
        obj = partner if kind == "p" else group
        client.force_login(request.getfixturevalue(role))
        page = client.get(detail_url(kind, obj)).content.decode()
        link = reverse("disbursements:handover-create") + f"?recipient={kind}:{obj.pk}"
        assert LINK[kind] in page and link in page
        form = client.get(link).context["form"]
        assert form["recipient"].value() == f"{kind}:{obj.pk}"
        assert form.recipient_label == str(obj)

    @pytest.mark.parametrize("role", ["auditor", "pejabat_sumsel"])
    def test_readers_who_enter_no_handover_see_no_link(self, client, request, partner, group, kind, role):
        obj = partner if kind == "p" else group
        client.force_login(request.getfixturevalue(role))
        page = client.get(detail_url(kind, obj)).content.decode()
        assert LINK[kind] not in page and "?recipient=" not in page

    def test_a_recipient_outside_the_users_scope_is_not_chosen(self, client, kind, hk):
        from accounts.roles import Role
        from conftest import make_user
        from partners.models import BusinessGroup

        ambon = Region.objects.get(code="81.71")
        obj = (
            make_partner("Mutiara Ambon", ambon)
            if kind == "p"
            else BusinessGroup.objects.create(name="Nelayan Ambon", regency=ambon)
        )
        regional = make_user("staf.sumsel.hk", Role.STAF, company=hk, region_code="16")
        client.force_login(regional)
        form = client.get(reverse("disbursements:handover-create") + f"?recipient={kind}:{obj.pk}").context["form"]
        assert form["recipient"].value() in ("", None) and form.recipient_label == ""

    @pytest.mark.parametrize("value", ["x:1", "p:abc", "p:²", "p:99999999999999999999999", "g:"])
    def test_a_malformed_recipient_is_ignored(self, client, staf_hk, kind, value):
        client.force_login(staf_hk)
        response = client.get(reverse("disbursements:handover-create"), {"recipient": value})
        assert response.status_code == 200 and response.context["form"].recipient_label == ""


def test_the_link_is_english_in_english(client, staf_hk, partner, group):
    client.force_login(staf_hk)
    client.cookies["django_language"] = "en"
    assert "New handover for this partner" in client.get(detail_url("p", partner)).content.decode()
    assert "New handover for this group" in client.get(detail_url("g", group)).content.decode()

"""A member added by mistake is removed the same day, after a confirm step, and stays in the history;
a partner from another province joins a group only after a warning naming its province."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.services import api_token_create
from conftest import problem_fields
from partners import services
from partners.models import Membership

from .conftest import nik

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def group(staf_hk, ogan_ilir):
    return services.business_group_create(actor=staf_hk, name="Kelompok Perak Sungging", regency=ogan_ilir)


@pytest.fixture
def member(staf_hk, make_partner, group):
    partner = make_partner(staf_hk, business_name="Salah Tambah", owner_nik=nik())
    return services.membership_add(group=group, partner=partner, joined_on=TODAY, actor=staf_hk)


@pytest.fixture
def far_partner(staf_hk, make_partner, ambon):
    return make_partner(staf_hk, business_name="Mutiara Ambon", regency=ambon, owner_nik=nik("817101"))


def _lang(client, language):
    client.cookies["django_language"] = language


class TestSameDayRemoval:
    def test_the_service_ends_a_membership_on_the_day_it_began_and_keeps_the_row(self, staf_hk, member, group):
        services.membership_end(membership=member, left_on=TODAY, actor=staf_hk)
        member.refresh_from_db()
        assert member.left_on == member.joined_on == TODAY
        assert list(group.members_on(TODAY)) == []
        assert Membership.objects.filter(pk=member.pk).exists()

    def test_before_joined_and_in_the_future_are_still_refused(self, staf_hk, member):
        with pytest.raises(ValidationError) as before:
            services.membership_end(membership=member, left_on=TODAY - datetime.timedelta(days=1), actor=staf_hk)
        assert "left_on" in before.value.message_dict
        with pytest.raises(ValidationError) as future:
            services.membership_end(membership=member, left_on=TODAY + datetime.timedelta(days=1), actor=staf_hk)
        assert "left_on" in future.value.message_dict

    @pytest.mark.parametrize(
        "language,question,done",
        [("id", "Akhiri keanggotaan?", "Keanggotaan diakhiri."), ("en", "End membership?", "Membership ended.")],
    )
    def test_the_page_asks_first_then_ends_and_shows_the_history(
        self, client, staf_hk, member, group, language, question, done
    ):
        client.force_login(staf_hk)
        _lang(client, language)
        url = reverse("partners:membership-end", args=[member.pk])
        asked = client.post(url, {"left_on": TODAY.strftime("%d/%m/%Y")})
        assert asked.status_code == 200 and question in asked.content.decode()
        member.refresh_from_db()
        assert member.left_on is None  # nothing ended before confirming
        done_page = client.post(url, {"left_on": TODAY.strftime("%d/%m/%Y"), "confirm": "1"}, follow=True)
        body = done_page.content.decode()
        assert done in body
        member.refresh_from_db()
        assert member.left_on == TODAY
        assert done_page.context["current"] == [] and done_page.context["former"] == [member]
        assert "Salah Tambah" in body

    def test_the_api_ends_a_membership_the_same_day(self, client, staf_hk, member, group):
        token = api_token_create(user=staf_hk, name="t")[1]
        response = client.post(
            f"/api/v1/groups/{group.pk}/members/{member.pk}/end/",
            {"left_on": TODAY.isoformat()},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content
        assert response.json()["left_on"] == TODAY.isoformat()


def test_at_half_past_six_wib_the_end_form_offers_the_wib_date(client, monkeypatch, staf_hk, group, make_partner):
    """'Today' is the date in WIB: at 23:30 UTC it is already the next day (06:30 WIB)."""
    partner = make_partner(staf_hk, business_name="Pagi Hari", owner_nik=nik())
    member = services.membership_add(group=group, partner=partner, joined_on=datetime.date(2024, 3, 1), actor=staf_hk)
    client.force_login(staf_hk)
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.UTC))
    page = client.get(reverse("partners:membership-end", args=[member.pk]))
    assert page.status_code == 200
    assert 'placeholder="dd/mm/yyyy" value="01/04/2024"' in page.content.decode()


class TestPartnerFromAnotherProvince:
    def test_the_service_refuses_without_confirmation_and_names_the_province(self, staf_hk, group, far_partner):
        with pytest.raises(ValidationError) as refused:
            services.membership_add(group=group, partner=far_partner, joined_on=TODAY, actor=staf_hk)
        assert "MALUKU" in refused.value.message_dict["partner"][0].upper()
        services.membership_add(
            group=group, partner=far_partner, joined_on=TODAY, actor=staf_hk, other_province_confirmed=True
        )
        assert list(group.members_on(TODAY)) == [far_partner]

    @pytest.mark.parametrize("language,warning", [("id", "di luar provinsi"), ("en", "outside the province")])
    def test_the_page_warns_naming_the_province_before_adding(
        self, client, staf_hk, group, far_partner, language, warning
    ):
        client.force_login(staf_hk)
        _lang(client, language)
        url = reverse("partners:membership-add", args=[group.pk])
        data = {"partner": far_partner.pk, "joined_on": TODAY.strftime("%d/%m/%Y")}
        warned = client.post(url, data)
        body = warned.content.decode()
        assert warned.status_code == 200 and warning in body and "MALUKU" in body.upper()
        assert not group.memberships.exists()
        client.post(url, {**data, "confirm_other_province": "1"})
        assert list(group.members_on(TODAY)) == [far_partner]

    def test_a_partner_of_the_same_province_is_added_without_a_step(self, client, staf_hk, group, make_partner):
        partner = make_partner(staf_hk, business_name="Tetangga", owner_nik=nik())
        client.force_login(staf_hk)
        response = client.post(
            reverse("partners:membership-add", args=[group.pk]),
            {"partner": partner.pk, "joined_on": TODAY.strftime("%d/%m/%Y")},
        )
        assert response.status_code == 302
        assert list(group.members_on(TODAY)) == [partner]

    def test_the_api_refuses_without_the_flag_and_accepts_with_it(self, client, staf_hk, group, far_partner):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=staf_hk, name='t')[1]}"}
        url = f"/api/v1/groups/{group.pk}/members/"
        refused = client.post(
            url, {"partner": far_partner.pk, "joined_on": TODAY.isoformat()}, content_type="application/json", **headers
        )
        assert refused.status_code == 422 and "MALUKU" in problem_fields(refused)["partner"][0].upper()
        added = client.post(
            url,
            {"partner": far_partner.pk, "joined_on": TODAY.isoformat(), "confirm_other_province": True},
            content_type="application/json",
            **headers,
        )
        assert added.status_code == 201, added.content

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partners import services
from partners.models import BusinessGroup, Partner, SizeClass, SizeClassThreshold
from partners.sizing import size_class_for

from .conftest import nik, partner_data

pytestmark = pytest.mark.django_db
M = 1_000_000


def assess(partner, actor, on, capital, sales, **extra):
    return services.assessment_record(
        partner=partner, actor=actor, assessed_on=on, capital=capital, annual_sales=sales, workers=3, **extra
    )


class TestPartnerCreate:
    def test_registers_partner_for_the_staffs_company_with_region_code(self, staf_hk, make_partner):
        partner = make_partner(staf_hk, district=None)
        assert partner.registered_by_company == staf_hk.company
        assert partner.region_code == "16.10"
        assert partner.created_by == staf_hk
        assert partner.history.count() == 1

    def test_regional_official_cannot_register(self, pejabat_sumsel):
        with pytest.raises(PermissionDenied):
            services.partner_create(actor=pejabat_sumsel, **partner_data())

    def test_duplicate_nik_is_blocked_with_link_and_assisting_company(self, staf_hk, staf_pln, make_partner):
        existing = make_partner(staf_hk, owner_nik="1610011508850001")
        with pytest.raises(ValidationError) as exc:
            make_partner(staf_hk, owner_nik="1610011508850001", business_name="Lain")
        message = exc.value.message_dict["owner_nik"][0]
        assert f"/partners/{existing.pk}/" in message
        assert "Hutama Karya" in message
        assert "1610011508850001" not in message
        # Another company may not read this NIK: it learns that it exists and who assists it, not whose it is.
        with pytest.raises(ValidationError) as exc:
            make_partner(staf_pln, owner_nik="1610011508850001", business_name="Lain")
        message = exc.value.message_dict["owner_nik"][0]
        assert "Hutama Karya" in message
        assert f"/partners/{existing.pk}/" not in message and existing.business_name not in message
        assert Partner.objects.count() == 1

    def test_duplicate_nib_is_blocked(self, staf_hk, make_partner):
        make_partner(staf_hk, nib="9120001234567")
        with pytest.raises(ValidationError) as exc:
            make_partner(staf_hk, nib="9120001234567", business_name="Lain")
        assert "nib" in exc.value.message_dict

    def test_invalid_nik_and_future_join_date_save_nothing(self, staf_hk, make_partner):
        with pytest.raises(ValidationError) as exc:
            make_partner(staf_hk, owner_nik="1610013208850003")
        assert "owner_nik" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            make_partner(staf_hk, joined_on=datetime.date.today() + datetime.timedelta(days=2))
        assert "joined_on" in exc.value.message_dict
        assert not Partner.objects.exists()

    def test_staff_of_another_company_cannot_edit(self, staf_hk, staf_pln, make_partner):
        partner = make_partner(staf_hk)
        with pytest.raises(PermissionDenied):
            services.partner_update(partner=partner, actor=staf_pln, business_name="X")
        services.partner_update(partner=partner, actor=staf_hk, business_name="Perak Baru")
        partner.refresh_from_db()
        assert partner.business_name == "Perak Baru"
        assert partner.history.first().history_user == staf_hk


class TestSizeClass:
    def test_defaults_follow_pp_7_2021(self):
        assert size_class_for(capital=1000 * M, annual_sales=2000 * M) == SizeClass.MIKRO
        assert size_class_for(capital=1001 * M, annual_sales=100 * M) == SizeClass.KECIL
        assert size_class_for(capital=100 * M, annual_sales=15_001 * M) == SizeClass.MENENGAH
        assert size_class_for(capital=10_001 * M, annual_sales=0) == SizeClass.BESAR

    def test_the_higher_class_of_the_two_criteria_wins(self):
        assert size_class_for(capital=10 * M, annual_sales=3000 * M) == SizeClass.KECIL

    def test_thresholds_are_data(self):
        SizeClassThreshold.objects.filter(size_class=SizeClass.MIKRO).update(max_sales=500 * M)
        assert size_class_for(capital=10 * M, annual_sales=600 * M) == SizeClass.KECIL


class TestAssessments:
    def test_moving_up_a_class_is_computed_from_joining_and_latest(self, staf_hk, make_partner):
        partner = make_partner(staf_hk, joined_on=datetime.date(2023, 1, 10))
        assess(partner, staf_hk, datetime.date(2023, 1, 5), 200 * M, 500 * M)
        partner.refresh_from_db()
        assert (partner.joining_class, partner.current_class, partner.naik_kelas) == (1, 1, False)
        assess(partner, staf_hk, datetime.date(2024, 6, 1), 2000 * M, 3000 * M, market_export=True)
        partner.refresh_from_db()
        assert (partner.joining_class, partner.current_class, partner.naik_kelas) == (1, 2, True)
        assert partner.has_export
        assert Partner.objects.naik_kelas().get() == partner

    def test_class_at_joining_uses_the_first_assessment_when_none_before_joining(self, staf_hk, make_partner):
        partner = make_partner(staf_hk, joined_on=datetime.date(2023, 1, 10))
        assess(partner, staf_hk, datetime.date(2023, 3, 1), 2000 * M, 3000 * M)
        assess(partner, staf_hk, datetime.date(2023, 2, 1), 100 * M, 100 * M)
        partner.refresh_from_db()
        assert partner.joining_class == SizeClass.MIKRO
        assert partner.current_class == SizeClass.KECIL

    def test_negative_amounts_and_future_dates_are_refused(self, staf_hk, make_partner):
        partner = make_partner(staf_hk)
        with pytest.raises(ValidationError):
            assess(partner, staf_hk, datetime.date(2024, 1, 1), -1, 10)
        with pytest.raises(ValidationError):
            assess(partner, staf_hk, datetime.date.today() + datetime.timedelta(days=1), 1, 10)
        assert not partner.assessments.exists()

    def test_export_milestone_needs_evidence_and_marks_export(self, staf_hk, make_partner):
        partner = make_partner(staf_hk)
        with pytest.raises(ValidationError):
            services.export_milestone_record(
                partner=partner,
                actor=staf_hk,
                destination_country="Malaysia",
                exported_on=datetime.date(2024, 3, 1),
                value=50 * M,
            )
        services.export_milestone_record(
            partner=partner,
            actor=staf_hk,
            destination_country="Malaysia",
            exported_on=datetime.date(2024, 3, 1),
            value=50 * M,
            evidence_note="Invoice 12/2024",
        )
        partner.refresh_from_db()
        assert partner.has_export
        assert partner.export_milestones.get().history.count() == 1


class TestGroups:
    def test_members_on_a_date_follow_joined_and_left(self, staf_hk, make_partner, ogan_ilir):
        group = services.business_group_create(actor=staf_hk, name="Karya Usang Sungging", regency=ogan_ilir)
        a = make_partner(staf_hk, business_name="A")
        b = make_partner(staf_hk, business_name="B", owner_nik=nik())
        m = services.membership_add(group=group, partner=a, joined_on=datetime.date(2023, 1, 1), actor=staf_hk)
        services.membership_add(group=group, partner=b, joined_on=datetime.date(2023, 6, 1), actor=staf_hk)
        services.membership_end(membership=m, left_on=datetime.date(2024, 1, 1), actor=staf_hk)
        assert set(group.members_on(datetime.date(2023, 7, 1))) == {a, b}
        assert set(group.members_on(datetime.date(2024, 1, 1))) == {b}
        assert group.region_code == "16.10"

    def test_overlapping_membership_is_refused_but_a_later_one_allowed(self, staf_hk, make_partner, ogan_ilir):
        group = services.business_group_create(actor=staf_hk, name="Kelompok", regency=ogan_ilir)
        a = make_partner(staf_hk)
        m = services.membership_add(group=group, partner=a, joined_on=datetime.date(2023, 1, 1), actor=staf_hk)
        with pytest.raises(ValidationError):
            services.membership_add(group=group, partner=a, joined_on=datetime.date(2023, 2, 1), actor=staf_hk)
        services.membership_end(membership=m, left_on=datetime.date(2023, 5, 1), actor=staf_hk)
        with pytest.raises(ValidationError):
            services.membership_add(group=group, partner=a, joined_on=datetime.date(2023, 4, 1), actor=staf_hk)
        services.membership_add(group=group, partner=a, joined_on=datetime.date(2023, 5, 1), actor=staf_hk)
        assert a.memberships.count() == 2

    def test_left_cannot_be_before_joined(self, staf_hk, make_partner, ogan_ilir):
        group = services.business_group_create(actor=staf_hk, name="Kelompok", regency=ogan_ilir)
        m = services.membership_add(
            group=group, partner=make_partner(staf_hk), joined_on=datetime.date(2023, 1, 2), actor=staf_hk
        )
        with pytest.raises(ValidationError):
            services.membership_end(membership=m, left_on=datetime.date(2023, 1, 1), actor=staf_hk)

    def test_group_visibility_follows_region(self, staf_hk, pejabat_maluku, pejabat_sumsel, ogan_ilir):
        services.business_group_create(actor=staf_hk, name="Kelompok", regency=ogan_ilir)
        assert BusinessGroup.objects.visible_to(pejabat_sumsel).count() == 1
        assert BusinessGroup.objects.visible_to(pejabat_maluku).count() == 0

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Company, User
from accounts.roles import Role
from accounts.scope import Scope, scope_for, scope_label
from conftest import make_user
from regions.models import Region

pytestmark = pytest.mark.django_db


def regions_seen(user) -> set[str]:
    """Provinces a user's scope reaches, applied the way visible_to() applies it."""
    q = scope_for(user).q(region_code_field="code")
    return set(Region.objects.provinces().filter(q).values_list("code", flat=True))


class TestScopeFor:
    def test_company_staff_are_bound_to_their_company_nationally(self, staf_hk, hk):
        assert scope_for(staf_hk) == Scope(company_id=hk.pk, region_code=None)

    def test_regional_official_sees_every_company_in_their_province(self, pejabat_sumsel):
        assert scope_for(pejabat_sumsel) == Scope(company_id=None, region_code="16")

    def test_auditor_sees_everything(self, auditor):
        assert scope_for(auditor) == Scope()

    def test_user_without_role_sees_nothing(self, hk):
        user = make_user("nobody", None, company=hk)
        assert scope_for(user).nothing
        assert not Company.objects.visible_to(user).exists()

    def test_anonymous_and_inactive_users_see_nothing(self, staf_hk):
        assert scope_for(AnonymousUser()).nothing
        staf_hk.is_active = False
        assert scope_for(staf_hk).nothing

    def test_staff_without_company_get_nothing_rather_than_everything(self):
        user = make_user("lost.staff", Role.STAF)
        assert scope_for(user).nothing


class TestRegionScope:
    def test_official_of_sumsel_reaches_only_sumsel(self, pejabat_sumsel):
        assert regions_seen(pejabat_sumsel) == {"16"}
        assert scope_for(pejabat_sumsel).covers_region_code("16.10")
        assert not scope_for(pejabat_sumsel).covers_region_code("81.71")

    def test_official_of_maluku_does_not_reach_ogan_ilir(self, pejabat_maluku):
        scope = scope_for(pejabat_maluku)
        assert not scope.covers_region_code("16.10")
        assert not Region.objects.filter(scope.q(region_code_field="code"), code="16.10").exists()

    def test_regency_official_reaches_its_districts_only(self):
        user = make_user("pejabat.oganilir", Role.PEJABAT, region_code="16.10")
        q = scope_for(user).q(region_code_field="code")
        codes = set(Region.objects.filter(q).values_list("code", flat=True))
        assert "16.10" in codes and len(codes) > 1
        assert all(code.startswith("16.10") for code in codes)

    def test_national_user_reaches_all_provinces(self, auditor):
        assert len(regions_seen(auditor)) == 38


class TestCompanyVisibility:
    def test_staff_see_only_their_own_company(self, staf_hk, hk, pln):
        assert list(Company.objects.visible_to(staf_hk)) == [hk]

    def test_official_and_auditor_see_every_company(self, pejabat_maluku, auditor, hk, pln):
        assert set(Company.objects.visible_to(pejabat_maluku)) == {hk, pln}
        assert set(Company.objects.visible_to(auditor)) == {hk, pln}

    def test_staff_see_only_themselves_in_the_user_list(self, staf_hk, manajer_hk):
        assert list(User.objects.visible_to(staf_hk)) == [staf_hk]

    def test_company_administrator_sees_their_company_users(self, hk, staf_hk, staf_pln):
        admin_hk = make_user("admin.hk", Role.ADMINISTRATOR, company=hk)
        assert set(User.objects.visible_to(admin_hk)) == {staf_hk, admin_hk}


class TestScopeLabel:
    def test_label_names_company_and_region(self, staf_hk, pejabat_sumsel):
        assert scope_label(staf_hk) == "Hutama Karya · Nasional"
        assert scope_label(pejabat_sumsel) == "Semua perusahaan · Sumatera Selatan"

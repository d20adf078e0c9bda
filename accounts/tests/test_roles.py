import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role

pytestmark = pytest.mark.django_db


class TestRoleGroups:
    def test_every_role_exists_as_a_group(self):
        assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}

    def test_staff_may_read_regions_but_not_manage_users(self, staf_hk):
        assert staf_hk.has_perm("regions.view_region")
        assert not staf_hk.has_perm("accounts.add_user")

    def test_auditor_reads_users_but_changes_nothing(self, auditor):
        assert auditor.has_perm("accounts.view_user")
        assert not auditor.has_perm("accounts.change_user")
        assert not auditor.has_perm("regions.change_region")

    def test_roles_mark_who_sees_personal_data(self, staf_hk, pejabat_sumsel, auditor):
        assert staf_hk.sees_personal_data
        assert not pejabat_sumsel.sees_personal_data
        assert not auditor.sees_personal_data

    def test_role_is_read_from_groups(self, manajer_hk):
        assert manajer_hk.role == Role.MANAJER

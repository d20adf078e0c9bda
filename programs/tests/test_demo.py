import io
from importlib import import_module

import pytest
from django.db.models import Sum
from django.urls import reverse

from accounts.models import User
from programs.models import Activity, ActivityParticipant, BudgetChange, Enrollment, Program, ProgramBudget

pytestmark = pytest.mark.django_db


def load_demo():
    """The demo loaders this app builds on, then its own (the apps after it are tested by them)."""
    for app in ("accounts", "partners", "programs"):
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError:
            continue
        module.load(stdout=io.StringIO())


def counts() -> tuple[int, ...]:
    models = (Program, ProgramBudget, BudgetChange, Activity, ActivityParticipant, Enrollment)
    return tuple(model.objects.count() for model in models)


@pytest.fixture
def demo(db):
    load_demo()


class TestDemoPrograms:
    def test_hk_peduli_kreatif_holds_the_ogan_ilir_handover(self, demo):
        program = Program.objects.get(company__code="HK", name="HK Peduli Kreatif")
        assert (program.pillar, program.support_form, program.status) == ("ekonomi", "bantuan", "aktif")
        assert list(program.sdgs.values_list("number", flat=True)) == [8]
        assert set(program.target_regions.values_list("code", flat=True)) == {"16", "16.10"}
        assert program.budgets.get(year=2023).amount >= 200_000_000

    def test_pln_program_has_inacraft_with_51_partners_and_82_products(self, demo):
        program = Program.objects.get(company__code="PLN", name="PLN Peduli UMK Naik Kelas")
        assert set(program.sdgs.values_list("number", flat=True)) == {8, 9}
        assert program.budgets.filter(year=2024).exists()
        inacraft = program.activities.get(title="INACRAFT 2024")
        assert (inacraft.place, inacraft.region_code, str(inacraft.start_date), str(inacraft.end_date)) == (
            "Jakarta Convention Center",
            "31.71",
            "2024-02-28",
            "2024-03-03",
        )
        assert inacraft.participants.count() == 51
        assert inacraft.participants.aggregate(total=Sum("product_count"))["total"] == 82
        provinces = {code[:2] for code in inacraft.participants.values_list("partner__region_code", flat=True)}
        assert len(provinces) >= 5

    def test_loading_twice_duplicates_nothing(self, demo):
        before = counts()
        load_demo()
        assert counts() == before

    def test_both_programs_show_on_the_pages(self, demo, client):
        client.force_login(User.objects.get(username="auditor"))
        page = client.get(reverse("programs:program-list")).content.decode()
        assert "HK Peduli Kreatif" in page and "PLN Peduli UMK Naik Kelas" in page
        inacraft = Activity.objects.get(title="INACRAFT 2024")
        assert client.get(reverse("programs:activity-detail", args=[inacraft.pk])).status_code == 200

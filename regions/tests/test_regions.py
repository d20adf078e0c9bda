import pytest
from django.core.management import call_command

from regions.models import Region
from regions.services import regions_load

pytestmark = pytest.mark.django_db


class TestRegionReferenceData:
    def test_counts_match_kepmendagri_2025(self):
        assert Region.objects.provinces().count() == 38
        assert Region.objects.regencies().count() == 514
        assert Region.objects.regencies().filter(kind=Region.Kind.KOTA).count() == 98
        assert Region.objects.regencies().filter(kind=Region.Kind.KABUPATEN).count() == 416
        assert Region.objects.districts().count() == 7285

    @pytest.mark.parametrize(
        ("code", "name", "kind"),
        [
            ("16", "Sumatera Selatan", "provinsi"),
            ("16.10", "Kabupaten Ogan Ilir", "kabupaten"),
            ("81", "Maluku", "provinsi"),
            ("81.71", "Kota Ambon", "kota"),
            ("31", "Daerah Khusus Ibukota Jakarta", "provinsi"),
            ("93", "Papua Selatan", "provinsi"),
            ("96", "Papua Barat Daya", "provinsi"),
        ],
    )
    def test_known_codes(self, code, name, kind):
        region = Region.objects.get(code=code)
        assert (region.name, region.kind) == (name, kind)

    def test_regency_hangs_under_its_province(self):
        ogan_ilir = Region.objects.get(code="16.10")
        assert ogan_ilir.parent.code == "16"
        assert ogan_ilir.province.name == "Sumatera Selatan"
        assert ogan_ilir.full_name == "Kabupaten Ogan Ilir, Sumatera Selatan"

    def test_within_covers_everything_below_and_nothing_else(self):
        sumsel = Region.objects.get(code="16")
        inside = Region.objects.within(sumsel)
        assert inside.filter(code="16.10").exists()
        assert inside.filter(level=Region.Level.DISTRICT, code__startswith="16.10.").exists()
        assert not inside.filter(code__startswith="81").exists()
        # "16" must not swallow a hypothetical "160" sibling: the dot is part of the rule.
        assert all(code == "16" or code.startswith("16.") for code in inside.values_list("code", flat=True))

    def test_loading_again_changes_nothing(self):
        before = Region.objects.count()
        result = regions_load()
        assert (result.created, result.updated, result.total) == (0, 0, before)

    def test_loader_repairs_a_renamed_region(self):
        Region.objects.filter(code="16.10").update(name="Ogan Ilir (wrong)")
        call_command("load_regions", verbosity=0)
        assert Region.objects.get(code="16.10").name == "Kabupaten Ogan Ilir"

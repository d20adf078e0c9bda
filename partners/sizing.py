"""Size classes by PP 7/2021: thresholds are data (SizeClassThreshold), the rule is here."""

from .models import SizeClass, SizeClassThreshold

# Default thresholds (PP 7/2021, Pasal 35), seeded by a data migration.
DEFAULT_THRESHOLDS = {
    SizeClass.MIKRO: (1_000_000_000, 2_000_000_000),
    SizeClass.KECIL: (5_000_000_000, 15_000_000_000),
    SizeClass.MENENGAH: (10_000_000_000, 50_000_000_000),
}


def thresholds_load() -> list[tuple[int, int, int]]:
    """(class, max capital, max sales) from the database, smallest class first."""
    rows = list(SizeClassThreshold.objects.order_by("size_class").values_list("size_class", "max_capital", "max_sales"))
    return rows or [(int(k), cap, sales) for k, (cap, sales) in DEFAULT_THRESHOLDS.items()]


def size_class_for(*, capital: int, annual_sales: int, thresholds: list[tuple[int, int, int]] | None = None) -> int:
    """The class of a business with this capital and these sales.

    Each criterion alone places the business in the smallest class whose bound it
    does not exceed; the business takes the higher of the two, so a workshop with
    small capital but Rp3 miliar of sales is Kecil, not Mikro.
    """
    thresholds = thresholds if thresholds is not None else thresholds_load()
    by_capital = next((k for k, max_cap, _ in thresholds if capital <= max_cap), SizeClass.BESAR)
    by_sales = next((k for k, _, max_sales in thresholds if annual_sales <= max_sales), SizeClass.BESAR)
    return int(max(by_capital, by_sales))

"""The 17 SDGs (Tujuan Pembangunan Berkelanjutan, TPB) and the pillar each belongs to."""

# number: (Indonesian name, English name)
SDG_NAMES: dict[int, tuple[str, str]] = {
    1: ("Tanpa Kemiskinan", "No poverty"),
    2: ("Tanpa Kelaparan", "Zero hunger"),
    3: ("Kehidupan Sehat dan Sejahtera", "Good health and well-being"),
    4: ("Pendidikan Berkualitas", "Quality education"),
    5: ("Kesetaraan Gender", "Gender equality"),
    6: ("Air Bersih dan Sanitasi Layak", "Clean water and sanitation"),
    7: ("Energi Bersih dan Terjangkau", "Affordable and clean energy"),
    8: ("Pekerjaan Layak dan Pertumbuhan Ekonomi", "Decent work and economic growth"),
    9: ("Industri, Inovasi dan Infrastruktur", "Industry, innovation and infrastructure"),
    10: ("Berkurangnya Kesenjangan", "Reduced inequalities"),
    11: ("Kota dan Permukiman yang Berkelanjutan", "Sustainable cities and communities"),
    12: ("Konsumsi dan Produksi yang Bertanggung Jawab", "Responsible consumption and production"),
    13: ("Penanganan Perubahan Iklim", "Climate action"),
    14: ("Ekosistem Lautan", "Life below water"),
    15: ("Ekosistem Daratan", "Life on land"),
    16: ("Perdamaian, Keadilan dan Kelembagaan yang Tangguh", "Peace, justice and strong institutions"),
    17: ("Kemitraan untuk Mencapai Tujuan", "Partnerships for the goals"),
}


def sdgs_ensure(*, sdg_model=None) -> int:
    """Create or update the 17 SDGs with their pillar; safe to run again.

    `sdg_model` lets a data migration pass its historical model.
    """
    from .models import PILLAR_SDGS

    if sdg_model is None:
        from .models import Sdg as sdg_model
    pillar_of = {number: str(pillar) for pillar, numbers in PILLAR_SDGS.items() for number in numbers}
    for number, (name, name_en) in SDG_NAMES.items():
        sdg_model.objects.update_or_create(
            number=number, defaults={"name": name, "name_en": name_en, "pillar": pillar_of[number]}
        )
    return len(SDG_NAMES)

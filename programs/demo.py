"""Demo programs: HK Peduli Kreatif (Ogan Ilir) and PLN at INACRAFT 2024.

Idempotent: programs are keyed by (company, code), activities by (program, title),
invented partners by business name; budgets change only when the amount differs.
Business names, owners and amounts of the partners are invented.
"""

import datetime

from django.apps import apps

from accounts.models import Company, User
from partners.models import Partner, Sector
from regions.models import Region

from . import services
from .models import Activity, Enrollment, Pillar, Program, Sdg
from .sdgs import sdgs_ensure

HK_GROUP_NAME = "Kelompok Usaha Karya Usang Sungging"

# Regencies/cities the invented INACRAFT exhibitors come from.
EXHIBITOR_REGENCIES = [
    "31.71", "33.20", "34.02", "51.71", "73.71", "12.71", "16.71", "81.71", "64.72",
    "32.73", "35.78", "52.71", "61.71", "13.71", "74.71", "11.71", "36.71",
]  # fmt: skip
CRAFTS = [
    ("Tenun", "kain tenun ikat"),
    ("Batik", "kain batik tulis"),
    ("Anyaman", "tas anyaman pandan"),
    ("Ukir", "ukiran kayu jati"),
    ("Gerabah", "gerabah hias"),
    ("Perak", "perhiasan perak"),
    ("Rotan", "kursi rotan"),
    ("Songket", "kain songket"),
    ("Bambu", "lampu bambu"),
    ("Kulit", "dompet kulit"),
]
OWNERS = [
    "Siti", "Budi", "Wayan", "Made", "Ketut", "Rahmat", "Yuliana", "Hendra", "Fitri", "Joko",
    "Maria", "Andi", "Nurul", "Agus", "Dewi", "Slamet", "Rosa",
]  # fmt: skip
INACRAFT_PARTNERS = 51
INACRAFT_PRODUCTS = 82


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _program(*, company, actor, code, sdg_numbers, regions, status, **fields) -> Program:
    sdgs = list(Sdg.objects.filter(number__in=sdg_numbers))
    target_regions = list(Region.objects.filter(code__in=regions))
    program = Program.objects.filter(company=company, code=code).first()
    if program is None:
        return services.program_create(
            company=company, actor=actor, code=code, sdgs=sdgs, target_regions=target_regions, status=status, **fields
        )
    return services.program_update(
        program=program, actor=actor, code=code, sdgs=sdgs, target_regions=target_regions, **fields
    )


def _enrol(program: Program, partner: Partner, actor, joined_on: datetime.date) -> None:
    if not Enrollment.objects.filter(program=program, partner=partner).exists():
        services.enrollment_create(
            program=program, partner=partner, actor=actor, joined_on=joined_on, confirm_other_company=True
        )


def _group_partners(name: str) -> list[Partner]:
    """Members of a business group from the partners demo, if that model and group exist."""
    try:
        group_model = apps.get_model("partners", "BusinessGroup")
    except LookupError:
        return []
    group = group_model.objects.filter(name=name).first()
    if group is None or not hasattr(group, "memberships"):
        return []
    return [membership.partner for membership in group.memberships.select_related("partner")]


def load_hk(*, stdout) -> Program:
    hk = Company.objects.get(code="HK")
    actor = _user("manajer.hk")
    program = _program(
        company=hk,
        actor=actor,
        code="HK-PK",
        name="HK Peduli Kreatif",
        description=(
            "Pengembangan usaha perajin perak dan tembaga di Kabupaten Ogan Ilir: peralatan produksi, "
            "bahan baku dan akses pasar ke Palembang, Bengkulu dan Lampung melalui jalan tol dan rest area."
        ),
        pillar=Pillar.EKONOMI,
        sdg_numbers=[8],
        support_form=Program.SupportForm.BANTUAN,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        regions=["16", "16.10"],
        unit="Unit TJSL Hutama Karya",
        person_responsible="Bima Santoso",
        status=Program.Status.AKTIF,
    )
    for year, amount in ((2023, 750_000_000), (2024, 600_000_000), (2025, 500_000_000)):
        services.program_budget_set(program=program, year=year, amount=amount, reason="RKA TJSL disetujui", actor=actor)
    services.program_target_set(
        program=program, year=None, actor=actor, partners_reached=30, beneficiaries=30, naik_kelas=5
    )
    services.program_target_set(
        program=program, year=2023, actor=actor, partners_reached=30, beneficiaries=30, naik_kelas=0
    )
    members = _group_partners(HK_GROUP_NAME)
    for partner in members:
        _enrol(program, partner, actor, datetime.date(2023, 11, 9))
    stdout.write(f"HK Peduli Kreatif: {len(members)} partners of {HK_GROUP_NAME} enrolled.")
    return program


def _exhibitors(pln: Company, actor) -> list[Partner]:
    """51 invented exhibitors across several provinces (created once, found again by name)."""
    regencies = {region.code: region for region in Region.objects.filter(code__in=EXHIBITOR_REGENCIES)}
    partners = []
    for index in range(INACRAFT_PARTNERS):
        craft, product = CRAFTS[index % len(CRAFTS)]
        owner = OWNERS[index % len(OWNERS)]
        regency = regencies[EXHIBITOR_REGENCIES[index % len(EXHIBITOR_REGENCIES)]]
        name = f"{craft} {owner} {regency.name.replace('Kota ', '').replace('Kabupaten ', '')} {index + 1:02d}"
        partner, _created = Partner.objects.update_or_create(
            business_name=name,
            defaults={
                "owner_name": f"{owner} (demo)",
                "regency": regency,
                "sector": Sector.KERAJINAN,
                "products": product,
                "joined_on": datetime.date(2022, 3, 1),
                "registered_by_company": pln,
                "created_by": actor,
            },
        )
        partners.append(partner)
    return partners


def load_pln(*, stdout) -> Program:
    pln = Company.objects.get(code="PLN")
    actor = _user("manajer.pln")
    program = _program(
        company=pln,
        actor=actor,
        code="PLN-UMK-NK",
        name="PLN Peduli UMK Naik Kelas",
        description="Akses pasar bagi UMK mitra binaan PLN: pameran, kurasi produk dan pendampingan ekspor.",
        pillar=Pillar.EKONOMI,
        sdg_numbers=[8, 9],
        support_form=Program.SupportForm.AKSES_PASAR,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        regions=["31"],
        unit="Divisi TJSL PLN",
        person_responsible="Agus Pratama",
        status=Program.Status.AKTIF,
    )
    services.program_budget_set(program=program, year=2024, amount=2_500_000_000, reason="RKA TJSL 2024", actor=actor)
    services.program_target_set(
        program=program, year=2024, actor=actor, partners_reached=51, beneficiaries=51, naik_kelas=10, export_partners=5
    )
    fields = {
        "kind": Activity.Kind.PAMERAN,
        "start_date": datetime.date(2024, 2, 28),
        "end_date": datetime.date(2024, 3, 3),
        "place": "Jakarta Convention Center",
        "regency": Region.objects.get(code="31.71"),
        "cost": 450_000_000,
        "description": "51 UMK mitra binaan PLN dari berbagai provinsi memamerkan 82 jenis produk kerajinan.",
    }
    activity = Activity.objects.filter(program=program, title="INACRAFT 2024").first()
    if activity is None:
        activity = services.activity_create(program=program, actor=actor, title="INACRAFT 2024", **fields)
    else:
        services.activity_update(activity=activity, actor=actor, **fields)
    taken = set(activity.participants.values_list("partner_id", flat=True))
    # 31 exhibitors show two kinds of product, 20 show one: 82 in total.
    for index, partner in enumerate(_exhibitors(pln, actor)):
        if partner.pk in taken:
            continue
        count = 2 if index < INACRAFT_PRODUCTS - INACRAFT_PARTNERS else 1
        services.activity_participant_add(
            activity=activity, partner=partner, actor=actor, products_shown=partner.products, product_count=count
        )
    stdout.write(f"PLN Peduli UMK Naik Kelas: INACRAFT 2024 with {activity.participants.count()} partners.")
    return program


def load(*, stdout) -> None:
    sdgs_ensure()
    load_hk(stdout=stdout)
    load_pln(stdout=stdout)

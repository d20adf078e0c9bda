"""Demo programs: HK Peduli Kreatif (Ogan Ilir) and PLN at INACRAFT 2024.

Safe on any database: a program is the demo's when its company is the demo's and
its code and name are the demo's; an exhibitor when its name, owner and company
are. Those are used as they are (budgets, targets, enrolments and the activity are
written only when this run creates the program), and a program whose code or name
someone else's program already has is skipped, as is an exhibitor whose name is taken.
Business names, owners and amounts of the partners are invented.
"""

import datetime

from accounts.demo import demo_company, demo_user, skipped
from accounts.models import Company
from partners.demo import demo_members
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


PROGRAM_NAMES = {("HK", "HK-PK"): "HK Peduli Kreatif", ("PLN", "PLN-UMK-NK"): "PLN Peduli UMK Naik Kelas"}


def demo_program(company_code: str, code: str) -> Program | None:
    """The demo's program, or None when there is none or its code is someone else's."""
    company = demo_company(company_code)
    if company is None:
        return None
    return Program.objects.filter(company=company, code=code, name=PROGRAM_NAMES[(company_code, code)]).first()


def _program(*, company, actor, code, sdg_numbers, regions, status, stdout, **fields) -> Program | None:
    """The demo's program, created when nothing looks like it; None (skipped) when something does."""
    ours = demo_program(company.code, code)
    if ours is not None:
        return ours
    if (
        Program.objects.filter(company=company, code__iexact=code).exists()
        or Program.objects.filter(company=company, name__iexact=fields["name"]).exists()
    ):
        skipped(stdout, f"program {fields['name']}", "a program with this code or name already exists")
        return None
    sdgs = list(Sdg.objects.filter(number__in=sdg_numbers))
    target_regions = list(Region.objects.filter(code__in=regions))
    program = services.program_create(
        company=company, actor=actor, code=code, sdgs=sdgs, target_regions=target_regions, status=status, **fields
    )
    program.demo_created = True
    return program


def _enrol(program: Program, partner: Partner, actor, joined_on: datetime.date) -> None:
    if not Enrollment.objects.filter(program=program, partner=partner).exists():
        services.enrollment_create(
            program=program, partner=partner, actor=actor, joined_on=joined_on, confirm_other_company=True
        )


def load_hk(*, stdout) -> Program | None:
    hk, actor = demo_company("HK"), demo_user("manajer.hk")
    if hk is None or actor is None:
        skipped(stdout, "program HK Peduli Kreatif", "no demo company HK or user manajer.hk")
        return None
    program = _program(
        stdout=stdout,
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
    if program is None or not getattr(program, "demo_created", False):
        return program  # the demo's program is there already, as someone may have changed it
    for year, amount in ((2023, 750_000_000), (2024, 600_000_000), (2025, 500_000_000)):
        services.program_budget_set(program=program, year=year, amount=amount, reason="RKA TJSL disetujui", actor=actor)
    services.program_target_set(
        program=program, year=None, actor=actor, partners_reached=30, beneficiaries=30, naik_kelas=5
    )
    services.program_target_set(
        program=program, year=2023, actor=actor, partners_reached=30, beneficiaries=30, naik_kelas=0
    )
    members = demo_members()
    for partner in members:
        _enrol(program, partner, actor, datetime.date(2023, 11, 9))
    stdout.write(f"HK Peduli Kreatif: {len(members)} partners of {HK_GROUP_NAME} enrolled.")
    return program


def _exhibitor_specs():
    """(name, owner, product, regency) of the 51 invented exhibitors, for the regencies that exist."""
    regencies = {region.code: region for region in Region.objects.filter(code__in=EXHIBITOR_REGENCIES)}
    for index in range(INACRAFT_PARTNERS):
        craft, product = CRAFTS[index % len(CRAFTS)]
        owner = OWNERS[index % len(OWNERS)]
        regency = regencies.get(EXHIBITOR_REGENCIES[index % len(EXHIBITOR_REGENCIES)])
        if regency is None:
            continue
        name = f"{craft} {owner} {regency.name.replace('Kota ', '').replace('Kabupaten ', '')} {index + 1:02d}"
        yield name, f"{owner} (demo)", product, regency


def demo_exhibitors() -> list[Partner]:
    """The invented exhibitors that exist: the demo's name and owner, registered by the demo's PLN."""
    pln = demo_company("PLN")
    if pln is None:
        return []
    owners = {name: owner for name, owner, _product, _regency in _exhibitor_specs()}
    found = Partner.objects.filter(business_name__in=owners, registered_by_company=pln, owner_nik="")
    return [partner for partner in found if owners[partner.business_name] == partner.owner_name]


def _exhibitors(pln: Company, actor, stdout) -> list[Partner]:
    """51 invented exhibitors across several provinces (created once, found again by name and owner)."""
    ours = {partner.business_name: partner for partner in demo_exhibitors()}
    partners = []
    for name, owner, product, regency in _exhibitor_specs():
        partner = ours.get(name)
        if partner is None:
            if Partner.objects.filter(business_name__iexact=name).exists():
                skipped(stdout, f"exhibitor {name}", "a partner of that name already exists")
                continue
            partner = Partner.objects.create(
                business_name=name,
                owner_name=owner,
                regency=regency,
                sector=Sector.KERAJINAN,
                products=product,
                joined_on=datetime.date(2022, 3, 1),
                registered_by_company=pln,
                created_by=actor,
            )
        partners.append(partner)
    return partners


def load_pln(*, stdout) -> Program | None:
    pln, actor = demo_company("PLN"), demo_user("manajer.pln")
    if pln is None or actor is None:
        skipped(stdout, "program PLN Peduli UMK Naik Kelas", "no demo company PLN or user manajer.pln")
        return None
    program = _program(
        stdout=stdout,
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
    if program is None or not getattr(program, "demo_created", False):
        return program  # the demo's program is there already, as someone may have changed it
    services.program_budget_set(program=program, year=2024, amount=2_500_000_000, reason="RKA TJSL 2024", actor=actor)
    services.program_target_set(
        program=program, year=2024, actor=actor, partners_reached=51, beneficiaries=51, naik_kelas=10, export_partners=5
    )
    fields = {
        "kind": Activity.Kind.PAMERAN,
        "start_date": datetime.date(2024, 2, 28),
        "end_date": datetime.date(2024, 3, 3),
        "place": "Jakarta Convention Center",
        "regency": Region.objects.filter(code="31.71").first(),
        "cost": 450_000_000,
        "description": "51 UMK mitra binaan PLN dari berbagai provinsi memamerkan 82 jenis produk kerajinan.",
    }
    activity = services.activity_create(program=program, actor=actor, title="INACRAFT 2024", **fields)
    # 31 exhibitors show two kinds of product, 20 show one: 82 in total.
    for index, partner in enumerate(_exhibitors(pln, actor, stdout)):
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

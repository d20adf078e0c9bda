"""Demo partners: Kelompok Usaha Karya Usang Sungging (Ogan Ilir) and partners across Indonesia.

Every name, NIK and amount here is invented. Safe on any database: a demo partner
is the one with the demo's NIK and business name, the group the one with the demo's
name, regency and company. Those are used as they are; a partner whose NIK or NIB
is taken, or whose name another partner of the same regency already has, is skipped
(so is a group whose name is taken), and records are filled in only when this run
creates them: what someone changed afterwards is never overwritten.
"""

import datetime

from accounts.demo import demo_company, demo_user, skipped
from regions.models import Region

from .models import Assessment, BusinessGroup, ExportMilestone, Membership, Partner
from .services import partner_classes_refresh
from .sizing import size_class_for, thresholds_load

M = 1_000_000
GROUP_NAME = "Kelompok Usaha Karya Usang Sungging"

FIRST = [
    "Ahmad",
    "Budi",
    "Cik",
    "Darmawan",
    "Edi",
    "Fajar",
    "Gusti",
    "Hendra",
    "Irwan",
    "Joko",
    "Kms.",
    "Lukman",
    "Mang",
    "Nanang",
    "Oding",
    "Putra",
    "Rahmat",
    "Syarif",
    "Taufik",
    "Usman",
    "Wawan",
    "Yusuf",
    "Zainal",
    "Rosidah",
    "Siti",
    "Nurhayati",
    "Maimunah",
    "Halimah",
    "Aisyah",
    "Yanti",
]
LAST = [
    "Saputra",
    "Hidayat",
    "Mulyadi",
    "Firdaus",
    "Kurniawan",
    "Ramadhan",
    "Syahputra",
    "Harahap",
    "Pratama",
    "Wijaya",
]
CRAFTS = ["Perak", "Tembaga", "Kuningan", "Perak Ukir", "Tembaga Tempa"]
PRODUCTS = {
    "Perak": "Cincin, gelang dan bros perak",
    "Tembaga": "Nampan, teko dan hiasan dinding tembaga",
    "Kuningan": "Tempat sirih dan hiasan kuningan",
    "Perak Ukir": "Kotak perhiasan perak ukiran songket",
    "Tembaga Tempa": "Dandang dan kuali tembaga tempa",
}

# business name, owner, regency code, sector, products, joined, (capital, sales) by year, export (country, value)
OTHERS = [
    (
        "Pempek Cek Mona",
        "Mona Lestari",
        "16.71",
        "kuliner",
        "Pempek dan tekwan beku",
        2022,
        [(150, 400), (600, 2600)],
        None,
    ),
    (
        "Songket Palembang Indah",
        "Rusmini",
        "16.71",
        "fesyen",
        "Kain songket",
        2021,
        [(300, 900), (900, 2400)],
        ("Malaysia", 85),
    ),
    ("Kopi Semendo Jaya", "Harun Effendi", "16.03", "pertanian", "Kopi robusta", 2023, [(80, 300), (120, 500)], None),
    ("Kemplang Tunu Bu Ida", "Ida Royani", "16.10", "kuliner", "Kerupuk kemplang", 2022, [(40, 150), (60, 260)], None),
    (
        "Tenun Tanimbar Lestari",
        "Maria Batlayeri",
        "81.03",
        "fesyen",
        "Kain tenun ikat",
        2022,
        [(60, 200), (200, 700)],
        ("Australia", 40),
    ),
    (
        "Minyak Kayu Putih Buru",
        "Abdullah Wael",
        "81.01",
        "pertanian",
        "Minyak kayu putih",
        2021,
        [(250, 800), (1200, 2800)],
        None,
    ),
    (
        "Ikan Asap Hitu",
        "Salma Tuasikal",
        "81.01",
        "perikanan",
        "Ikan cakalang asap",
        2023,
        [(90, 350), (110, 420)],
        None,
    ),
    (
        "Sagu Lempeng Mama Ona",
        "Ona Latumahina",
        "81.71",
        "kuliner",
        "Sagu lempeng dan bagea",
        2022,
        [(30, 120), (45, 180)],
        None,
    ),
    (
        "Mutiara Ambon Manise",
        "Yosef Pattinama",
        "81.71",
        "kerajinan",
        "Perhiasan mutiara",
        2020,
        [(700, 1900), (1500, 4200)],
        ("Jepang", 120),
    ),
    (
        "Pala Banda Sejahtera",
        "Rahman Baadila",
        "81.01",
        "pertanian",
        "Pala dan fuli",
        2021,
        [(400, 1500), (800, 3100)],
        ("Belanda", 210),
    ),
    (
        "Ukir Jepara Makmur",
        "Slamet Riyadi",
        "33.20",
        "kerajinan",
        "Mebel ukir jati",
        2020,
        [(900, 1800), (1800, 5000)],
        ("Jerman", 340),
    ),
    (
        "Gerabah Kasongan Asri",
        "Sri Lestari",
        "34.02",
        "kerajinan",
        "Gerabah hias",
        2022,
        [(120, 450), (300, 1100)],
        None,
    ),
    ("Batik Bantul Ayu", "Wahyuni", "34.02", "fesyen", "Batik tulis", 2021, [(200, 700), (250, 900)], None),
    (
        "Endek Denpasar Sari",
        "Made Sudiarta",
        "51.71",
        "fesyen",
        "Kain endek",
        2022,
        [(350, 1200), (1100, 3300)],
        ("Singapura", 60),
    ),
    (
        "Kopi Toraja Makassar",
        "Daeng Rahim",
        "73.71",
        "perdagangan",
        "Kopi arabika sangrai",
        2023,
        [(150, 500), (170, 650)],
        None,
    ),
    (
        "Mutiara Lombok Cahaya",
        "Baiq Nurul",
        "52.71",
        "kerajinan",
        "Perhiasan mutiara",
        2022,
        [(500, 1500), (1200, 2500)],
        None,
    ),
    (
        "Bengkel Las Jaya Abadi",
        "Agus Salim",
        "31.71",
        "jasa",
        "Pagar dan teralis",
        2021,
        [(400, 1300), (450, 1500)],
        None,
    ),
    ("Kerupuk Kulit Pak Din", "Samsudin", "32.73", "kuliner", "Kerupuk kulit", 2022, [(60, 250), (80, 300)], None),
    (
        "Rumput Laut Nusa",
        "Ketut Arsana",
        "51.71",
        "perikanan",
        "Rumput laut kering",
        2023,
        [(100, 300), (140, 700)],
        None,
    ),
    ("Madu Hutan Nabire", "Yakob Waromi", "94.01", "pertanian", "Madu hutan", 2023, [(50, 180), (70, 240)], None),
    (
        "Anyaman Purun Pedamaran",
        "Nurlela",
        "16.02",
        "kerajinan",
        "Tikar dan tas purun",
        2022,
        [(25, 90), (70, 260)],
        None,
    ),
    (
        "Pindang Patin Pemulutan",
        "Rohani",
        "16.10",
        "kuliner",
        "Pindang patin kemasan",
        2023,
        [(70, 200), (90, 330)],
        None,
    ),
    (
        "Jasa Jahit Ambon Rapi",
        "Theresia Sahetapy",
        "81.71",
        "jasa",
        "Jahit seragam",
        2022,
        [(40, 160), (55, 210)],
        None,
    ),
    ("Toko Kelontong Berkah", "Hasan Basri", "16.71", "perdagangan", "Sembako", 2021, [(300, 1100), (350, 1400)], None),
]


def _nik(prefix: str, index: int, woman: bool) -> str:
    day = 1 + index % 28 + (40 if woman else 0)
    month = 1 + index % 12
    year = 70 + index % 25
    return f"{prefix}{day:02d}{month:02d}{year:02d}{9000 + index:04d}"


def _assess(partner, when, capital, sales, actor, thresholds, export=False) -> None:
    Assessment.objects.update_or_create(
        partner=partner,
        assessed_on=when,
        defaults={
            "capital": capital,
            "annual_sales": sales,
            "workers": max(2, sales // (150 * M)),
            "market_local": True,
            "market_regional": sales > 500 * M,
            "market_national": sales > 1500 * M,
            "market_export": export,
            "size_class": size_class_for(capital=capital, annual_sales=sales, thresholds=thresholds),
            "assessed_by": actor,
            "note": "Kunjungan lapangan",
        },
    )


def _partner(nik: str, defaults: dict, stdout) -> tuple[Partner | None, bool]:
    """(partner, created): the demo's partner with this NIK, created when nothing looks like it."""
    existing = Partner.objects.filter(owner_nik=nik).first()
    if existing is not None:
        if existing.business_name == defaults["business_name"]:
            return existing, False
        skipped(stdout, f"partner {defaults['business_name']}", "its NIK belongs to another partner")
        return None, False
    nib = defaults.get("nib", "")
    if nib and Partner.objects.filter(nib=nib).exists():
        skipped(stdout, f"partner {defaults['business_name']}", "its NIB belongs to another partner")
        return None, False
    if Partner.objects.filter(business_name__iexact=defaults["business_name"], regency=defaults["regency"]).exists():
        skipped(stdout, f"partner {defaults['business_name']}", "a partner of that name exists in its regency")
        return None, False
    partner = Partner(owner_nik=nik, **defaults)
    partner.save()
    return partner, True


def member_niks() -> list[str]:
    return [_nik("161002", i, i >= 23) for i in range(30)]


def demo_group() -> BusinessGroup | None:
    """The demo's business group, or None when there is none or its name is someone else's."""
    hk = demo_company("HK")
    if hk is None:
        return None
    return BusinessGroup.objects.filter(name=GROUP_NAME, regency__code="16.10", registered_by_company=hk).first()


def demo_members() -> list[Partner]:
    """The demo partners among the demo group's members (never a member someone else added)."""
    group = demo_group()
    if group is None:
        return []
    return list(
        Partner.objects.filter(memberships__group=group, owner_nik__in=member_niks()).distinct().order_by("owner_nik")
    )


def demo_others() -> list[Partner]:
    """The demo partners outside the group that exist (with the demo's NIK and name)."""
    names = {
        _nik(code.replace(".", "") + "01", 100 + i, i % 2 == 1): name for i, (name, _o, code, *_r) in enumerate(OTHERS)
    }
    return [p for p in Partner.objects.filter(owner_nik__in=names) if names[p.owner_nik] == p.business_name]


def load(*, stdout) -> None:
    hk, pln = demo_company("HK"), demo_company("PLN")
    staf_hk, staf_pln = demo_user("staf.hk"), demo_user("staf.pln")
    thresholds = thresholds_load()
    ogan_ilir = Region.objects.filter(code="16.10").first()
    tanjung_batu = Region.objects.filter(code="16.10.02").first()
    if hk is None or staf_hk is None or ogan_ilir is None or tanjung_batu is None:
        skipped(stdout, GROUP_NAME, "no demo company HK, user staf.hk or region Ogan Ilir")
    else:
        _load_group(hk, staf_hk, ogan_ilir, tanjung_batu, thresholds, stdout)
    created = 0
    for index, row in enumerate(OTHERS):
        company, actor = (hk, staf_hk) if index % 3 == 0 else (pln, staf_pln)
        if company is None or actor is None:
            skipped(stdout, f"partner {row[0]}", "its demo company or user is missing")
            continue
        created += _load_other(index, row, company, actor, thresholds, stdout)
    stdout.write(f"partners: {GROUP_NAME}, {created} other partners created")


def _load_group(hk, staf_hk, ogan_ilir, tanjung_batu, thresholds, stdout) -> None:
    joined = datetime.date(2023, 11, 9)
    members = []
    for i in range(30):
        woman = i >= 23
        craft = CRAFTS[i % len(CRAFTS)]
        owner = f"{FIRST[i]} {LAST[i % len(LAST)]}"
        partner, created = _partner(
            _nik("161002", i, woman),
            {
                "business_name": f"Kerajinan {craft} {FIRST[i].rstrip('.')}",
                "owner_name": owner,
                "phone": f"+62812{7100000 + i * 37:07d}",
                "address": f"Desa Karya Usang, RT {1 + i % 6:02d}",
                "regency": ogan_ilir,
                "district": tanjung_batu,
                "sector": "kerajinan",
                "kbli": "32112" if "Perak" in craft else "25991",
                "products": PRODUCTS[craft],
                "joined_on": joined,
                "registered_by_company": hk,
                "created_by": staf_hk,
            },
            stdout,
        )
        if partner is None:
            continue
        if created:
            _assess(partner, datetime.date(2023, 11, 1), (15 + i) * M, (60 + 5 * i) * M, staf_hk, thresholds)
            grown = (1 + i % 4) * (400 if i % 6 == 0 else 60)
            _assess(partner, datetime.date(2025, 6, 15), (40 + grown) * M, (150 + grown * 5) * M, staf_hk, thresholds)
            partner_classes_refresh(partner=partner)
        members.append((partner, created))

    if demo_group() is not None:
        return  # the demo's group is there: its members are whatever it has now
    if BusinessGroup.objects.filter(name__iexact=GROUP_NAME).exists():
        skipped(stdout, GROUP_NAME, "a group of that name already exists")
        return
    if not members:
        return
    group = BusinessGroup.objects.create(
        name=GROUP_NAME,
        regency=ogan_ilir,
        leader=members[0][0],
        registered_by_company=hk,
        created_by=staf_hk,
        notes="30 perajin perak dan tembaga; pasar Palembang, Bengkulu dan Lampung lewat rest area tol.",
    )
    for partner, _created in members:
        Membership.objects.create(group=group, partner=partner, joined_on=joined, created_by=staf_hk)


def _load_other(index, row, company, actor, thresholds, stdout) -> int:
    name, owner, code, sector, products, year, values, export = row
    regency = Region.objects.filter(code=code).first()
    if regency is None:
        skipped(stdout, f"partner {name}", f"no region {code}")
        return 0
    prefix = code.replace(".", "") + "01"
    partner, created = _partner(
        _nik(prefix, 100 + index, index % 2 == 1),
        {
            "business_name": name,
            "owner_name": owner,
            "nib": f"91200{10000000 + index:08d}",
            "phone": f"+62813{5200000 + index * 53:07d}",
            "address": f"Jalan Contoh No. {index + 1}, {regency.name}",
            "regency": regency,
            "sector": sector,
            "products": products,
            "joined_on": datetime.date(year, 3, 1),
            "registered_by_company": company,
            "created_by": actor,
        },
        stdout,
    )
    if not created:
        return 0
    for offset, (capital, sales) in enumerate(values):
        when = datetime.date(year + offset * 2, 2, 20)
        _assess(
            partner,
            min(when, datetime.date(2025, 9, 30)),
            capital * M,
            sales * M,
            actor,
            thresholds,
            export=bool(export) and offset == len(values) - 1,
        )
    if export:
        country, value = export
        ExportMilestone.objects.create(
            partner=partner,
            destination_country=country,
            exported_on=datetime.date(2025, 8, 1),
            value=value * M,
            recorded_by=actor,
            evidence_note="Pemberitahuan Ekspor Barang (PEB) dan invoice",
        )
    partner_classes_refresh(partner=partner)
    return 1

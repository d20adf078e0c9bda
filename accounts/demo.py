"""Demo companies and one user per role. The password is in the README."""

from django.contrib.auth.models import Group

from regions.models import Region

from .models import Company, User
from .roles import Role

DEMO_PASSWORD = "tjsl-demo-2026"  # noqa: S105 - documented in the README, demo only

COMPANIES = [
    {
        "code": "HK",
        "name": "PT Hutama Karya (Persero)",
        "short_name": "Hutama Karya",
        "tjsl_unit": "Unit TJSL Hutama Karya",
    },
    {
        "code": "PLN",
        "name": "PT PLN (Persero)",
        "short_name": "PLN",
        "tjsl_unit": "Unit TJSL PLN",
    },
]

# username, first name, last name, role, company code, region code, position
USERS = [
    ("admin", "Admin", "Platform", Role.ADMINISTRATOR, None, None, "Administrator platform"),
    ("staf.hk", "Rina", "Hartati", Role.STAF, "HK", None, "Staf Unit TJSL"),
    ("manajer.hk", "Bima", "Santoso", Role.MANAJER, "HK", None, "Kepala Unit TJSL"),
    ("staf.pln", "Dewi", "Lestari", Role.STAF, "PLN", None, "Staf TJSL"),
    ("manajer.pln", "Agus", "Pratama", Role.MANAJER, "PLN", None, "Manajer TJSL"),
    ("pejabat.sumsel", "Sari", "Wulandari", Role.PEJABAT, None, "16", "Dinas Koperasi dan UKM Sumatera Selatan"),
    ("pejabat.maluku", "Yohanes", "Latuconsina", Role.PEJABAT, None, "81", "Dinas Koperasi dan UKM Maluku"),
    ("auditor", "Nadia", "Putri", Role.AUDITOR, None, None, "Auditor internal"),
]


def load(*, stdout) -> None:
    companies = {}
    for data in COMPANIES:
        company, _ = Company.objects.update_or_create(code=data["code"], defaults=data)
        companies[company.code] = company
    for username, first, last, role, company_code, region_code, position in USERS:
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "company": companies.get(company_code),
                "region": Region.objects.get(code=region_code) if region_code else None,
                "position": position,
                "is_staff": username == "admin",
                "is_superuser": username == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=role.value)])
    stdout.write(f"Companies: {len(companies)}; demo users: {len(USERS)}.")

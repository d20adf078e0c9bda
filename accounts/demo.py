"""Demo companies and one user per role. The password is in the README.

Safe on any database: a company or user is created only when nothing that looks
like it exists. An existing record is the demo's own when it matches the demo on
what identifies it (code and name; username, e-mail, role, company and region);
it is then used as it is, never updated. Anything else is someone's data: it is
left alone, and the demo records that depend on it are skipped, with a message.
"""

from django.contrib.auth.models import Group
from django.db.models import Q

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


COMPANY_BY_CODE = {data["code"]: data for data in COMPANIES}
USER_BY_NAME = {spec[0]: spec for spec in USERS}


def skipped(stdout, what: str, why: str) -> None:
    """One line per demo record left out, so that whoever runs `make run` knows why."""
    stdout.write(f"  skipped {what}: {why}")


def demo_company(code: str) -> Company | None:
    """The demo's company with this code, or None when there is none or the code is someone else's."""
    data = COMPANY_BY_CODE[code]
    return Company.objects.filter(code=code, name=data["name"]).first()


def demo_user(username: str) -> User | None:
    """The demo's user with this username, or None when there is none or it is someone else's."""
    user = User.objects.filter(username=username).select_related("company", "region").first()
    return user if user is not None and _is_demo_user(user, USER_BY_NAME[username]) else None


def _is_demo_user(user: User, spec) -> bool:
    username, _first, _last, role, company_code, region_code, _position = spec
    company = demo_company(company_code) if company_code else None
    return (
        user.email == f"{username}@example.org"
        and user.role == role
        and user.company_id == (company.pk if company else None)
        and (user.region.code if user.region_id else None) == region_code
    )


def _company(data, stdout) -> Company | None:
    look_alikes = Company.objects.filter(
        Q(code__iexact=data["code"]) | Q(name__iexact=data["name"]) | Q(short_name__iexact=data["short_name"])
    )
    ours = demo_company(data["code"])
    if ours is not None:
        return ours
    if look_alikes.exists():
        skipped(stdout, f"company {data['code']}", "a company with this code or name already exists")
        return None
    return Company.objects.create(**data)


def _user(spec, companies, stdout) -> User | None:
    username, first, last, role, company_code, region_code, position = spec
    existing = User.objects.filter(username__iexact=username).first()
    if existing is not None:
        if existing.username == username and _is_demo_user(existing, spec):
            return existing
        skipped(stdout, f"user {username}", "a user with this name already exists")
        return None
    company = companies.get(company_code)
    region = Region.objects.filter(code=region_code).first() if region_code else None
    group = Group.objects.filter(name=role.value).first()
    missing = [
        label
        for label, absent in (
            (f"company {company_code}", company_code and company is None),
            (f"region {region_code}", region_code and region is None),
            (f"role {role.value}", group is None),
        )
        if absent
    ]
    if missing:
        skipped(stdout, f"user {username}", "no demo " + ", ".join(missing))
        return None
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.org",
        company=company,
        region=region,
        position=position,
        is_staff=username == "admin",
        is_superuser=username == "admin",
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set([group])
    return user


def load(*, stdout) -> None:
    companies = {}
    for data in COMPANIES:
        company = _company(data, stdout)
        if company is not None:
            companies[company.code] = company
    users = [user for spec in USERS if (user := _user(spec, companies, stdout)) is not None]
    stdout.write(f"Companies: {len(companies)}; demo users: {len(users)}.")

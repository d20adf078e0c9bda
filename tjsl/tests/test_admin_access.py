"""/admin/ is for platform superusers only: every admin URL, as every role.

The admin pages are not scoped to a company or a region and the user form can grant any flag,
group or permission, so a company administrator (even one marked `is_staff`) must neither read
nor change anything there; company administrators manage their users in the app instead.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, reverse

from accounts.models import User
from accounts.roles import Role
from accounts.services import api_token_create
from conftest import make_user
from partners.models import NikViewLog, Partner, Sector
from programs import services as program_services
from programs.models import Pillar, Program, Sdg
from regions.models import Region
from tjsl.tests.test_login_required import all_routes, example_url

pytestmark = pytest.mark.django_db

SECRET_NIK = "1610015002900003"
SECRET_PARTNER = "Keripik Rahasia Ogan Ilir"
SECRET_PROGRAM = "HK Peduli Rahasia"
PWNED = "Diambil alih"

# Every role but the platform superuser; all of them are marked is_staff, as a company
# administrator given access to the old admin would have been.
NON_SUPERUSERS = [
    "anonymous",
    "staf_hk",
    "manajer_hk",
    "staf_pln",
    "pejabat_sumsel",
    "pejabat_maluku",
    "auditor",
    "admin_hk",
    "admin_pln",
    "platform_administrator",
]


@pytest.fixture
def world(hk, manajer_hk, admin_user):
    partner = Partner.objects.create(
        business_name=SECRET_PARTNER,
        owner_name="Pemilik Rahasia",
        owner_nik=SECRET_NIK,
        regency=Region.objects.get(code="16.10"),
        sector=Sector.KERAJINAN,
        joined_on=datetime.date(2023, 1, 10),
    )
    partner.business_name = SECRET_PARTNER + " Baru"  # a second history version
    partner.save()
    program = program_services.program_create(
        company=hk,
        actor=manajer_hk,
        code="HK-RHS",
        name=SECRET_PROGRAM,
        pillar=Pillar.EKONOMI,
        support_form=Program.SupportForm.BANTUAN,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        status=Program.Status.AKTIF,
        sdgs=Sdg.objects.filter(number=8),
        target_regions=[Region.objects.get(code="16.10")],
    )
    api_token_create(user=manajer_hk, name="ERP")
    return {"partner": partner, "program": program}


@pytest.fixture
def as_role(request, client, hk, pln):
    """Log the client in as the named role, marked is_staff; 'anonymous' stays logged out."""

    def login(name: str):
        if name == "anonymous":
            return None
        if name == "admin_hk":
            user = make_user("admin.hk", Role.ADMINISTRATOR, company=hk)
        elif name == "admin_pln":
            user = make_user("admin.pln", Role.ADMINISTRATOR, company=pln)
        elif name == "platform_administrator":
            user = make_user("admin.platform", Role.ADMINISTRATOR)
        else:
            user = request.getfixturevalue(name)
        User.objects.filter(pk=user.pk).update(is_staff=True)
        client.force_login(user)
        return User.objects.get(pk=user.pk)

    return login


def _history_pk(model, obj):
    history = getattr(model, "history", None)
    if obj is None or history is None:
        return 1
    record = history.model.objects.filter(**{model._meta.pk.attname: obj.pk}).order_by("pk").first()
    return record.history_id if record else 1


def _fill(pattern, model=None) -> dict:
    """Values for a pattern's arguments: a real object of the model where there is one."""
    if hasattr(pattern.pattern, "converters") and pattern.pattern.converters:
        names = list(pattern.pattern.converters)
    else:
        names = list(pattern.pattern.regex.groupindex)
    obj = model._default_manager.order_by("pk").first() if model is not None else None
    values = {}
    for name in names:
        if name in ("object_id", "id"):
            values[name] = obj.pk if obj is not None else 1
        elif name == "version_id":
            values[name] = _history_pk(model, obj)
        else:
            raise AssertionError(f"the admin test does not know how to fill {name!r} in {pattern}")
    return values


def _path(route: str, pattern, model) -> str:
    if route.startswith("^"):  # a regular expression with unnamed groups: object, then version
        obj = model._default_manager.order_by("pk").first()
        parts = route.strip("^$").split("([^/]+)")
        assert len(parts) == 3, f"the admin test does not know how to fill {route}"
        return f"{parts[0]}{obj.pk if obj else 1}{parts[1]}{_history_pk(model, obj)}{parts[2]}"
    for name, value in _fill(pattern, model).items():
        route = route.replace(f"<path:{name}>", str(value)).replace(f"<{name}>", str(value))
    return route


def _walk(patterns, prefix: str, model=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), model)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern, model


def admin_urls() -> list[str]:
    """Every URL of the admin site: index, app indexes, and each registered model's changelist,
    add, change, delete, history (and history version) pages, plus the site's own views."""
    site = admin.site
    urls = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:password_change_done")]
    urls += [reverse("admin:app_list", args=[label]) for label in sorted({m._meta.app_label for m in site._registry})]
    urls.append(reverse("admin:jsi18n"))
    urls.append(reverse("admin:autocomplete") + "?app_label=accounts&model_name=user&field_name=region&term=Su")
    partner = Partner.objects.order_by("pk").first()
    urls.append(reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Partner).pk, partner.pk]))
    for model, model_admin in site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for route, pattern, _model in _walk(model_admin.urls, ""):
            urls.append(base + _path(route, pattern, model))
    return urls


def snapshot() -> dict:
    """What an attacker would want to change: flags, groups, permissions, names, row counts."""
    through_groups = User.groups.through.objects.values_list("user_id", "group_id")
    through_perms = User.user_permissions.through.objects.values_list("user_id", "permission_id")
    return {
        "users": sorted(User.objects.values_list("pk", "username", "is_superuser", "is_staff", "is_active", "company")),
        "user_groups": sorted(through_groups),
        "user_permissions": sorted(through_perms),
        "group_permissions": sorted(Group.permissions.through.objects.values_list("group_id", "permission_id")),
        "groups": sorted(Group.objects.values_list("pk", "name")),
        "programs": sorted(Program.objects.values_list("pk", "name")),
        "partners": sorted(Partner.objects.values_list("pk", "business_name", "owner_nik")),
        "rows": {model._meta.label: model._default_manager.count() for model in admin.site._registry},
    }


def escalation(user: User | None) -> dict:
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    return {
        "username": user.username if user else "attacker",
        "is_superuser": "on",
        "is_staff": "on",
        "is_active": "on",
        "groups": [str(pk) for pk in Group.objects.values_list("pk", flat=True)],
        "user_permissions": everything,
        "permissions": everything,
        "name": PWNED,
        "business_name": PWNED,
        "code": "PWN",
        "post": "yes",  # the confirmation of a delete page
        "action": "delete_selected",
        "_selected_action": [str(pk) for pk in range(1, 50)],
        "_save": "Save",
    }


def user_form(user: User) -> dict:
    """A complete, valid admin change form for `user`, with every flag and group switched on."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "company": user.company_id or "",
        "region": "",
        "position": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [str(pk) for pk in Group.objects.values_list("pk", flat=True)],
        "user_permissions": [str(pk) for pk in Permission.objects.values_list("pk", flat=True)],
        "_save": "Save",
    }


def assert_refused(response, url: str) -> None:
    if response.status_code == 302:
        assert "login" in response["Location"], f"{url} redirected to {response['Location']}"
    else:
        assert response.status_code in (403, 404, 405), f"{url} answered {response.status_code}"
    body = response.content.decode(errors="replace")
    for secret in (SECRET_NIK, SECRET_PARTNER, SECRET_PROGRAM, "Pemilik Rahasia"):
        assert secret not in body, f"{url} shows {secret}"


def test_the_url_list_covers_every_registered_model_and_view(world):
    urls = admin_urls()
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for view in ("", "add/", "change/", "delete/", "history/"):
            assert any(url.startswith(base) and url.endswith(view) for url in urls), base + view
    assert any("/history/" in url and url.rstrip("/").split("/")[-1].isdigit() for url in urls)
    assert len(urls) > 150


@pytest.mark.parametrize("role", NON_SUPERUSERS)
def test_no_admin_page_opens_for_anyone_but_a_platform_superuser(client, as_role, world, role):
    as_role(role)
    for url in admin_urls():
        assert_refused(client.get(url), url)


@pytest.mark.parametrize("role", NON_SUPERUSERS)
def test_posting_to_any_admin_page_changes_nothing(client, as_role, world, role):
    user = as_role(role)
    before = snapshot()
    for url in admin_urls():
        assert_refused(client.post(url.split("?")[0], escalation(user)), url)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["admin_hk", "admin_pln", "platform_administrator"])
def test_an_administrator_cannot_make_itself_superuser_anywhere(client, as_role, world, role):
    user = as_role(role)
    before = snapshot()
    paths = [
        f"/admin/accounts/user/{user.pk}/change/",
        f"/admin/accounts/user/{user.pk}/password/",
        f"/admin/auth/group/{Group.objects.get(name=Role.ADMINISTRATOR.value).pk}/change/",
        "/accounts/profile/",
        "/accounts/users/invite/",
        f"/accounts/users/{user.pk}/edit/",
        f"/accounts/users/{user.pk}/reactivate/",
    ]
    for path in paths:
        client.post(path, {**escalation(user), "role": Role.ADMINISTRATOR.value, "email": "x@example.org"})
        client.post(path, user_form(user))
    for method in ("post", "put", "patch"):
        getattr(client, method)("/api/v1/me/", escalation(user), content_type="application/json")
    after = snapshot()
    assert after["users"] == before["users"]
    assert after["user_groups"] == before["user_groups"]
    assert after["user_permissions"] == before["user_permissions"]
    assert after["group_permissions"] == before["group_permissions"]


@pytest.mark.parametrize("role", ["admin_hk", "platform_administrator"])
def test_posting_flags_to_every_route_of_the_product_changes_no_account(client, as_role, world, role):
    """Forms and serializers read only their own fields: flags, groups and permissions sent to
    any page or API endpoint (ids: the administrator's own where a route takes one) are ignored."""
    user = as_role(role)
    client.raise_request_exception = False
    before = snapshot()
    for route, pattern in all_routes():
        if pattern.name in ("logout", "password_change") or route.startswith("admin/"):
            continue
        url = example_url(route).replace("/1/", f"/{user.pk}/")
        client.post(url, escalation(user))
        if route.startswith("api/"):
            client.patch(url, escalation(user), content_type="application/json")
    after = snapshot()
    for key in ("users", "user_groups", "user_permissions", "group_permissions", "groups"):
        assert after[key] == before[key], key


def test_admin_login_refuses_a_staff_member_who_is_no_superuser(client, hk):
    make_user("admin.hk", Role.ADMINISTRATOR, company=hk, is_staff=True)
    response = client.post("/admin/login/", {"username": "admin.hk", "password": "correct-horse-battery"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def points_at_nothing(url: str) -> bool:
    """A made-up id (the model has no row), a history version of a row seeded without history,
    or "view on site" (partners have no public page)."""
    if url.startswith("/admin/r/"):
        return True
    parts = url.strip("/").split("/")
    if len(parts) < 4 or not parts[3].isdigit():
        return False
    model = apps.get_model(parts[1], parts[2])
    if not model._default_manager.filter(pk=parts[3]).exists():
        return True
    return len(parts) == 6 and not model.history.filter(history_id=parts[5]).exists()


def test_platform_superuser_opens_every_admin_page(client, world, admin_user):
    client.force_login(admin_user)
    answered = {}
    for url in admin_urls():
        response = client.get(url)
        answered[url] = response.status_code
        if response.status_code == 302:
            assert "login" not in response["Location"], f"{url} sent the superuser to {response['Location']}"
        elif points_at_nothing(url):
            assert response.status_code in (200, 403, 404), f"{url} answered {response.status_code}"
        else:  # 403: an add/change/delete the model admin itself refuses (audit rows, login attempts)
            assert response.status_code in (200, 403), f"{url} answered {response.status_code}"
    assert sum(status == 200 for status in answered.values()) > 100
    partner = world["partner"]
    assert SECRET_NIK in client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    version = partner.history.earliest().history_id
    assert client.get(f"/admin/partners/partner/{partner.pk}/history/{version}/").status_code == 200


def test_a_superuser_reading_a_nik_in_the_admin_is_logged(client, world, admin_user):
    partner = world["partner"]
    client.force_login(admin_user)
    client.get(f"/admin/partners/partner/{partner.pk}/change/")
    client.get(f"/admin/partners/partner/{partner.pk}/history/{partner.history.earliest().history_id}/")
    logged = NikViewLog.objects.filter(user=admin_user, partner=partner, purpose=NikViewLog.Purpose.EDIT)
    assert logged.count() == 2


def test_navigation_offers_the_admin_only_to_platform_superusers(client, as_role, world, admin_user):
    for role in NON_SUPERUSERS[1:]:
        as_role(role)
        assert 'href="/admin/"' not in client.get("/").content.decode(), role
    client.force_login(admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()

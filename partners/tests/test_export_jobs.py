"""Big partner exports are made by a worker, with a progress page and a private download link
that only the requester can use; small ones stay immediate."""

import csv
import io

import pytest
from django.urls import reverse

from partners import services
from partners.models import NikViewLog, PartnerExport
from regions.models import Region
from tjsl.models import OutboxMessage

pytestmark = pytest.mark.django_db

ROLES = ["staf_hk", "manajer_hk", "staf_pln", "pejabat_sumsel", "pejabat_maluku", "auditor", "admin_user"]
EXPORT_TASK = "partners.tasks.partner_export_task"


@pytest.fixture
def partners(staf_hk, staf_pln, make_partner):
    """Three partners in Ogan Ilir (South Sumatra), two in Ambon (Maluku)."""
    ambon = Region.objects.get(code="81.71")
    made = [make_partner(staf_hk, business_name=name) for name in ("Kerajinan Perak", "Kopi Bubuk", "Tenun Songket")]
    return made + [make_partner(staf_pln, business_name=name, regency=ambon) for name in ("Sagu Lempeng", "Ikan Asap")]


@pytest.fixture
def small_limit(settings):
    settings.TJSL_EXPORT_SYNC_MAX_ROWS = 1


def csv_names(content: bytes) -> set[str]:
    return {line[1] for line in list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]}


def run_worker_task(export: PartnerExport) -> PartnerExport:
    message = OutboxMessage.objects.get(task=EXPORT_TASK, args=[export.pk])
    services.partner_export_produce(export_id=message.args[0])  # what the worker runs
    export.refresh_from_db()
    return export


@pytest.mark.parametrize("role", ROLES)
class TestBigExportForEveryRole:
    def test_a_big_list_is_made_in_the_background_and_downloaded_privately(
        self, client, request, role, partners, small_limit
    ):
        user = request.getfixturevalue(role)
        client.force_login(user)
        url = reverse("partners:partner-export", args=["csv"])
        visible = {p.business_name for p in partners if p.__class__.objects.visible_to(user).filter(pk=p.pk).exists()}
        assert len(visible) > 1  # more than the limit: a big export for this role
        confirm = client.get(url)
        assert confirm.status_code == 200 and "Content-Disposition" not in confirm
        assert 'id="export-start"' in confirm.content.decode() and not PartnerExport.objects.exists()
        started = client.post(url)
        export = PartnerExport.objects.get()
        assert started.status_code == 302 and started["Location"] == reverse("partners:export-detail", args=[export.pk])
        assert (export.status, export.created_by, export.fmt) == ("queued", user, "csv")
        waiting = client.get(started["Location"], headers={"HX-Request": "true"}).content.decode()
        assert "hx-get" in waiting and "<progress" in waiting and 'id="export-download"' not in waiting

        export = run_worker_task(export)
        assert (export.status, export.total_rows, export.processed_rows) == ("done", len(visible), len(visible))
        page = client.get(started["Location"]).content.decode()
        assert 'id="export-download"' in page and "hx-get" not in page
        download = client.get(reverse("partners:export-download", args=[export.pk]))
        assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
        assert "attachment" in download["Content-Disposition"]
        assert csv_names(b"".join(download.streaming_content)) == visible  # the requester's scope only

    def test_nobody_else_sees_or_downloads_the_export(self, client, request, role, partners, small_limit, staf_hk):
        user = request.getfixturevalue(role)
        owner = staf_hk if role != "staf_hk" else request.getfixturevalue("manajer_hk")
        export = run_worker_task(services.partner_export_request(actor=owner, fmt="csv", query=""))
        client.force_login(user)
        assert client.get(reverse("partners:export-detail", args=[export.pk])).status_code == 404
        assert client.get(reverse("partners:export-download", args=[export.pk])).status_code == 404


class TestExportRules:
    def test_a_small_list_is_still_downloaded_at_once(self, client, staf_hk, partners, settings):
        settings.TJSL_EXPORT_SYNC_MAX_ROWS = 5
        client.force_login(staf_hk)
        response = client.get(reverse("partners:partner-export", args=["csv"]))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        assert not PartnerExport.objects.exists()

    def test_the_worker_applies_the_filters_and_logs_unmasked_niks(self, client, staf_hk, partners, small_limit):
        client.force_login(staf_hk)
        url = reverse("partners:partner-export", args=["xlsx"]) + "?q=Kopi"
        client.post(url)
        export = run_worker_task(PartnerExport.objects.get())
        from openpyxl import load_workbook

        with export.file.open("rb") as handle:
            rows = list(load_workbook(handle).active.iter_rows(values_only=True))
        assert [r[1] for r in rows[1:]] == ["Kopi Bubuk"]
        assert NikViewLog.objects.filter(user=staf_hk, partner=partners[1]).exists()

    def test_progress_is_saved_while_the_file_is_written(self, staf_hk, partners, small_limit, monkeypatch):
        from partners import exports

        monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
        seen = []
        original = services._export_progress
        monkeypatch.setattr(
            services, "_export_progress", lambda e, **f: seen.append(f.get("processed_rows")) or original(e, **f)
        )
        run_worker_task(services.partner_export_request(actor=staf_hk, fmt="csv", query=""))
        assert seen[:4] == [0, 1, 2, 3]

    def test_a_role_without_the_list_cannot_ask_for_an_export(self, client, make_user_without_role):
        client.force_login(make_user_without_role)
        assert client.post(reverse("partners:partner-export", args=["csv"])).status_code == 403
        assert not PartnerExport.objects.exists()

"""Faults: Redis stopping during entry, PostgreSQL restarting under load, a worker killed mid-report.

Each test starts its own server processes (a private redis-server, a private PostgreSQL cluster)
on spare loopback ports and stops them afterwards; the shared servers are never touched.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import TEST_PASSWORD, forget_broker_connections, requires_postgres, wait_until
from disbursements.models import Disbursement, Status
from tjsl.celery import app as celery_app
from tjsl.tests.test_hostile_input import make_program

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
requires_redis_server = pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server (apt-get install redis)")
requires_initdb = pytest.mark.skipif(
    not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin/initdb)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A throw-away redis-server on a spare port, no persistence; start/stop at will."""

    def __init__(self, workdir: Path):
        self.port, self.workdir, self.process = free_port(), workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen([*command, "--dir", str(self.workdir)], stdout=subprocess.DEVNULL)
        assert wait_until(self._answers, timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def private_redis(tmp_path, settings):
    """Cache and Celery broker on a private Redis, as configured in production."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "tjsl.cache.ResilientRedisCache",
            "LOCATION": f"{redis.url}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"{redis.url}/1"
    forget_broker_connections()
    yield redis
    redis.stop()
    celery_app.conf.broker_url = original
    forget_broker_connections()


def handover_post(program, partner, *, description: str) -> dict:
    return {
        "program": program.pk,
        "recipient": f"p:{partner.pk}",
        "submission_key": str(uuid.uuid4()),
        "handed_on": "09/11/2023",
        "place_regency": partner.regency_id,
        "place": "Kantor Bupati Ogan Ilir",
        "giver_name": "Kepala Unit TJSL",
        "receiver_name": "Penerima",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-kind": "peralatan",
        "items-0-description": description,
        "items-0-quantity": "2",
        "items-0-unit": "paket",
        "items-0-unit_value": "1500000",
        "witnesses-TOTAL_FORMS": "0",
        "witnesses-INITIAL_FORMS": "0",
        "submit": "1",
    }


@requires_redis_server
class TestRedisStopsDuringHandoverEntry:
    def test_handovers_save_health_names_the_broker_and_jobs_run_when_it_returns(
        self, client, live_db, hk, staf_hk, private_redis
    ):
        from celery.contrib.testing.worker import start_worker
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        from accounts.tasks import clear_expired_sessions
        from partners import services as partner_services
        from partners.tests.conftest import partner_data

        program = make_program(hk)
        partner = partner_services.partner_create(actor=staf_hk, **partner_data())
        client.force_login(staf_hk)
        assert client.get("/healthz/").status_code == 200
        first = client.post(reverse("disbursements:handover-create"), handover_post(program, partner, description="A"))
        assert first.status_code == 302

        private_redis.stop()
        started = time.monotonic()
        form = client.get(reverse("disbursements:handover-create"))
        second = client.post(reverse("disbursements:handover-create"), handover_post(program, partner, description="B"))
        assert form.status_code == 200 and second.status_code == 302
        assert time.monotonic() - started < 10  # the cache fails fast, pages do not hang
        saved = Disbursement.objects.order_by("pk")
        assert [h.items.get().description for h in saved] == ["A", "B"]
        assert all(h.status == Status.SUBMITTED and h.total == 3_000_000 for h in saved)
        health = client.get("/healthz/")
        assert health.status_code == 503
        assert health.json()["broker"] == "unavailable" and health.json()["database"] == "ok"

        private_redis.start()
        forget_broker_connections()
        assert wait_until(lambda: client.get("/healthz/").status_code == 200, timeout=15)
        Session.objects.create(session_key="expired", session_data="x", expire_date=timezone.now())
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            clear_expired_sessions.delay()
            assert wait_until(lambda: not Session.objects.filter(session_key="expired").exists(), timeout=20)
        assert Disbursement.objects.count() == 2


# --- PostgreSQL restarted under load ------------------------------------------------------


def as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivateCluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="tjsl-pg-"))
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/tjsl_fault"

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w"]
        subprocess.run(as_postgres([*command, "-o", options, *args]), check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run(as_postgres(initdb), check=True, capture_output=True, timeout=120)
        self.ctl("start")
        psql = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc"]
        subprocess.run([*psql, "CREATE DATABASE tjsl_fault", "postgres"], check=True, capture_output=True)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


GUNICORN = [sys.executable, "-m", "gunicorn", "tjsl.wsgi", "--workers", "2", "--worker-class", "gthread"]
GUNICORN += ["--threads", "2", "--no-control-socket", "--timeout", "30"]

SETUP_SCRIPT = """
import datetime
from accounts.models import Company
from conftest import make_user
from accounts.roles import Role
from partners import services
from partners.tests.conftest import partner_data
from tjsl.tests.test_hostile_input import make_program
hk = Company.objects.create(code="HK", name="PT Hutama Karya (Persero)", short_name="Hutama Karya")
staf = make_user("staf.hk", Role.STAF, company=hk)
program = make_program(hk)
partner = services.partner_create(actor=staf, **partner_data())
print(program.pk, partner.pk, partner.regency_id)
"""


@requires_initdb
@pytest.mark.skipif(shutil.which("runuser") is None and os.geteuid() == 0, reason="needs runuser to run initdb")
class TestPostgresRestartUnderLoad:
    def test_app_recovers_without_restart_and_no_handover_is_half_written(self, tmp_path):
        import psycopg2
        import requests

        cluster = PrivateCluster()
        server = None
        try:
            cluster.init()
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
                "DJANGO_SETTINGS_MODULE": "tjsl.settings",
                "DJANGO_DEBUG": "1",
                "DATABASE_URL": cluster.url,
                "TJSL_VAR_DIR": str(tmp_path),
                "LOG_LEVEL": "ERROR",
            }
            manage = [sys.executable, "manage.py"]
            subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
            ids = subprocess.run(
                [*manage, "shell", "-c", SETUP_SCRIPT], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            ).stdout.split()
            program_id, partner_id, regency_id = ids[-3:]
            port = free_port()
            server = subprocess.Popen(
                [*GUNICORN, "--bind", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{port}"
            assert wait_until(lambda: _get_ok(f"{base}/healthz/"), timeout=30)
            session = requests.Session()
            session.get(f"{base}/accounts/login/")
            token = session.cookies["csrftoken"]
            login = {"username": "staf.hk", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token}
            assert session.post(f"{base}/accounts/login/", login, allow_redirects=False).status_code == 302

            outcomes: list[tuple[float, int]] = []
            stop = threading.Event()

            def enter_handovers():
                n = 0
                while not stop.is_set():
                    n += 1
                    data = {
                        "program": program_id,
                        "recipient": f"p:{partner_id}",
                        "place_regency": regency_id,
                        "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
                        **_entry(n),
                    }
                    try:
                        status = session.post(f"{base}/handovers/new/", data, allow_redirects=False, timeout=20)
                        outcomes.append((time.monotonic(), status.status_code))
                    except requests.RequestException:
                        outcomes.append((time.monotonic(), 0))

            worker = threading.Thread(target=enter_handovers)
            worker.start()
            time.sleep(2)
            restarted_at = time.monotonic()
            cluster.ctl("restart", "-m", "fast")
            back_at = time.monotonic()
            time.sleep(4)
            stop.set()
            worker.join(timeout=30)

            before = [s for t, s in outcomes if t < restarted_at]
            after = [s for t, s in outcomes if t > back_at + 1.5]  # a grace for pooled connections
            print(
                f"\nbefore restart: {len(before)} requests, during: "
                f"{len(outcomes) - len(before) - len(after)}, after: {len(after)} (status codes {sorted(set(after))})"
            )
            assert before and set(before) == {302}
            assert after and set(after) == {302}, outcomes  # recovered, the web server was never restarted
            assert _get_ok(f"{base}/healthz/")

            with psycopg2.connect(cluster.url.replace("postgres://", "postgresql://")) as db, db.cursor() as cursor:
                cursor.execute(
                    """SELECT d.id, d.status, d.total, COALESCE(SUM(i.total), 0), COUNT(i.id)
                       FROM disbursements_disbursement d LEFT JOIN disbursements_item i ON i.disbursement_id = d.id
                       GROUP BY d.id"""
                )
                rows = cursor.fetchall()
            assert len(rows) >= len([s for _t, s in outcomes if s == 302])
            for pk, status, total, items_sum, items in rows:
                assert total == items_sum, pk
                assert status != Status.SUBMITTED or items > 0, pk
        finally:
            if server is not None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=20)
            cluster.destroy()


def _get_ok(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _entry(n: int) -> dict:
    return {
        "submission_key": str(uuid.uuid4()),
        "handed_on": "09/11/2023",
        "place": "Kantor",
        "giver_name": "Kepala Unit TJSL",
        "receiver_name": "Penerima",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-kind": "peralatan",
        "items-0-description": f"Alat {n}",
        "items-0-quantity": "1",
        "items-0-unit": "paket",
        "items-0-unit_value": "1000000",
        "items-1-kind": "bahan_baku",
        "items-1-description": f"Bahan {n}",
        "items-1-quantity": "3",
        "items-1-unit": "kg",
        "items-1-unit_value": "25000",
        "witnesses-TOTAL_FORMS": "0",
        "witnesses-INITIAL_FORMS": "0",
        "submit": "1",
    }


# --- A Celery worker killed in the middle of a report ----------------------------------------


def start_worker_process(broker_url: str, media_root: Path) -> subprocess.Popen:
    """A real worker in its own process, on the test database and the private broker."""
    from django.db import connection

    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "tjsl.test_settings",
        "DATABASE_URL": f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
    }
    command = [sys.executable, "-m", "celery", "-A", "tjsl", "worker", "--pool", "solo", "--without-heartbeat"]
    command += ["--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@requires_postgres
@requires_redis_server
class TestWorkerKilledMidReport:
    def test_report_is_swept_back_to_the_queue_and_finished_by_the_next_worker(
        self, live_db, hk, manajer_hk, private_redis, tmp_path, settings
    ):
        import datetime

        import psycopg2
        from django.db import connection

        from reports.impact.services import impact_report_create, impact_report_enqueue, impact_reports_sweep
        from reports.models import ImpactReport

        settings.MEDIA_ROOT = tmp_path
        report = impact_report_create(
            kind="quarter",
            start=datetime.date(2023, 10, 1),
            company=hk,
            region=None,
            language="id",
            trigger=ImpactReport.Trigger.USER,
            requested_by=manajer_hk,
        )
        params = connection.settings_dict
        blocker = psycopg2.connect(
            dbname=params["NAME"], host=params["HOST"] or None, port=params["PORT"] or None, user=params["USER"]
        )
        # Hold the handover table so the worker stops inside the report, after taking it.
        blocker.cursor().execute("LOCK TABLE disbursements_disbursement IN ACCESS EXCLUSIVE MODE")
        worker = start_worker_process(f"{private_redis.url}/1", tmp_path)
        try:
            assert impact_report_enqueue(report=report)
            assert wait_until(lambda: _status(report) == "running", timeout=60)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            blocker.rollback()
            blocker.close()
            if worker.poll() is None:
                worker.kill()
        time.sleep(0.5)
        assert _status(report) == "running"  # the dead worker cannot say anything more

        # The sweeper (beat, every 10 minutes) puts it back in the queue; the next worker finishes it.
        assert impact_reports_sweep(older_than=datetime.timedelta(0)) == {"requeued": 1, "failed": 0}
        assert _status(report) == "queued"
        worker = start_worker_process(f"{private_redis.url}/1", tmp_path)
        try:
            assert wait_until(lambda: _status(report) == "done", timeout=90)
        finally:
            worker.terminate()
            worker.wait(timeout=20)
        report.refresh_from_db()
        assert report.pdf and report.attempts == 2

    def test_a_report_lost_twice_is_marked_failed(self, live_db, hk, manajer_hk):
        import datetime

        from django.utils import timezone

        from reports.impact.services import impact_report_create, impact_reports_sweep
        from reports.models import ImpactReport

        report = impact_report_create(
            kind="quarter",
            start=datetime.date(2023, 10, 1),
            company=hk,
            region=None,
            language="id",
            trigger=ImpactReport.Trigger.USER,
            requested_by=manajer_hk,
        )
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        ImpactReport.objects.filter(pk=report.pk).update(status="running", attempts=2, started_at=an_hour_ago)
        assert impact_reports_sweep(older_than=datetime.timedelta(minutes=11)) == {"requeued": 0, "failed": 1}
        report.refresh_from_db()
        assert report.status == "failed" and report.error


def _status(report) -> str:
    from reports.models import ImpactReport

    return ImpactReport.objects.values_list("status", flat=True).get(pk=report.pk)

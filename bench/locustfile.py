"""Fifty people at the end of a quarter: staff entering handovers, managers approving, officials reading.

Run by bench/load_test.sh against gunicorn + PostgreSQL + Redis loaded with the demo data:

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 5m --host http://127.0.0.1:8001 --csv var/load/run

Each simulated user logs in once as one of the demo accounts (password tjsl-demo-2026) and then
repeats its role's journey with a think time of one to three seconds.
"""

import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = os.environ.get("TJSL_DEMO_PASSWORD", "tjsl-demo-2026")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPTION = re.compile(r'<option value="(\d+)"')
RECIPIENT = re.compile(r'data-recipient="([pg]:\d+)"')
HANDOVER_LINK = re.compile(r'href="/handovers/(\d+)/"')
PARTNER_LINK = re.compile(r'href="/partners/(\d+)/"')
SEARCH_WORDS = ["usaha", "karya", "batik", "kopi", "perak", "tenun", "kue", "songket"]


def options_of(html: str, name: str) -> list[str]:
    """The option values of the <select name=...> in a page."""
    select = html.split(f'name="{name}"', 1)[-1].split("</select>", 1)[0]
    return OPTION.findall(select)


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


class DemoUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    usernames: tuple[str, ...] = ()

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login form")
        with self.client.post(
            "/accounts/login/",
            {
                "username": random.choice(self.usernames),
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf_from(page.text),
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    def post_form(self, url: str, data: dict, *, name: str, referer: str, expected: tuple[int, ...]) -> None:
        data = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}
        headers = {"Referer": self.host + referer}
        with self.client.post(
            url, data, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code in expected:
                response.success()
            else:
                response.failure(f"{name} answered {response.status_code}")


class Staff(DemoUser):
    """Staf TJSL: looks partners up, opens the entry form and saves a draft (sometimes submits)."""

    weight = 5
    usernames = ("staf.hk", "staf.pln")

    @task(3)
    def partner_list_and_search(self) -> None:
        page = self.client.get("/partners/", name="partner list")
        self.client.get(f"/partners/?q={random.choice(SEARCH_WORDS)}", name="partner search")
        ids = PARTNER_LINK.findall(page.text)
        if ids:
            self.client.get(f"/partners/{random.choice(ids)}/", name="partner detail")

    @task(2)
    def handover_entry(self) -> None:
        form = self.client.get("/handovers/new/", name="handover form")
        programs = options_of(form.text, "program")
        provinces = options_of(form.text, "place_province")
        regencies = []
        if provinces:
            # The form offers the regencies of one province at a time (htmx on province change).
            found = self.client.get(
                f"/regions/regencies/?place_province={random.choice(provinces)}", name="regency options"
            )
            regencies = OPTION.findall(found.text)
        found = self.client.get(f"/handovers/recipients/?q={random.choice(SEARCH_WORDS)}", name="recipient search")
        recipients = RECIPIENT.findall(found.text)
        if not programs or not recipients or not regencies:
            return
        button = "submit" if random.random() < 0.5 else "save"
        amount = random.randrange(1, 50) * 1_000_000
        self.post_form(
            "/handovers/new/",
            {
                "program": random.choice(programs),
                "recipient": random.choice(recipients),
                "submission_key": str(uuid.uuid4()),
                "handed_on": "09/11/2025",
                "place_regency": random.choice(regencies),
                "place": "Kantor Unit TJSL",
                "giver_name": "Kepala Unit TJSL",
                "receiver_name": "Penerima Bantuan",
                "items-TOTAL_FORMS": "1",
                "items-INITIAL_FORMS": "0",
                "items-MIN_NUM_FORMS": "0",
                "items-MAX_NUM_FORMS": "1000",
                "items-0-kind": "peralatan",
                "items-0-description": "Peralatan produksi",
                "items-0-quantity": "1",
                "items-0-unit": "paket",
                "items-0-unit_value": str(amount),
                "witnesses-TOTAL_FORMS": "0",
                "witnesses-INITIAL_FORMS": "0",
                "witnesses-MIN_NUM_FORMS": "0",
                "witnesses-MAX_NUM_FORMS": "1000",
                button: "1",
            },
            name=f"handover {button}",
            referer="/handovers/new/",
            # 400 is the form saying what is missing (e.g. the budget is used up): a user-level outcome.
            expected=(302, 400),
        )


class Manager(DemoUser):
    """Manajer: works through the approval queue."""

    weight = 2
    usernames = ("manajer.hk", "manajer.pln")

    @task
    def approve_from_queue(self) -> None:
        queue = self.client.get("/handovers/queue/", name="approval queue")
        ids = HANDOVER_LINK.findall(queue.text)
        if not ids:
            self.client.get("/programs/", name="program list")
            return
        pk = random.choice(ids)
        self.client.get(f"/handovers/{pk}/", name="handover detail")
        # Two managers may approve the same handover; the loser gets a message, not an error.
        self.post_form(
            f"/handovers/{pk}/approve/", {}, name="handover approve", referer=f"/handovers/{pk}/", expected=(302,)
        )


class Official(DemoUser):
    """Pejabat Daerah: the dashboard of their region and the handovers in it."""

    weight = 3
    usernames = ("pejabat.sumsel", "pejabat.maluku")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/reports/dashboard/", name="dashboard")

    @task(1)
    def handover_list(self) -> None:
        page = self.client.get("/handovers/", name="handover list")
        ids = HANDOVER_LINK.findall(page.text)
        if ids:
            self.client.get(f"/handovers/{random.choice(ids)}/", name="handover detail")

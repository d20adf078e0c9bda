"""Bytes and load times of the main pages over a slow mobile connection, in headless Chromium.

Usage (bench/slow_network.sh starts the server): python bench/slow_network.py BASE_URL HANDOVER_ID

Chromium's DevTools protocol emulates the connection: 400 ms latency, 400 kbit/s each way.
"Cold" loads run with the browser cache off; "warm" loads run after a first visit, with the
cache on. Printed: the median over RUNS loads of the bytes on the wire (compressed, all
requests of the page) and the time to the page's load event.
"""

import os
import shutil
import statistics
import sys

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
RUNS = int(os.environ.get("RUNS", "3"))
USER, PASSWORD = "staf.hk", "tjsl-demo-2026"


def log_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(USER)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def measure(context, path: str, *, cold: bool) -> tuple[int, float]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    if not cold:
        page.goto(path, wait_until="load")  # the first visit fills the cache
        received.clear()
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": cold})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto(path, wait_until="load")
    seconds = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd / 1000")
    page.close()
    return sum(received), seconds


def main(base_url: str, handover_id: str) -> None:
    pages = {
        "login": ("/accounts/login/", False),
        "home": ("/", True),
        "partner list": ("/partners/", True),
        "handover form": ("/handovers/new/", True),
        "handover detail": (f"/handovers/{handover_id}/", True),
        "dashboard": ("/reports/dashboard/", True),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        print(f"{'page':16} {'cold KB':>8} {'cold s':>7} {'warm KB':>8} {'warm s':>7}   (median of {RUNS})")
        for name, (path, logged_in) in pages.items():
            context = browser.new_context(base_url=base_url, locale="id-ID", viewport={"width": 360, "height": 740})
            if logged_in:
                log_in(context.new_page())
            cold = [measure(context, path, cold=True) for _ in range(RUNS)]
            warm = [measure(context, path, cold=False) for _ in range(RUNS)]
            context.close()
            kb = lambda rows: statistics.median(b for b, _ in rows) / 1000  # noqa: E731
            s = lambda rows: statistics.median(t for _, t in rows)  # noqa: E731
            print(f"{name:16} {kb(cold):8.1f} {s(cold):7.2f} {kb(warm):8.1f} {s(warm):7.2f}")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""`make run` hands every process it starts the settings they need to agree on."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make_run_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """Run the `run` target with stand-ins for the venv's python and honcho, and return the
    environment honcho (and so the web server, worker and beat) would have been given."""
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    bin_dir.mkdir(parents=True)
    dump = tmp_path / "honcho.env"
    (bin_dir / "python").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "honcho").write_text(f"#!/bin/sh\nenv > {dump}\n")
    for script in bin_dir.iterdir():
        script.chmod(0o755)
    (venv / ".run-deps").touch()
    env = {k: v for k, v in os.environ.items() if k not in {"TJSL_SITE_URL", "PORT", "MAKEFLAGS"}}
    args = [f"VENV={venv}", f"BIN={bin_dir}", *(f"{k}={v}" for k, v in variables.items())]
    subprocess.run(["make", "-s", "run", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    return dict(line.split("=", 1) for line in dump.read_text().splitlines() if "=" in line)


def test_links_in_e_mails_point_at_the_port_the_app_is_served_on(tmp_path):
    env = make_run_environment(tmp_path, PORT="8765")
    assert env["PORT"] == "8765"
    assert env["TJSL_SITE_URL"] == "http://127.0.0.1:8765"


def test_a_configured_site_url_is_kept(tmp_path):
    env = make_run_environment(tmp_path, PORT="8765", TJSL_SITE_URL="https://tjsl.example.org")
    assert env["TJSL_SITE_URL"] == "https://tjsl.example.org"

"""The project's own Python modules, parsed, for tests that check a rule over all the code."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("tjsl", "regions", "accounts", "partners", "programs", "disbursements", "reports", "loans", "search")


def _parts(path: Path) -> tuple[str, ...]:
    return path.relative_to(ROOT).parts


def modules(*, tests: bool) -> list[tuple[str, ast.Module]]:
    """(path relative to the project, syntax tree) of every module of the apps, migrations left
    out; the tests' modules only, or only the others."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = _parts(path)
            if "migrations" in parts:
                continue
            if ("tests" in parts) == tests:
                found.append(("/".join(parts), ast.parse(path.read_text(), filename=str(path))))
    return found

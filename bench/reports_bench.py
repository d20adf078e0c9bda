"""Impact reports at scale: time and peak memory to produce a report (figures, PDF, .xlsx).

After bench/datagen.py (same DATABASE_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tjsl_bench DJANGO_DEBUG=1 \\
        .venv/bin/python bench/reports_bench.py

Each report is produced in a subprocess of its own (as a worker would), so its peak RSS
(ru_maxrss) is its own. Targets: national yearly (2024) < 60 s, province 16 quarterly
(2024-Q3) < 10 s, peak memory < 500 MB. Adds report rows to the benchmark database.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tjsl.settings")

CASES = {
    "national-2024": {"kind": "year", "start": "2024-01-01", "region": None, "target": 60},
    "province-16-2024Q3": {"kind": "quarter", "start": "2024-07-01", "region": "16", "target": 10},
}
MEMORY_TARGET_MB = 500


def produce(case: str) -> dict:
    """Run inside the child: queue one report and produce it as a worker does."""
    import django

    django.setup()
    from regions.models import Region
    from reports.impact import services

    spec = CASES[case]
    region = Region.objects.get(code=spec["region"]) if spec["region"] else None
    report = services.impact_report_create(
        kind=spec["kind"],
        start=datetime.date.fromisoformat(spec["start"]),
        company=None,
        region=region,
        language="id",
        trigger="user",
        requested_by=None,
    )
    began = time.perf_counter()
    report = services.impact_report_produce(report_id=report.pk)
    seconds = time.perf_counter() - began
    return {
        "case": case,
        "report": report.pk,
        "version": report.version,
        "seconds": round(seconds, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "handovers": report.figures["summary"]["handovers"],
        "annex_rows": len((report.figures["annex"] or {}).get("rows", [])),
        "pdf_kb": round(report.pdf.size / 1024, 1),
        "xlsx_kb": round(report.xlsx.size / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, help="produce one case in this process (used by the parent)")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(produce(args.case)))
        return
    columns = ("seconds", "target", "peak MB", "handovers", "annex", "PDF kB", "xlsx kB")
    print(f"{'case':<22} " + " ".join(f"{c:>9}" for c in columns))
    for case, spec in CASES.items():
        output = subprocess.run(
            [sys.executable, __file__, "--case", case], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        ok = row["seconds"] < spec["target"] and row["peak_mb"] < MEMORY_TARGET_MB
        print(
            f"{case:<22} {row['seconds']:9.2f} {spec['target']:9d} {row['peak_mb']:9.1f} {row['handovers']:9d} "
            f"{row['annex_rows']:9d} {row['pdf_kb']:9.1f} {row['xlsx_kb']:9.1f} {'ok' if ok else 'OVER'}"
        )


if __name__ == "__main__":
    main()

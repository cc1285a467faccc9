"""Run the request-budget benchmark and report it (see ``scripts/bench``).

The measurements run in the Home Assistant test harness (a pytest run of
``tests/bench/bench_full.py``, or of the quick ``tests/bench/test_bench_quick.py``),
each writing its result as JSON into a temporary directory; this script
gathers them, judges the targets, prints the human table, writes the JSON
report with ``--json`` and the tables of docs/request-budget.md with ``--markdown``. It exits
1 when a target is missed or a measurement failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
from pathlib import Path
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.bench.report import (  # noqa: E402
    build_report,
    render_markdown,
    render_text,
)

FULL = "tests/bench/bench_full.py"
QUICK = "tests/bench/test_bench_quick.py"


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Requests per simulated day, per refresh and per command; "
        "refresh and setup times. Exits 1 when a target is missed.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fleets of 1 and 10 devices, the commands and a 20-device refresh "
        "(the test suite's variant, under a minute)",
    )
    parser.add_argument("--json", metavar="FILE", help="write the JSON report here")
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="also print the tables of docs/request-budget.md (with --from: "
        "only those)",
    )
    parser.add_argument(
        "--from",
        dest="source",
        metavar="FILE",
        help="do not measure: report from an earlier JSON report",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="parallel pytest workers for the full run (default: 2 when the "
        "machine has 2 cores or more)",
    )
    parser.add_argument(
        "--faithful",
        action="store_true",
        help="let entities write their state while a day is simulated "
        "(slower; the same requests)",
    )
    return parser.parse_args()


def _measure(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[str]]:
    """Run the measurements; return them and the failures pytest reported."""
    target = QUICK if args.quick else FULL
    workers = args.workers
    if workers is None:
        workers = 1 if args.quick else min(2, os.cpu_count() or 1)
    if importlib.util.find_spec("xdist") is None:
        workers = 1
    with tempfile.TemporaryDirectory(prefix="ezviz-bench-") as directory:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE_")}
        env["EZVIZ_BENCH_DIR"] = directory
        env["EZVIZ_BENCH_FAITHFUL"] = "1" if args.faithful else "0"
        command = [
            sys.executable,
            "-m",
            "pytest",
            target,
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "-q",
            "-rfE",
            "--no-cov",
            "--timeout=900",
        ]
        if workers > 1:
            command += ["-n", str(workers)]
        print(f"scripts/bench: {' '.join(command[3:])}", file=sys.stderr)
        proc = subprocess.run(  # noqa: S603 (our own test run)
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        failures: list[str] = []
        if proc.returncode != 0:
            failures = [
                line
                for line in proc.stdout.splitlines()
                if line.startswith(("FAILED", "ERROR"))
            ] or [f"pytest exited {proc.returncode}"]
            print(proc.stdout[-8000:], file=sys.stderr)
            print(proc.stderr[-3000:], file=sys.stderr)
        results = [
            json.loads(path.read_text())
            for path in sorted(Path(directory).glob("*.json"))
        ]
    return results, failures


def _git_revision() -> str | None:
    try:
        proc = subprocess.run(  # noqa: S603
            ["git", "describe", "--always", "--dirty"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return proc.stdout.strip() or None


def main() -> int:
    """Measure (or read a report), print it, and say whether the targets hold."""
    args = _parse()
    if args.source:
        report = json.loads(Path(args.source).read_text())
        failures: list[str] = report.get("failures", [])
    else:
        started = time.monotonic()
        results, failures = _measure(args)
        from homeassistant.const import __version__ as ha_version

        report = build_report(
            results,
            variant="quick" if args.quick else "full",
            wall_s=round(time.monotonic() - started, 1),
            revision=_git_revision(),
            python=platform.python_version(),
            homeassistant=ha_version,
            failures=failures,
        )
    if args.source and args.markdown:
        # Only the tables of docs/request-budget.md, ready to paste.
        print(render_markdown(report), end="")
    else:
        print(render_text(report), end="")
        if not args.source:
            print(f"\nwall time: {report['wall_s']} s ({report['variant']})")
        if args.markdown:
            print()
            print(render_markdown(report), end="")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
        print(f"report written to {args.json}", file=sys.stderr)
    for failure in failures:
        print(f"MEASUREMENT FAILED: {failure}", file=sys.stderr)
    for missed in report["missed"]:
        print(f"TARGET MISSED: {missed}", file=sys.stderr)
    return 1 if failures or report["missed"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fail when any module of the integration (client included) is under 95 % covered.

A package total can hide a module far below it, and the quality scale's
test-coverage rule is per module. Reads the data of the last coverage run
(``.coverage``, as ``scripts/test`` leaves it) as a JSON report, prints
the modules under the threshold (statements and branches, as ``coverage
report`` counts them) and the lowest figure, and exits 1 if one is under.

Usage: python scripts/coverage_modules.py [--fail-under 95] [--package DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import sys
import tempfile

import coverage


def main() -> int:
    """Print the per-module figures; return 1 if one is under the threshold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fail-under", type=float, default=95.0)
    parser.add_argument("--package", default="custom_components/ezviz_open")
    args = parser.parse_args()
    cov = coverage.Coverage()
    cov.load()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "coverage.json"
        cov.json_report(include=[f"{args.package}/*"], outfile=str(out))
        files = json.loads(out.read_text())["files"]
    if not files:
        print(f"no coverage data for {args.package}", file=sys.stderr)
        return 1
    percents = {
        path: data["summary"]["percent_covered"] for path, data in files.items()
    }
    low = {path: p for path, p in percents.items() if p < args.fail_under}
    for path, percent in sorted(low.items()):
        print(f"{percent:5.1f} %  {path}", file=sys.stderr)
    lowest = min(percents, key=percents.__getitem__)
    print(
        f"{len(percents)} modules, {len(low)} under {args.fail_under:g} %; "
        f"lowest {percents[lowest]:.1f} % ({lowest})"
    )
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())

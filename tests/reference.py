"""The API reference's data the tests use, kept in the repository.

``scripts/reference_examples.py`` extracts it from ``../shared/spec`` (the
reference nobody here wrote) into ``tests/api/``: the reply examples
(``reference_examples.json``) and the endpoint checklist (``endpoints.tsv``,
copied as it is). The tests read those copies, so a clone without
``../shared`` runs them too; where ``../shared`` is (CI always lays it beside
the clone), ``test_data_file_matches_the_reference`` checks that the copies
are still what the reference gives.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_SPEC = ROOT.parent / "shared" / "spec"
ENDPOINTS_TSV = ROOT / "tests" / "api" / "endpoints.tsv"


def endpoint_rows() -> list[list[str]]:
    """The checklist's rows (path, method, envelope, operation, line), in order."""
    lines = ENDPOINTS_TSV.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t") for line in lines if line.strip()]


def endpoints() -> list[tuple[str, str]]:
    """Each (path, method) of the checklist once, sorted."""
    return sorted({(row[0], row[1]) for row in endpoint_rows() if row[0]})


def shared_spec() -> Path:
    """``../shared/spec``; skips the test without it, unless it is required."""
    if not (SHARED_SPEC / "ezviz-open-api.txt").is_file():
        if os.environ.get("EZVIZ_OPEN_REFERENCE") == "required":
            pytest.fail(f"the API reference is required and missing: {SHARED_SPEC}")
        pytest.skip(f"no API reference at {SHARED_SPEC} (the in-repo copies are used)")
    return SHARED_SPEC

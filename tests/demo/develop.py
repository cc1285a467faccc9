"""Run ``scripts/develop`` in a fresh config directory on free ports."""

from __future__ import annotations

import os
from pathlib import Path
import subprocess

ROOT = Path(__file__).resolve().parents[2]


def run_develop(
    tmp_path: Path, *args: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``scripts/develop ARGS`` to its end; its output captured."""
    # No coverage from the child processes (pytest-cov would measure them
    # through COV_CORE_*): the suite's coverage stays that of the unit tests.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE_")}
    return subprocess.run(  # noqa: S603 (our own script)
        [
            str(ROOT / "scripts" / "develop"),
            *args,
            "--port",
            "0",
            "--sim-port",
            "0",
            "--config",
            str(tmp_path / "config"),
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )

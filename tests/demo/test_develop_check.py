"""``scripts/develop --check``: a real Home Assistant drives the integration.

It starts the simulator and Home Assistant (the pinned version, as a separate
process) on free ports with a fresh config directory, onboards, adds the
integration through the config-flow API and acts on four entities. Skip it
with ``-m "not demo"`` (or ``EZVIZ_OPEN_SKIP_DEMO=1``).
"""

from __future__ import annotations

import os
from pathlib import Path
import re
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = re.compile(
    r"^devices=(\d+) entities=(\d+) by_platform=(\S+) actions_ok=(\d+)/(\d+)$", re.M
)
DEMO_DEVICES = 7

pytestmark = [
    pytest.mark.demo,
    pytest.mark.skipif(
        os.environ.get("EZVIZ_OPEN_SKIP_DEMO") == "1",
        reason="EZVIZ_OPEN_SKIP_DEMO=1",
    ),
    pytest.mark.skipif(sys.platform == "win32", reason="bash script"),
]


def test_develop_check(tmp_path: Path) -> None:
    """The demo run passes its end-to-end check and finds every demo device."""
    # No coverage from the child processes (pytest-cov would measure them
    # through COV_CORE_*): the suite's coverage stays that of the unit tests.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE_")}
    proc = subprocess.run(  # noqa: S603 (our own script)
        [
            str(ROOT / "scripts" / "develop"),
            "--check",
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
        timeout=600,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    match = SUMMARY.search(proc.stdout)
    assert match, output[-6000:]
    devices, entities, platforms, ok, total = match.groups()
    assert int(devices) >= DEMO_DEVICES
    assert int(entities) > 0
    assert ok == total
    assert int(total) >= 4
    by_platform = dict(item.split(":") for item in platforms.split(","))
    for platform in ("alarm_control_panel", "button", "select", "switch"):
        assert int(by_platform.get(platform, 0)) > 0, platforms

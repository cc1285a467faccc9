"""Headless Chromium against the demo Home Assistant, as a user sees it.

``scripts/browser/demo.mjs`` drives Debian's ``/usr/bin/chromium`` with
playwright-core (npm, pinned in ``scripts/browser/package-lock.json``,
installed by ``scripts/browser/install``): it logs in through the login form,
opens the curated dashboard (``scripts/dashboard.py``) and waits until each of
its live views plays, opens a camera's live view from its card on the default
dashboard and watches the ``<video>`` element play; with a folder it also saves
the README screenshots (curated dashboard, live view, recordings browser). This module runs it for
``scripts/develop --browser-check`` and ``--screenshot``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
from typing import Any

from scripts.ha_client import DemoError
from simulator import media

ROOT = Path(__file__).resolve().parent.parent
BROWSER_DIR = ROOT / "scripts" / "browser"
DRIVER = BROWSER_DIR / "demo.mjs"
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = "run scripts/browser/install (as root it installs Debian's chromium too)"
BROWSER_TIMEOUT = 240.0
MIN_ADVANCE = 3.0  # seconds of currentTime the live view must play


def missing() -> str | None:
    """What the browser run lacks here, or None when it can run."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (Debian's chromium package)"
    if shutil.which("node") is None:
        return "node is missing"
    if not (BROWSER_DIR / "node_modules" / "playwright-core" / "package.json").exists():
        return "playwright-core is not installed in scripts/browser/node_modules"
    return None


async def run_browser(
    base_url: str,
    username: str,
    password: str,
    entity_id: str,
    *,
    dashboard: tuple[str, int] | None = None,
    shots: Path | None = None,
) -> dict[str, Any]:
    """Watch ``entity_id``'s live view (and take the screenshots); the result.

    ``dashboard`` is (url path, number of live views): the driver opens it
    and waits until that many videos play.

    Each step the driver reports is printed; DemoError when it fails.
    """
    if problem := missing():
        raise DemoError(f"browser: {problem}; {INSTALL_HINT}")
    args = [
        "node",
        str(DRIVER),
        f"--url={base_url}",
        f"--user={username}",
        f"--password={password}",
        f"--entity={entity_id}",
        f"--chromium={CHROMIUM}",
        f"--min-advance={MIN_ADVANCE}",
        f"--bars={json.dumps(media.BARS)}",
    ]
    if dashboard is not None:
        args += [f"--dashboard={dashboard[0]}", f"--live={dashboard[1]}"]
    if shots is not None:
        args.append(f"--shots={shots.resolve()}")
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=BROWSER_DIR,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    result: dict[str, Any] = {}
    try:
        async with asyncio.timeout(BROWSER_TIMEOUT):
            async for raw in proc.stdout:
                line = raw.decode(errors="replace").strip()
                try:
                    message = json.loads(line)
                except ValueError:
                    print(f"[browser] {line}", flush=True)
                    continue
                if "result" in message:
                    result = message
                else:
                    print(f"[browser] {json.dumps(message)}", flush=True)
            stderr = (await proc.stderr.read()).decode(errors="replace")
            await proc.wait()
    except TimeoutError as err:
        raise DemoError(f"browser: no result within {BROWSER_TIMEOUT:.0f} s") from err
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()
    if result.get("result") != "ok":
        raise DemoError(
            f"browser: {result.get('error') or 'no result'} "
            f"(exit {proc.returncode}){f'; {stderr.strip()[-2000:]}' if stderr.strip() else ''}"
        )
    return result

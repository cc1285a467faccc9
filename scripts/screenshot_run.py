"""A PNG of the Home Assistant dashboard, taken with headless Chromium.

Used by ``scripts/screenshot`` (through ``scripts/develop --screenshot PNG``):
once the demo run is up, Chromium (Debian's package, ``/usr/bin/chromium``)
opens the dashboard over the DevTools protocol. The development user's tokens
go into the page's ``localStorage`` (``hassTokens``, where the frontend keeps
them), so no login form is filled in.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
import tempfile
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiohttp

    from scripts.develop_run import HomeAssistantApi

WIDTH = 1440
HEIGHT = 1100
RENDER_TIMEOUT = 60.0
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    f"--window-size={WIDTH},{HEIGHT}",
)

# Counts the dashboard's cards through the shadow roots once they are drawn.
COUNT_CARDS = """
(() => {
  let n = 0;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName;
      if (tag.startsWith('HUI-') && tag.endsWith('-CARD')) n++;
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return n;
})()
"""


class DevTools:
    """A minimal Chrome DevTools protocol client over one page's websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Use that websocket."""
        self.ws = ws
        self.next_id = 0

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command; answer its result (events in between are skipped)."""
        self.next_id += 1
        msg_id = self.next_id
        await self.ws.send_json({"id": msg_id, "method": method, "params": params})
        async with asyncio.timeout(60):
            while True:
                msg = await self.ws.receive_json()
                if msg.get("id") == msg_id:
                    if "error" in msg:
                        raise RuntimeError(f"{method}: {msg['error']}")
                    result: dict[str, Any] = msg.get("result", {})
                    return result

    async def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page; answer its value."""
        reply = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return reply.get("result", {}).get("value")


async def _devtools_port(user_data: Path, proc: asyncio.subprocess.Process) -> int:
    """The port Chromium chose (it writes DevToolsActivePort in the profile)."""
    marker = user_data / "DevToolsActivePort"
    async with asyncio.timeout(30):
        while not marker.exists() or not marker.read_text().strip():
            if proc.returncode is not None:
                raise RuntimeError(f"chromium exited with code {proc.returncode}")
            await asyncio.sleep(0.2)
    return int(marker.read_text().split()[0])


async def take_screenshot(api: HomeAssistantApi, target: Path) -> None:
    """Open the dashboard as the development user; save a PNG to ``target``."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    tokens = {
        **api.tokens,
        "hassUrl": api.base_url,
        "clientId": api.client_id,
        "expires": int(time.time() * 1000) + int(api.tokens["expires_in"]) * 1000,
    }
    with tempfile.TemporaryDirectory(prefix="ezviz-chromium-") as tmp:
        user_data = Path(tmp)
        proc = await asyncio.create_subprocess_exec(
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={user_data}",
            "about:blank",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            port = await _devtools_port(user_data, proc)
            session = api.session
            async with session.get(f"http://127.0.0.1:{port}/json/list") as resp:
                pages = [t for t in await resp.json() if t.get("type") == "page"]
            async with session.ws_connect(
                pages[0]["webSocketDebuggerUrl"], max_msg_size=0
            ) as ws:
                cdp = DevTools(ws)
                await cdp.send(
                    "Emulation.setDeviceMetricsOverride",
                    width=WIDTH,
                    height=HEIGHT,
                    deviceScaleFactor=1,
                    mobile=False,
                )
                # Same origin first, so that localStorage belongs to Home Assistant.
                await cdp.send("Page.navigate", url=f"{api.base_url}/auth/providers")
                await asyncio.sleep(1)
                await cdp.evaluate(
                    f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
                    "localStorage.setItem('selectedTheme', "
                    "JSON.stringify({theme: 'default', dark: false}));"
                )
                await cdp.send("Page.navigate", url=f"{api.base_url}/lovelace/0")
                deadline = time.monotonic() + RENDER_TIMEOUT
                previous = -1
                while time.monotonic() < deadline:
                    await asyncio.sleep(2)
                    cards = int(await cdp.evaluate(COUNT_CARDS) or 0)
                    if cards and cards == previous:
                        break
                    previous = cards
                else:
                    raise RuntimeError(
                        f"the dashboard did not render within {RENDER_TIMEOUT:.0f} s"
                    )
                await asyncio.sleep(2)  # pictures and icons
                shot = await cdp.send("Page.captureScreenshot", format="png")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(shot["data"]))
            print(f"[screenshot] {target} ({cards} cards)", flush=True)
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    await proc.wait()

"""The demo run: Home Assistant with the integration against the simulated cloud.

Run through ``scripts/develop`` (which prepares ``.venv`` first)::

    scripts/develop                  # simulator + Home Assistant on http://localhost:8123
    scripts/develop --check          # the same, headless, then an end-to-end check
    scripts/develop --browser-check  # headless Chromium plays the PTZ camera's live view
    scripts/develop --screenshot DIR # ... and saves the README screenshots

Everything goes through Home Assistant's own HTTP and websocket APIs
(``scripts/ha_client.py``): onboarding, authentication, the config and options
flows, states, templates, services, ``lovelace/config`` (the curated
dashboard, ``scripts/dashboard.py``) and ``camera/stream``
(``scripts/live_view.py`` checks the segments). The browser run is
``scripts/browser_run.py``. The simulator (demo fleet) runs in this process;
Home Assistant is a child process (``python -m homeassistant -c <config>
--skip-pip``) stopped on exit.

A second run reuses the user and the entry the first one created.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
import contextlib
from dataclasses import dataclass, field
import functools
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import sys
import time
from typing import TYPE_CHECKING, Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import dashboard  # noqa: E402
from scripts.browser_run import run_browser  # noqa: E402
from scripts.ha_client import DemoError, HomeAssistantApi  # noqa: E402
from scripts.live_view import check_live_views  # noqa: E402
from simulator import Simulator  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

DOMAIN = "ezviz_open"
DEV_NAME = "Developer"
DEV_USERNAME = "dev"
DEV_PASSWORD = "ezviz-demo"  # noqa: S105 (a local development login, printed on purpose)
DEFAULT_HA_PORT = 8123
DEFAULT_SIM_PORT = 8765
PORT_ENV = "EZVIZ_OPEN_DEV_HA_PORT"
RESTART_EXIT_CODE = 100  # homeassistant.const.RESTART_EXIT_CODE
ONBOARDING_ONLINE_DOMAINS = ("google_translate", "met", "radio_browser")
PTZ_CAMERA = "C6N000001"  # the demo fleet's PTZ camera (Living Room)
LIVE_VIEW = "live view"  # the --check step that watches the cameras' streams
DASHBOARD = "dashboard"  # the --check step that checks the curated dashboard's entities
STREAM_FEATURE = 2  # CameraEntityFeature.STREAM

# Timeouts (seconds); every wait is bounded.
HA_START_TIMEOUT = 240.0
ENTRY_LOAD_TIMEOUT = 120.0
ENTITIES_TIMEOUT = 60.0
ACTION_TIMEOUT = 30.0
HA_STOP_TIMEOUT = 60.0
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=30)


def log(message: str) -> None:
    """Print a progress line."""
    print(f"[develop] {message}", flush=True)


# --------------------------------------------------------------------------
# The end-to-end actions of ``--check`` (data-driven: add a row to add one).
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One action on one of the integration's entities."""

    label: str  # what the failure messages call it ("PTZ")
    domain: str  # entity domain (platform)
    pattern: str  # regex over entity_id and friendly name (case-insensitive)
    service: str  # service of that domain; "alarm_arm" picks a supported arm mode
    sim_paths: tuple[str, ...]  # API paths one of which must reach the simulator
    prefer_device: str | None = None  # serial whose entity is preferred
    data: dict[str, Any] = field(default_factory=dict)


ACTIONS: tuple[Action, ...] = (
    Action(
        label="PTZ",
        domain="button",
        pattern=r"ptz|pan|tilt|\b(up|down|left|right)\b|_(up|down|left|right)$",
        service="press",
        sim_paths=("/api/lapp/device/ptz/start", "/api/lapp/device/ptz/stop"),
        prefer_device=PTZ_CAMERA,
    ),
    Action(
        label="alarm panel",
        domain="alarm_control_panel",
        pattern=r".",
        service="alarm_arm",
        sim_paths=("/api/lapp/device/defence/set",),
    ),
    Action(
        label="privacy",
        domain="switch",
        pattern=r"privacy",
        service="turn_on",
        sim_paths=("/api/lapp/device/scene/switch/set",),
        prefer_device=PTZ_CAMERA,
    ),
    Action(
        label="fill-light mode",
        domain="select",
        pattern=r"fill|night.?vision|light",
        service="select_option",
        sim_paths=("/api/v3/device/fillLight/mode/set",),
        prefer_device=PTZ_CAMERA,
    ),
)

# AlarmControlPanelEntityFeature bits -> (service, state reached).
ARM_MODES = (
    (2, "alarm_arm_away", "armed_away"),
    (1, "alarm_arm_home", "armed_home"),
    (4, "alarm_arm_night", "armed_night"),
)

ENTITIES_TEMPLATE = """
{%- set ns = namespace(rows=[]) -%}
{%- for e in integration_entities('DOMAIN') -%}
{%- set d = device_id(e) -%}
{%- set ns.rows = ns.rows + [{
  'entity_id': e,
  'device_id': d,
  'device_name': (device_attr(d, 'name_by_user') or device_attr(d, 'name')) if d else none,
  'identifiers': (device_attr(d, 'identifiers') | map('list') | list) if d else [],
}] -%}
{%- endfor -%}
{{ ns.rows | to_json }}
""".replace("DOMAIN", DOMAIN)


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


def port_free(port: int) -> bool:
    """Whether nothing listens on the port (IPv4 loopback and any)."""
    for host in ("127.0.0.1", "0.0.0.0"):  # noqa: S104
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError:
                return False
    return True


def free_port() -> int:
    """An ephemeral port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_config_dir(config_dir: Path) -> None:
    """Create the config directory: configuration.yaml, the dashboard, custom_components."""
    config_dir.mkdir(parents=True, exist_ok=True)
    for template in (ROOT / "config" / "configuration.yaml", dashboard.SOURCE):
        target = config_dir / template.name
        if not target.exists():
            shutil.copyfile(template, target)
    link = config_dir / "custom_components"
    source = ROOT / "custom_components"
    if link.is_symlink() and link.resolve() != source.resolve():
        link.unlink()
    if not link.exists():
        # Relative inside the repository (config/), absolute elsewhere.
        try:
            rel = os.path.relpath(source, config_dir)
        except ValueError:
            rel = str(source)
        link.symlink_to(rel if config_dir.resolve().is_relative_to(ROOT) else source)
    elif not (link / DOMAIN / "manifest.json").exists():
        raise DemoError(
            f"{link} exists but holds no {DOMAIN}; remove it so the demo run can "
            f"link the repository's custom_components"
        )


class HassProcess:
    """Home Assistant as a child process in its own session."""

    def __init__(self, config_dir: Path, port: int, *, quiet: bool) -> None:
        """Remember how to start it."""
        self.config_dir = config_dir
        self.port = port
        self.quiet = quiet
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def log_file(self) -> Path:
        """Home Assistant's own log file."""
        return self.config_dir / "home-assistant.log"

    async def start(self) -> None:
        """Start ``python -m homeassistant`` (pinned in .venv), without pip."""
        env = {**os.environ, PORT_ENV: str(self.port)}
        out = asyncio.subprocess.DEVNULL if self.quiet else None
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "homeassistant",
            "--config",
            str(self.config_dir),
            "--skip-pip",
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )

    @property
    def exited(self) -> bool:
        """Whether the process has ended."""
        return self.proc is not None and self.proc.returncode is not None

    def tail(self, lines: int = 40) -> str:
        """The end of Home Assistant's log."""
        try:
            text = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return "(no home-assistant.log)"
        return "\n".join(text[-lines:])

    async def wait(self) -> int:
        """Wait for the process to end."""
        assert self.proc is not None
        return await self.proc.wait()

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL the whole group after a timeout."""
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), HA_STOP_TIMEOUT)
        except TimeoutError:
            log("Home Assistant did not stop in time: killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), 10)


# --------------------------------------------------------------------------
# Home Assistant's HTTP APIs (scripts/ha_client.py), as the demo uses them
# --------------------------------------------------------------------------


async def wait_up(api: HomeAssistantApi, hass: HassProcess, limit: float) -> None:
    """Wait until the HTTP server answers (any answer but a 5xx)."""
    deadline = time.monotonic() + limit
    while True:
        if hass.exited:
            raise DemoError(
                f"Home Assistant exited with code {hass.proc.returncode if hass.proc else '?'}"
                f" while starting:\n{hass.tail()}"
            )
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with api.session.get(
                f"{api.base_url}/api/onboarding",
                timeout=aiohttp.ClientTimeout(total=5),
            ) as resp:
                if resp.status < 500:
                    return
        if time.monotonic() > deadline:
            raise DemoError(
                f"Home Assistant did not answer on {api.base_url} within "
                f"{limit:.0f} s:\n{hass.tail()}"
            )
        await asyncio.sleep(1)


async def wait_running(api: HomeAssistantApi, hass: HassProcess, limit: float) -> None:
    """Wait until Home Assistant reports the RUNNING state."""
    deadline = time.monotonic() + limit
    state = None
    while time.monotonic() < deadline:
        if hass.exited:
            raise DemoError(f"Home Assistant exited while starting:\n{hass.tail()}")
        config = await api.request("GET", "/api/config")
        state = config.get("state")
        if state == "RUNNING":
            return
        await asyncio.sleep(1)
    raise DemoError(f"Home Assistant is still {state} after {limit:.0f} s")


async def add_entry(api: HomeAssistantApi, sim: Simulator) -> str:
    """Add the integration through the config-flow API (region custom)."""
    result = await api.flow(
        "flow",
        DOMAIN,
        {
            "user": {
                "app_key": sim.app_key,
                "app_secret": sim.app_secret,
                "region": "custom",
            },
            "custom_url": {"url": sim.base_url},
        },
    )
    return str(result["result"]["entry_id"])


async def remove_online_onboarding_entries(api: HomeAssistantApi) -> list[str]:
    """Remove the entries onboarding adds that need the internet (TTS, weather).

    Finishing onboarding's core_config step sets up google_translate, met
    and radio_browser; their packages are not installed (``--skip-pip``)
    and their services are out of reach anyway, so each start would log
    errors about them.
    """
    removed = []
    for entry in await api.entries():
        if entry["domain"] in ONBOARDING_ONLINE_DOMAINS:
            await api.delete_entry(entry["entry_id"])
            removed.append(entry["domain"])
    return removed


# --------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------


def stored_entries(config_dir: Path) -> dict[str, dict[str, Any]]:
    """The integration's entries as HA's storage file holds them (data, options)."""
    path = config_dir / ".storage" / "core.config_entries"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {
        entry["entry_id"]: entry
        for entry in data.get("data", {}).get("entries", [])
        if entry.get("domain") == DOMAIN
    }


async def ensure_entry(
    api: HomeAssistantApi, sim: Simulator, config_dir: Path
) -> tuple[str, bool]:
    """Reuse the entry pointing at this simulator, or add one. (entry_id, created)."""
    urls = {
        entry_id: entry.get("data", {}).get("url")
        for entry_id, entry in stored_entries(config_dir).items()
    }
    for entry in await api.entries(DOMAIN):
        if urls.get(entry["entry_id"], sim.base_url) == sim.base_url:
            return entry["entry_id"], False
        log(
            f"removing entry {entry['entry_id']} (it points at "
            f"{urls.get(entry['entry_id'])}, the simulator is at {sim.base_url})"
        )
        await api.delete_entry(entry["entry_id"])
    return await add_entry(api, sim), True


async def enter_verification_codes(
    api: HomeAssistantApi, sim: Simulator, entry_id: str, config_dir: Path
) -> list[str]:
    """Enter the encrypted demo devices' codes in the options, unless they are there.

    A user types a code once (options, or the repair issue that asks for
    it); the demo knows them, so that every camera shows its video. Answers
    the serials entered (none when the options already had them).
    """
    codes = {
        serial: device.validate_code
        for serial, device in sim.state.devices.items()
        if device.is_encrypt
    }
    options = stored_entries(config_dir).get(entry_id, {}).get("options", {})
    have = options.get("verification_codes") or {}
    if all(have.get(serial) == code for serial, code in codes.items()):
        return []
    await api.flow(
        "options/flow",
        entry_id,
        {"init": None, "push": None, "verification_codes": {**have, **codes}},
    )
    return sorted(codes)


async def wait_loaded(api: HomeAssistantApi, entry_id: str, limit: float) -> None:
    """Wait until the entry is loaded."""
    deadline = time.monotonic() + limit
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        for entry in await api.entries(DOMAIN):
            if entry["entry_id"] == entry_id:
                last = entry
        if last.get("state") == "loaded":
            return
        if last.get("state") in ("setup_error", "migration_error", "failed_unload"):
            break
        await asyncio.sleep(1)
    raise DemoError(
        f"the entry is not loaded: state={last.get('state')!r} reason={last.get('reason')!r}"
    )


@dataclass
class Inventory:
    """The integration's entities and devices as Home Assistant shows them."""

    rows: list[dict[str, Any]]
    states: dict[str, dict[str, Any]]

    @property
    def entity_ids(self) -> list[str]:
        """Every entity of the integration."""
        return [row["entity_id"] for row in self.rows]

    @property
    def devices(self) -> dict[str, dict[str, Any]]:
        """Device id -> a row of one of its entities."""
        return {row["device_id"]: row for row in self.rows if row["device_id"]}

    def by_platform(self) -> Counter[str]:
        """Entity count per platform (domain)."""
        return Counter(e.split(".", 1)[0] for e in self.entity_ids)

    def serials(self, entity_id: str) -> set[str]:
        """The identifiers (serials) of an entity's device."""
        for row in self.rows:
            if row["entity_id"] == entity_id:
                return {str(ident[-1]) for ident in row["identifiers"] if ident}
        return set()

    def entity_of(self, serial: str, domain: str) -> str | None:
        """The first entity of that domain on the device with that serial."""
        return next(
            (
                e
                for e in sorted(self.entity_ids)
                if e.startswith(f"{domain}.") and serial in self.serials(e)
            ),
            None,
        )

    def summary(self) -> str:
        """devices=, entities=, by_platform= of the summary line."""
        platforms = ",".join(f"{p}:{n}" for p, n in sorted(self.by_platform().items()))
        return (
            f"devices={len(self.devices)} entities={len(self.rows)} "
            f"by_platform={platforms or '-'}"
        )


async def inventory(api: HomeAssistantApi) -> Inventory:
    """List the integration's entities (template API) and their states."""
    text = await api.template(ENTITIES_TEMPLATE)
    try:
        rows = json.loads(text)
    except ValueError as err:
        raise DemoError(f"the entity template rendered no JSON: {text[:300]}") from err
    return Inventory(rows=rows, states=await api.states())


async def wait_entities(api: HomeAssistantApi, limit: float) -> Inventory:
    """Wait until the integration's entity list is non-empty and stable."""
    deadline = time.monotonic() + limit
    previous: list[str] | None = None
    current = await inventory(api)
    while time.monotonic() < deadline:
        current = await inventory(api)
        ids = sorted(current.entity_ids)
        if ids and ids == previous and all(e in current.states for e in ids):
            return current
        previous = ids
        await asyncio.sleep(2)
    if not current.rows:
        raise DemoError(f"the integration has no entities after {limit:.0f} s")
    return current


def check_devices(inv: Inventory, sim_devices: dict[str, dict[str, Any]]) -> None:
    """Every demo device has a Home Assistant device."""
    names = {str(row["device_name"]) for row in inv.devices.values()}
    idents = {
        str(part)
        for row in inv.devices.values()
        for ident in row["identifiers"]
        for part in ident
    }
    missing = [
        f"{serial} ({info['name']})"
        for serial, info in sim_devices.items()
        if serial not in idents and info["name"] not in names
    ]
    if missing:
        raise DemoError(f"demo devices missing in Home Assistant: {', '.join(missing)}")


async def sim_requests(
    session: aiohttp.ClientSession, base: str, path: str
) -> list[Any]:
    """The simulator's request log for one path (``GET /_sim/requests``)."""
    async with session.get(f"{base}/_sim/requests", params={"path": path}) as resp:
        resp.raise_for_status()
        items: list[Any] = await resp.json()
        return items


def pick_entity(action: Action, inv: Inventory) -> str:
    """The entity an action targets, or DemoError."""
    regex = re.compile(action.pattern, re.IGNORECASE)
    candidates = []
    for entity_id in inv.entity_ids:
        if not entity_id.startswith(f"{action.domain}."):
            continue
        state = inv.states.get(entity_id)
        if state is None or state["state"] == "unavailable":
            continue
        name = str(state["attributes"].get("friendly_name", ""))
        if regex.search(entity_id) or regex.search(name):
            candidates.append(entity_id)
    if not candidates:
        raise DemoError(f"no {action.domain} entity for {action.label}")

    def rank(entity_id: str) -> tuple[int, int, str]:
        preferred = action.prefer_device in inv.serials(entity_id)
        state = inv.states[entity_id]["state"]
        # An alarm panel that is disarmed can visibly be armed.
        disarmed = action.domain == "alarm_control_panel" and state == "disarmed"
        return (0 if preferred else 1, 0 if disarmed else 1, entity_id)

    return sorted(candidates, key=rank)[0]


def plan_service(
    action: Action, state: dict[str, Any]
) -> tuple[str, dict[str, Any], str | None]:
    """(service, extra data, expected state or None for "any change")."""
    if action.domain == "alarm_control_panel":
        features = int(state["attributes"].get("supported_features", 0))
        for bit, service, target in ARM_MODES:
            if features & bit and state["state"] != target:
                return service, {}, target
        raise DemoError(
            f"{state['entity_id']} supports no arm mode it is not already in"
        )
    if action.domain == "select":
        options = [
            o for o in state["attributes"].get("options", []) if o != state["state"]
        ]
        if not options:
            raise DemoError(f"{state['entity_id']} has no other option to select")
        return action.service, {"option": options[0]}, options[0]
    if action.domain == "switch":
        if state["state"] == "on":
            raise DemoError(f"{state['entity_id']} is already on")
        return action.service, {}, "on"
    return action.service, dict(action.data), None


async def run_action(
    action: Action,
    api: HomeAssistantApi,
    inv: Inventory,
    session: aiohttp.ClientSession,
    sim_url: str,
) -> str:
    """Do one action; DemoError unless it reached the simulator and changed the state."""
    entity_id = pick_entity(action, inv)
    before = await api.state(entity_id)
    if before is None:
        raise DemoError(f"{entity_id} has no state")
    service, data, expected = plan_service(action, before)
    counts = {p: len(await sim_requests(session, sim_url, p)) for p in action.sim_paths}
    await api.call(action.domain, service, {"entity_id": entity_id, **data})

    deadline = time.monotonic() + ACTION_TIMEOUT
    reached: list[Any] = []
    after = before
    while time.monotonic() < deadline:
        reached = []
        for path in action.sim_paths:
            reached += (await sim_requests(session, sim_url, path))[counts[path] :]
        after = await api.state(entity_id) or before
        changed = (
            after["state"] == expected
            if expected is not None
            else after["state"] != before["state"]
        )
        if reached and changed:
            bad = [r for r in reached if str(r.get("code")) not in ("200", "None")]
            if bad:
                raise DemoError(
                    f"{action.label}: the simulator answered {bad[0].get('path')} "
                    f"with code {bad[0].get('code')}"
                )
            return (
                f"{action.label}: {domain_service(action, service)} {entity_id} "
                f"{before['state']!r} -> {after['state']!r}, "
                f"simulator saw {', '.join(sorted({r['path'] for r in reached}))}"
            )
        await asyncio.sleep(0.5)
    if not reached:
        raise DemoError(
            f"{action.label}: {domain_service(action, service)} {entity_id} did not reach "
            f"the simulator ({' or '.join(action.sim_paths)}) within {ACTION_TIMEOUT:.0f} s"
        )
    raise DemoError(
        f"{action.label}: {entity_id} stayed {after['state']!r}"
        f"{f' (expected {expected!r})' if expected else ''} within {ACTION_TIMEOUT:.0f} s"
    )


def domain_service(action: Action, service: str) -> str:
    """``domain.service`` for messages."""
    return f"{action.domain}.{service}"


def streaming_cameras(inv: Inventory) -> tuple[list[str], list[str]]:
    """(cameras that offer a live view, the others) among the integration's."""
    cameras = sorted(e for e in inv.entity_ids if e.startswith("camera."))
    able = [
        e
        for e in cameras
        if inv.states[e]["state"] != "unavailable"
        and int(inv.states[e]["attributes"].get("supported_features", 0))
        & STREAM_FEATURE
    ]
    return able, [e for e in cameras if e not in able]


async def check_live_view(api: HomeAssistantApi, inv: Inventory) -> str:
    """Every camera that can stream delivers segments through HA's stream component."""
    able, others = streaming_cameras(inv)
    ptz = inv.entity_of(PTZ_CAMERA, "camera")
    if ptz not in able:
        raise DemoError(f"live view: the PTZ camera ({ptz}) offers no live view")
    views = await check_live_views(api, able)
    for view in views:
        log(f"    {view.line}")
    delivered = [v for v in views if not v.refused]
    hevc = [v.entity_id for v in delivered if v.codec == "hevc"]
    refused = [v.entity_id for v in views if v.refused]
    if not hevc:
        raise DemoError("live view: no H.265 camera delivered segments")
    if not refused:
        raise DemoError("live view: the encrypted camera was not refused")
    return (
        f"live view: {len(delivered)} cameras deliver segments showing the test "
        f"pattern, {len(hevc)} of them H.265 ({', '.join(hevc)}); refused for video "
        f"encryption, with a repair issue: {', '.join(refused)}"
        f"{f' (no live view: {", ".join(others)})' if others else ''}"
    )


async def check(
    api: HomeAssistantApi,
    session: aiohttp.ClientSession,
    sim: Simulator,
    inv: Inventory,
    only: list[str] | None,
) -> tuple[int, int]:
    """Run the actions, the dashboard check and the live view; print each result.

    Answers (ok, total).
    """
    async with session.get(f"{sim.base_url}/_sim/state") as resp:
        sim_state = await resp.json()
    check_devices(inv, sim_state["devices"])
    names = sorted(str(row["device_name"]) for row in inv.devices.values())
    log(f"devices: {', '.join(names)}")
    steps: list[tuple[str, Callable[[], Awaitable[str]]]] = [
        (a.label, functools.partial(run_action, a, api, inv, session, sim.base_url))
        for a in ACTIONS
    ]
    steps.append(
        (DASHBOARD, functools.partial(dashboard.check_dashboard, api, inv.states))
    )
    steps.append((LIVE_VIEW, functools.partial(check_live_view, api, inv)))
    steps = [(label, step) for label, step in steps if only is None or label in only]
    ok = 0
    failures = []
    for _label, step in steps:
        try:
            log("ok  " + await step())
            ok += 1
        except DemoError as err:
            log(f"FAIL {err}")
            failures.append(str(err))
    if sim.errors:
        failures.append(f"the simulator logged internal errors: {sim.errors[:3]}")
    print(f"{inv.summary()} actions_ok={ok}/{len(steps)}", flush=True)
    if failures:
        raise DemoError("; ".join(failures))
    return ok, len(steps)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


@dataclass
class Running:
    """What ``bring_up`` started, for the follow-ups (check, screenshot)."""

    api: HomeAssistantApi
    session: aiohttp.ClientSession
    sim: Simulator
    hass: HassProcess
    inventory: Inventory


async def bring_up(
    args: argparse.Namespace, stack: contextlib.AsyncExitStack
) -> Running:
    """Start the simulator and Home Assistant; onboard; add the entry; wait for entities."""
    config_dir = Path(args.config).resolve()
    for port, what in ((args.port, "Home Assistant"), (args.sim_port, "the simulator")):
        if port and not port_free(port):
            raise DemoError(
                f"port {port} for {what} is in use (another scripts/develop or "
                f"Home Assistant running?); stop it or pass "
                f"{'--port' if what == 'Home Assistant' else '--sim-port'}"
            )
    prepare_config_dir(config_dir)

    sim = Simulator("demo")
    await sim.start("127.0.0.1", args.sim_port)
    stack.push_async_callback(sim.stop)
    log(f"simulator (demo fleet, {len(sim.state.devices)} devices) on {sim.base_url}")

    hass = HassProcess(
        config_dir,
        args.port,
        quiet=args.check or args.browser_check or bool(args.screenshot) or args.quiet,
    )
    started = time.monotonic()
    await hass.start()
    stack.push_async_callback(hass.stop)
    log(f"Home Assistant starting (config {config_dir}, log {hass.log_file})")

    # The threaded resolver: the venv's aiodns does not work with its pycares.
    session = await stack.enter_async_context(
        aiohttp.ClientSession(
            timeout=HTTP_TIMEOUT,
            connector=aiohttp.TCPConnector(resolver=aiohttp.ThreadedResolver()),
        )
    )
    api = HomeAssistantApi(session, f"http://localhost:{args.port}")
    await wait_up(api, hass, HA_START_TIMEOUT)
    created = await api.onboard_and_login(DEV_NAME, DEV_USERNAME, DEV_PASSWORD)
    log(
        f"{'onboarded with' if created else 'logged in as'} the development user "
        f"{DEV_USERNAME!r} (password {DEV_PASSWORD!r})"
    )
    await wait_running(api, hass, HA_START_TIMEOUT)
    log(f"Home Assistant running after {time.monotonic() - started:.0f} s")

    entry_id, new = await ensure_entry(api, sim, config_dir)
    log(f"{'added' if new else 'reusing'} config entry {entry_id}")
    await wait_loaded(api, entry_id, ENTRY_LOAD_TIMEOUT)
    if entered := await enter_verification_codes(api, sim, entry_id, config_dir):
        log(f"entered the verification codes of {', '.join(entered)} (options)")
        await wait_loaded(api, entry_id, ENTRY_LOAD_TIMEOUT)  # the options reload it
    inv = await wait_entities(api, ENTITIES_TIMEOUT)
    if removed := await remove_online_onboarding_entries(api):
        log(
            f"removed onboarding's entries that need the internet: {', '.join(removed)}"
        )
    log(f"entry loaded: {inv.summary()}")
    return Running(api, session, sim, hass, inv)


def browser_playable(
    inv: Inventory, cameras: list[str], sim_devices: dict[str, dict[str, Any]]
) -> list[str]:
    """The live views headless Chromium can play: H.264 from unencrypted devices.

    Chromium here decodes no H.265 (``docs``: which browsers do), and the
    cloud gives an encrypted camera no live address.
    """
    playable = []
    for entity_id in cameras:
        serials = {serial.split("_")[0] for serial in inv.serials(entity_id)}
        device = next((sim_devices[s] for s in serials if s in sim_devices), None)
        if (
            device is not None
            and device.get("video_codec", "h264") == "h264"
            and not device.get("isEncrypt")
        ):
            playable.append(entity_id)
    return playable


async def browser_follow_up(running: Running, args: argparse.Namespace) -> None:
    """Headless Chromium watches the PTZ camera's live view (and takes screenshots)."""
    entity_id = running.inventory.entity_of(PTZ_CAMERA, "camera")
    if entity_id is None:
        raise DemoError(f"no camera entity for the PTZ camera {PTZ_CAMERA}")
    live = dashboard.cameras(await dashboard.load(running.api))
    async with running.session.get(f"{running.sim.base_url}/_sim/state") as resp:
        sim_devices = (await resp.json())["devices"]
    playable = browser_playable(running.inventory, live, sim_devices)
    log(f"browser: {len(playable)} of the dashboard's {len(live)} live views can play")
    result = await run_browser(
        running.api.base_url,
        DEV_USERNAME,
        DEV_PASSWORD,
        entity_id,
        dashboard=(dashboard.URL_PATH, len(playable)),
        shots=Path(args.screenshot) if args.screenshot else None,
    )
    width, height = result["size"]
    print(
        f"live_view_browser entity={entity_id} advance={result['advance_s']:.3f} "
        f"wall={result['wall_s']:.3f} first_frame={result['first_frame_s']:.3f} "
        f"size={width}x{height}",
        flush=True,
    )


async def main_async(args: argparse.Namespace) -> int:
    """Run; answer the exit status."""
    started = time.monotonic()
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    interrupted = False

    def interrupt() -> None:
        # Once only: a second Ctrl-C must not cut the shutdown of Home Assistant.
        nonlocal interrupted
        if not interrupted:
            interrupted = True
            task.cancel()
        else:
            log("still stopping Home Assistant (at most a minute)")

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, interrupt)
    status = 0
    try:
        async with contextlib.AsyncExitStack() as stack:
            try:
                running = await bring_up(args, stack)
                if args.check:
                    await check(
                        running.api,
                        running.session,
                        running.sim,
                        running.inventory,
                        args.only,
                    )
                elif args.browser_check or args.screenshot:
                    await browser_follow_up(running, args)
                else:
                    print(
                        "\n"
                        f"  Home Assistant : {running.api.base_url}\n"
                        f"  user / password: {DEV_USERNAME} / {DEV_PASSWORD}\n"
                        f"  simulator      : {running.sim.base_url}  "
                        f"(app key {running.sim.app_key}, secret {running.sim.app_secret};"
                        f" {running.sim.base_url}/_sim/state)\n"
                        "  Ctrl-C stops both.\n",
                        flush=True,
                    )
                    while (code := await running.hass.wait()) == RESTART_EXIT_CODE:
                        # "Restart" in the UI: Home Assistant expects its
                        # supervisor (here: this script) to start it again.
                        log("Home Assistant asked for a restart: starting it again")
                        await running.hass.start()
                    log(f"Home Assistant exited with code {code}")
                    status = 0 if code == 0 else 1
            except DemoError as err:
                log(f"FAILED: {err}")
                status = 1
            except (aiohttp.ClientError, TimeoutError) as err:
                log(f"FAILED: {err!r}")
                status = 1
            log("stopping")
    except asyncio.CancelledError:
        log("interrupted; stopped")
        return 130
    if (args.check or args.browser_check) and status == 0:
        log(f"check passed in {time.monotonic() - started:.0f} s")
    return status


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--check", action="store_true", help="headless end-to-end check"
    )
    parser.add_argument(
        "--browser-check",
        action="store_true",
        help="headless Chromium plays the PTZ camera's live view (scripts/browser)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="DIR",
        help="like --browser-check, and save the README screenshots in DIR",
    )
    parser.add_argument(
        "--config",
        default=str(ROOT / "config"),
        help="config directory (default config/)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_HA_PORT, help="Home Assistant port"
    )
    parser.add_argument(
        "--sim-port", type=int, default=DEFAULT_SIM_PORT, help="simulator port (0: any)"
    )
    parser.add_argument(
        "--only",
        action="append",
        help=(
            "with --check: only this step (repeatable): "
            + ", ".join([*(a.label for a in ACTIONS), DASHBOARD, LIVE_VIEW])
        ),
    )
    parser.add_argument(
        "--quiet", action="store_true", help="hide Home Assistant's console log"
    )
    args = parser.parse_args(argv)
    if args.port == 0:
        args.port = free_port()
    return args


def main() -> None:
    """Entry point."""
    sys.exit(asyncio.run(main_async(parse_args())))


if __name__ == "__main__":
    main()

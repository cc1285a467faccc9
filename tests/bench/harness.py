"""Measurements of the request-budget benchmark, run inside the HA test harness.

Each measurement sets up the real integration (a config entry, every
platform) against a simulator holding the fleet it is given, measures, and
removes the entry again, so several can run one after another in one
``hass``. Simulated time moves with the ``freezer`` fixture in steps that
divide the planned cadences; requests are counted from the simulator's request log.
Wall times are real (``freezegun``'s saved ``perf_counter``).

The results are plain JSON-ready dicts; ``tests.bench.report`` turns them
into the targets' verdicts and the tables.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import pairwise
import math
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from aiohttp import web
import freezegun.api
from homeassistant.const import ATTR_ENTITY_ID, CONF_URL
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ezviz_open.api.system import PROBE_READS
from custom_components.ezviz_open.const import (
    CONF_ACCOUNT_INTERVAL,
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_DETAIL_INTERVAL,
    CONF_PUSH,
    CONF_PUSH_SECRET,
    CONF_REGION,
    CONF_WEBHOOK_ID,
    DOMAIN,
    REGION_CUSTOM,
)
from custom_components.ezviz_open.metering.planner import CADENCES, CadenceKey, Plan
from simulator import Simulator, generate_fleet

from .report import (
    CADENCE_DETAIL,
    DEVICE_LIST_PATH,
    VERSION_PATH,
    cadence_of,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from custom_components.ezviz_open.data import EzvizOpenData
    from simulator import RecordedRequest

type Fleet = str | dict[str, Any]


def fleet_for(label: str) -> Fleet:
    """Return the fleet named ``label``: ``demo`` or a generated one (``"10"``)."""
    return "demo" if label == "demo" else generate_fleet(int(label), seed=0)


#: Push as the bench configures it: signed, on a webhook of the test server.
PUSH_SECRET = "bench-push-secret"
PUSH_WEBHOOK_ID = "0123456789abcdef0123456789abcdef"
#: With push, a message arrives this often (alternately an alarm and a
#: device going offline or coming back), well within push health's window.
PUSH_EVERY = timedelta(minutes=30)


def options_for(
    account_interval: int | None, detail_interval: int | None
) -> dict[str, Any]:
    """Return entry options; None keeps the default."""
    options: dict[str, Any] = {}
    if account_interval is not None:
        options[CONF_ACCOUNT_INTERVAL] = account_interval
    if detail_interval is not None:
        options[CONF_DETAIL_INTERVAL] = detail_interval
    return options


def wall() -> float:
    """Real seconds, also while ``freezer`` holds the clock."""
    # Read through the module: freezegun rebinds the name where it is imported.
    return freezegun.api.real_perf_counter()


# -- the simulator, instrumented -----------------------------------------------


class InFlight:
    """Counts the API requests the simulator is answering at the same time.

    An aiohttp middleware on the simulator's application: no change to the
    simulator itself.
    """

    def __init__(self) -> None:
        """Start idle."""
        self.current = 0
        self.peak = 0

    def reset(self) -> None:
        """Start a new measurement of the peak."""
        self.peak = self.current

    @web.middleware
    async def middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Track one request while it is answered."""
        if not request.path.startswith(("/api/", "/area/")):
            return await handler(request)
        self.current += 1
        self.peak = max(self.peak, self.current)
        try:
            return await handler(request)
        finally:
            self.current -= 1


@dataclass
class Bench:
    """A simulator with its fleet and an entry of its account."""

    hass: HomeAssistant
    sim: Simulator
    entry: MockConfigEntry
    in_flight: InFlight
    _mark: int = field(default=0)

    @property
    def runtime(self) -> EzvizOpenData:
        """The loaded entry's runtime data."""
        runtime: EzvizOpenData = self.entry.runtime_data
        return runtime

    async def async_setup(self) -> None:
        """Set up the entry (every platform) and wait for its background work."""
        assert await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    def new_requests(self) -> list[RecordedRequest]:
        """Return the requests logged since the last call."""
        new = self.sim.requests[self._mark :]
        self._mark = len(self.sim.requests)
        return new

    def reset_log(self) -> None:
        """Forget the request log."""
        self.sim.reset_log()
        self._mark = 0

    def entity_count(self) -> int:
        """How many entities the entry has in the registry."""
        return len(
            er.async_entries_for_config_entry(
                er.async_get(self.hass), self.entry.entry_id
            )
        )

    def devices(self) -> int:
        """How many devices the account holds."""
        return len(self.sim.state.devices)

    def channels(self) -> int:
        """How many channels the account's devices have (camera/list rows)."""
        return sum(len(device.channels) for device in self.sim.state.devices.values())


@asynccontextmanager
async def bench(
    hass: HomeAssistant, fleet: Fleet, *, options: dict[str, Any] | None = None
) -> AsyncIterator[Bench]:
    """A running simulator and a (not yet set up) entry of its account."""
    sim = Simulator(fleet=fleet)
    in_flight = InFlight()
    sim.app.middlewares.append(in_flight.middleware)
    async with sim:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="EZVIZ Open Platform (bench)",
            unique_id=sim.app_key,
            data={
                CONF_APP_KEY: sim.app_key,
                CONF_APP_SECRET: sim.app_secret,
                CONF_REGION: REGION_CUSTOM,
                CONF_URL: sim.base_url,
            },
            options=options or {},
        )
        entry.add_to_hass(hass)
        try:
            yield Bench(hass, sim, entry, in_flight)
        finally:
            await hass.config_entries.async_remove(entry.entry_id)
            await hass.async_block_till_done(wait_background_tasks=True)


def _no_write(self: Entity) -> None:
    """Stand-in for ``Entity._async_write_ha_state`` while a day runs."""


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Move simulated time and run what falls due."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _serial(request: RecordedRequest) -> str | None:
    return request.form.get("deviceSerial") or request.headers.get("deviceSerial")


def _max_gap(times: list[float], start: float, end: float) -> float:
    points = sorted([start, *times, end])
    return max(b - a for a, b in pairwise(points))


# -- 1 and 2: a simulated day ----------------------------------------------------


async def measure_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    label: str,
    *,
    account_interval: int | None = None,
    detail_interval: int | None = None,
    hours: float = 24.0,
    faithful: bool = False,
    push: ClientSessionGenerator | None = None,
) -> dict[str, Any]:
    """Requests per simulated day, by endpoint and cadence, and per refresh.

    Time moves in steps that divide every planned interval (their greatest
    common divisor, at least ``MIN_STEP_S``: a cadence whose interval is no
    multiple of the step runs up to a step late). With fewer than 24 hours the counts are scaled up to a day,
    except the daily firmware-version round, counted as the one read at
    setup.

    With ``push`` (``hass_client_no_auth``: a client of Home Assistant's HTTP
    server, made once the entry is set up, as the server's routes are then
    frozen), push is configured and the simulator pushes a signed message every
    ``PUSH_EVERY`` from setup on: alternately an alarm and a device going
    offline or coming back online. Whether the account data shows each
    on/offline change at once is recorded (``presence_at_once``).

    Unless ``faithful``, entities do not write their state while the day
    runs: writing sends no request, and at 120 devices (some 2,000 entities
    written every minute) it is two thirds of the harness's time.
    """
    started = wall()
    account_s = account_interval or int(
        CADENCES[CadenceKey.DEVICE_LIST].default.total_seconds()
    )
    detail_min = detail_interval or int(
        CADENCES[CadenceKey.DETAIL].default.total_seconds() // 60
    )
    options = options_for(account_interval, detail_interval)
    if push is not None:
        options |= {
            CONF_PUSH: True,
            CONF_PUSH_SECRET: PUSH_SECRET,
            CONF_WEBHOOK_ID: PUSH_WEBHOOK_ID,
        }
    async with bench(hass, fleet_for(label), options=options) as b:
        await b.async_setup()
        setup_requests = b.new_requests()
        setup_end = b.sim.now()
        pusher = None
        if push is not None:
            client = await push()
            b.sim.push.configure(
                str(client.make_url(f"/api/webhook/{PUSH_WEBHOOK_ID}")),
                secret=PUSH_SECRET,
            )
            pusher = _Pusher(b)
            await pusher.async_send()
        step = _step(b.runtime.governor.plan)
        day: list[RecordedRequest] = []
        refreshes: Counter[str] = Counter()
        requests: Counter[str] = Counter()
        largest: Counter[str] = Counter()
        quiet = (
            nullcontext()
            if faithful
            else patch.object(Entity, "_async_write_ha_state", _no_write)
        )
        with quiet:
            elapsed, next_push = 0, PUSH_EVERY.seconds
            for _ in range(round(hours * 3600 / step)):
                await advance(hass, freezer, step)
                elapsed += step
                if pusher is not None and elapsed >= next_push:
                    await pusher.async_send()
                    next_push += PUSH_EVERY.seconds
                new = b.new_requests()
                day.extend(new)
                per_cadence = Counter(cadence_of(r.path) for r in new)
                for cadence, count in per_cadence.items():
                    refreshes[cadence] += 1
                    requests[cadence] += count
                    largest[cadence] = max(largest[cadence], count)
        day_end = b.sim.now()
        # A shorter window is scaled up to a day, except what is read once a
        # day (firmware versions): a day holds the one round read at setup.
        scale = 24.0 / hours
        by_endpoint = {
            path: round(count * scale)
            for path, count in Counter(r.path for r in day).items()
        }
        if hours < 24:
            by_endpoint[VERSION_PATH] = sum(
                1 for r in setup_requests if r.path == VERSION_PATH
            )
        by_cadence: Counter[str] = Counter()
        for path, count in by_endpoint.items():
            by_cadence[cadence_of(path)] += count

        # Freshness: the largest gap between two reads of the same thing.
        account_times = [
            r.time
            for r in [*setup_requests, *day]
            if r.path == DEVICE_LIST_PATH and r.form.get("pageStart", "0") == "0"
        ]
        detail_times: defaultdict[tuple[str, str | None], list[float]] = defaultdict(
            list
        )
        probes = {path for path, _member in PROBE_READS.values()}
        probed: set[tuple[str, str | None]] = set()
        for n, r in enumerate([*setup_requests, *day]):
            key = (r.path, _serial(r))
            if r.path in probes and n < len(setup_requests) and key not in probed:
                # The first read of a probed endpoint at setup is the probe
                # (with the capabilities), not the cadence's: only an enabled
                # entity is read again.
                probed.add(key)
                continue
            # Answered reads only: a refusal brings no state.
            if cadence_of(r.path) == CADENCE_DETAIL and r.code == 200:
                detail_times[key].append(r.time)
        result: dict[str, Any] = {
            "kind": "day",
            "fleet": label,
            "devices": b.devices(),
            "channels": b.channels(),
            "online_devices": sum(
                1 for device in b.sim.state.devices.values() if device.online
            ),
            "entities": b.entity_count(),
            "options": {
                "account_interval_s": account_s,
                "detail_interval_min": detail_min,
            },
            "simulated_hours": hours,
            "step_s": step,
            "state_writes": faithful,
            "setup": {
                "requests": len(setup_requests),
                "by_endpoint": dict(
                    sorted(Counter(r.path for r in setup_requests).items())
                ),
            },
            "per_day": {
                "total": sum(by_endpoint.values()),
                "by_endpoint": dict(sorted(by_endpoint.items())),
                "by_cadence": dict(sorted(by_cadence.items())),
                "scaled_from_hours": hours if hours < 24 else None,
            },
            "per_refresh": {
                cadence: {
                    "refreshes": refreshes[cadence],
                    "requests": requests[cadence],
                    "mean": round(requests[cadence] / refreshes[cadence], 2),
                    "max": largest[cadence],
                }
                for cadence in sorted(refreshes)
            },
            "freshness_s": {
                "account_max_gap": _max_gap(account_times, setup_end, day_end),
                "detail_max_gap": max(
                    (
                        _max_gap(times, setup_end, day_end)
                        for times in detail_times.values()
                    ),
                    default=0.0,
                ),
                "detail_keys": len(detail_times),
            },
            # The governor's plan at the end of the day: the effective cadences.
            "plan": b.runtime.governor.as_dict(),
            "wall_s": round(wall() - started, 2),
        }
        if pusher is not None:
            result["variant"] = "push"
            result["push"] = {
                "every_s": PUSH_EVERY.seconds,
                "sent": len(b.sim.push.sent),
                "delivered": sum(1 for sent in b.sim.push.sent if sent.delivered),
                "presence_changes": len(pusher.shown),
                "presence_at_once": sum(pusher.shown),
            }
        return result


#: The shortest step of simulated time a day moves in.
MIN_STEP_S = 10


def _step(plan: Plan | None) -> int:
    """Seconds per step: the greatest common divisor of the planned intervals."""
    assert plan is not None
    seconds = [
        int(plan.intervals[key].total_seconds())
        for key in (
            CadenceKey.DEVICE_LIST,
            CadenceKey.CAMERA_LIST,
            CadenceKey.ALARMS,
            CadenceKey.DETAIL,
        )
    ]
    return max(MIN_STEP_S, math.gcd(*seconds))


class _Pusher:
    """Pushes an alarm and an on/offline change in turn, as the cloud would."""

    def __init__(self, b: Bench) -> None:
        self._b = b
        devices = b.sim.state.devices.values()
        cameras = [d.serial for d in devices if d.online and len(d.channels) == 1]
        self._alarm_serial = cameras[0]
        self._presence_serial = cameras[-1]
        self._turn = 0
        #: For each on/offline push: whether the account data showed it at
        #: once (before any poll).
        self.shown: list[bool] = []

    async def async_send(self) -> None:
        b = self._b
        self._turn += 1
        if self._turn % 2:
            sent = await b.sim.push.alarm(self._alarm_serial, 10002)
        else:
            serial = self._presence_serial
            online = not b.sim.state.devices[serial].online
            sent = await b.sim.push.onoffline(serial, online)
            await b.hass.async_block_till_done(wait_background_tasks=True)
            shown = b.runtime.account.data.devices[serial].online
            self.shown.append(shown == online)
        assert sent.delivered, sent
        await b.hass.async_block_till_done(wait_background_tasks=True)


# -- 3: what one user command costs ------------------------------------------------

PTZ_START = "/api/lapp/device/ptz/start"
PTZ_STOP = "/api/lapp/device/ptz/stop"
UPGRADE_STATUS_PATH = "/api/lapp/device/upgrade/status"


@dataclass(frozen=True)
class Command:
    """A user command on the demo fleet and the requests that are the command."""

    name: str
    domain: str
    service: str
    entity_id: str
    data: dict[str, Any]
    own: tuple[str, ...]
    #: Seconds of simulated time during which its consequences are counted
    #: (a multiple of every cadence's interval shorter than an hour).
    window: int = 180
    #: Steps of simulated time in that window.
    step: int = 60
    #: What is read again right after it (state confirmed "at once").
    rereads: tuple[str, ...] = ()
    #: The state the entity shows right after the command.
    state: str | None = None


COMMANDS: tuple[Command, ...] = (
    Command(
        "PTZ button (up)",
        "button",
        "press",
        "button.living_room_ptz_up",
        {},
        (PTZ_START, PTZ_STOP),
    ),
    Command(
        "mirror button",
        "button",
        "press",
        "button.living_room_flip_image_vertically",
        {},
        ("/api/lapp/device/ptz/mirror",),
    ),
    Command(
        "arm a camera (alarm panel)",
        "alarm_control_panel",
        "alarm_arm_away",
        "alarm_control_panel.living_room_arming",
        {},
        ("/api/lapp/device/defence/set",),
        state="armed_away",
    ),
    Command(
        "arm a hub home (alarm panel)",
        "alarm_control_panel",
        "alarm_arm_home",
        "alarm_control_panel.alarm_hub_arming",
        {},
        ("/api/lapp/device/defence/set",),
        state="armed_home",
    ),
    Command(
        "motion detection off (camera)",
        "camera",
        "disable_motion_detection",
        "camera.living_room",
        {},
        ("/api/lapp/device/defence/set",),
    ),
    Command(
        "switch: privacy on",
        "switch",
        "turn_on",
        "switch.living_room_privacy_mode",
        {},
        ("/api/lapp/device/scene/switch/set",),
        rereads=("/api/lapp/device/status/get",),
        state="on",
    ),
    Command(
        "switch: microphone off",
        "switch",
        "turn_off",
        "switch.living_room_microphone",
        {},
        ("/api/lapp/camera/video/sound/set",),
        rereads=("/api/lapp/camera/video/sound/status",),
        state="off",
    ),
    Command(
        "switch: encryption on",
        "switch",
        "turn_on",
        "switch.living_room_video_encryption",
        {},
        ("/api/lapp/device/encrypt/on",),
        state="on",
    ),
    Command(
        "select: fill light",
        "select",
        "select_option",
        "select.living_room_fill_light_mode",
        {"option": "full_color"},
        ("/api/v3/device/fillLight/mode/set",),
        rereads=("/api/v3/device/fillLight/mode/get",),
        state="full_color",
    ),
    Command(
        "select: PTZ preset",
        "select",
        "select_option",
        "select.living_room_ptz_preset",
        {"option": "2"},
        ("/api/lapp/device/preset/move",),
    ),
    Command(
        "action ptz",
        DOMAIN,
        "ptz",
        "camera.living_room",
        {"direction": "left", "duration": 0.1},
        (PTZ_START, PTZ_STOP),
    ),
    Command(
        "action preset_goto",
        DOMAIN,
        "preset_goto",
        "camera.living_room",
        {"index": 1},
        ("/api/lapp/device/preset/move",),
    ),
    Command(
        "action play_ringtone",
        DOMAIN,
        "play_ringtone",
        "camera.front_door",
        {"ringtone": "alert_beep"},
        ("/api/v3/device/audition",),
    ),
    Command(
        "action set_defence_schedule",
        DOMAIN,
        "set_defence_schedule",
        "camera.living_room",
        {"enabled": True, "start_time": "22:00", "end_time": "06:00"},
        ("/api/lapp/device/defence/plan/set",),
    ),
    Command(
        "action format_storage",
        DOMAIN,
        "format_storage",
        "camera.living_room",
        {"disk_index": 0},
        ("/api/v3/device/format/disk",),
        rereads=("/api/lapp/device/status/get",),
    ),
)

#: Starting a firmware upgrade: followed until it ends (the known exception).
FIRMWARE_INSTALL = Command(
    "update: firmware install",
    "update",
    "install",
    "update.living_room_firmware",
    {},
    ("/api/lapp/device/upgrade",),
    window=720,
    step=30,
)


async def measure_commands(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, label: str = "demo"
) -> dict[str, Any]:
    """Requests each user command causes beyond its own.

    Each command runs on a freshly set-up account: counted right after the
    command (simulated time stands still, so nothing else runs) and over a
    window of simulated time after it, minus what the cadences send in the
    same window of an account where no command ran.
    """
    started = wall()
    baselines: dict[tuple[int, int], Counter[str]] = {}
    results: list[dict[str, Any]] = []
    for command in (*COMMANDS, FIRMWARE_INSTALL):
        key = (command.window, command.step)
        if key not in baselines:
            _, baselines[key], _ = await _command_window(
                hass, freezer, label, None, key
            )
        immediate, window, shown = await _command_window(
            hass, freezer, label, command, key
        )
        own = [path for path in immediate if path in command.own]
        extra_now = [path for path in immediate if path not in command.own]
        later = window - baselines[key]
        results.append(
            {
                "name": command.name,
                "entity_id": command.entity_id,
                "own": len(own),
                "own_endpoints": own,
                "extra_immediate": extra_now,
                "extra_later": dict(sorted(later.items())),
                "fewer_later": dict(sorted((baselines[key] - window).items())),
                "extra": len(extra_now) + sum(later.values()),
                "window_s": command.window,
                "rereads": list(command.rereads),
                "rereads_at_once": all(path in extra_now for path in command.rereads),
                "expected_state": command.state,
                "state_at_once": shown,
                "exception": command is FIRMWARE_INSTALL,
            }
        )
    return {
        "kind": "commands",
        "fleet": label,
        "commands": results,
        "wall_s": round(wall() - started, 2),
    }


_sleep = asyncio.sleep


async def _no_pause(delay: float, result: Any = None) -> Any:
    """``asyncio.sleep`` that only yields to the loop."""
    return await _sleep(0, result)


async def _command_window(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    label: str,
    command: Command | None,
    window: tuple[int, int],
) -> tuple[list[str], Counter[str], str | None]:
    """Run ``command`` (None: nothing) on a fresh account, then wait ``window``.

    Return the requests sent at once, those sent during the window, and the
    entity's state right after the command.
    """
    seconds, step = window
    async with bench(hass, fleet_for(label)) as b:
        await b.async_setup()
        b.new_requests()
        immediate: list[str] = []
        shown: str | None = None
        if command is not None:
            # A PTZ step pauses between start and stop; the loop's clock is
            # frozen with simulated time, so the pause only yields.
            with patch("asyncio.sleep", _no_pause):
                await hass.services.async_call(
                    command.domain,
                    command.service,
                    {ATTR_ENTITY_ID: command.entity_id, **command.data},
                    blocking=True,
                )
            await hass.async_block_till_done(wait_background_tasks=True)
            immediate = [r.path for r in b.new_requests()]
            state = hass.states.get(command.entity_id)
            shown = state.state if state is not None else None
        for _ in range(seconds // step):
            await advance(hass, freezer, step)
        return immediate, Counter(r.path for r in b.new_requests()), shown


# -- 4: one detail refresh, concurrent against one request at a time ----------------


async def measure_concurrency(
    hass: HomeAssistant, label: str = "50", latency: float = 0.1
) -> dict[str, Any]:
    """Wall time of one detail refresh with ``latency`` per request.

    Once with the client's own bound, once with the bound set to 1 (the
    same refresh, one request at a time). Real time: no freezer here.
    """
    async with bench(hass, fleet_for(label)) as b:
        await b.async_setup()
        runtime = b.runtime
        client = runtime.client
        detail = runtime.detail
        bound = client.max_concurrent_requests
        b.sim.faults.latency("*", latency)

        async def _timed() -> tuple[float, int, int]:
            b.new_requests()
            b.in_flight.reset()
            begin = wall()
            await detail.async_refresh()
            await hass.async_block_till_done()
            elapsed = wall() - begin
            assert detail.last_update_success
            return elapsed, len(b.new_requests()), b.in_flight.peak

        concurrent_s, requests, peak = await _timed()
        with patch.object(client, "_semaphore", asyncio.Semaphore(1)):
            sequential_s, sequential_requests, sequential_peak = await _timed()
        assert requests == sequential_requests, (requests, sequential_requests)
        return {
            "kind": "concurrency",
            "fleet": label,
            "devices": b.devices(),
            "latency_s": latency,
            "requests": requests,
            "bound": bound,
            "concurrent_s": round(concurrent_s, 3),
            "sequential_s": round(sequential_s, 3),
            "ratio": round(concurrent_s / sequential_s, 3),
            "peak_in_flight": peak,
            "sequential_peak_in_flight": sequential_peak,
            "ideal_ratio": round(math.ceil(requests / bound) / requests, 3),
        }


# -- 5: from entry setup to every entity -----------------------------------------


async def measure_setup(
    hass: HomeAssistant, label: str = "120", latency: float = 0.0
) -> dict[str, Any]:
    """Time from entry setup to all entities added, and to all of them read.

    Real time: no freezer here. With latency, every request (the token's
    too) waits that long at the simulator.
    """
    async with bench(hass, fleet_for(label)) as b:
        if latency:
            b.sim.faults.add("*", latency=latency, include_token=True)
        begin = wall()
        assert await hass.config_entries.async_setup(b.entry.entry_id)
        setup_s = wall() - begin
        entities_at_setup = b.entity_count()
        states = len(hass.states.async_entity_ids())
        await hass.async_block_till_done(wait_background_tasks=True)
        complete_s = wall() - begin
        # Hub detectors come from the first detail round: their entities are
        # added then, so "all entities added" may be the detail round's end.
        entities = b.entity_count()
        assert entities >= entities_at_setup
        added_s = setup_s if entities == entities_at_setup else complete_s
        return {
            "kind": "setup",
            "fleet": label,
            "devices": b.devices(),
            "latency_s": latency,
            "entities": entities,
            "entities_at_setup": entities_at_setup,
            "states_at_added": states,
            "entities_added_s": round(added_s, 3),
            "first_detail_done_s": round(complete_s, 3),
            "requests": b.sim.count(),
            "peak_in_flight": b.in_flight.peak,
        }

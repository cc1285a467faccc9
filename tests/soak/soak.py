"""The soak: the real integration against the simulator through a simulated day.

Time is advanced (``freezer`` + ``async_fire_time_changed``), not waited. A
seeded random mix of faults meets at least ``MIN_FAULT_SHARE`` of the
requests; devices go offline and back, one leaves the account and another
joins; tokens expire and the next one names another ``areaDomain``; user
commands arrive at random minutes. Then the faults stop and the soak checks
what a user would: everything recovers within one cadence, nothing was
lost, no reauth was started for nothing, nothing secret was written down.

Phases:

1. ``chaos``: faults, device churn, token expiries, commands.
2. ``recovery``: faults off; every entity of every online device available
   and true to the simulator within one cadence; an entry reload (fresh
   reads) shows the same states.
3. ``rate limit``: every call refused with 10029 for a window; the
   integration sends at most ``RATE_LIMIT_WINDOW_MAX_REQUESTS`` in it, then
   resumes.
4. ``quota``: every call refused with 10007 (call quota used up) for
   ``QUOTA_WINDOW``; the integration sends one device-list check an hour
   and nothing else, keeps every state, refuses commands at once with the
   translated quota error, raises the issue; when the cloud accepts calls
   again, the issue goes and everything is true to the simulator again.
5. ``reauth``: the secret really changes on the simulator; exactly one
   reauth flow starts, and completing it with the new secret restores
   everything.

``run_soak`` returns a ``SoakReport``; ``SoakReport.failures`` lists every
broken promise (empty when the soak passes).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
import json
import logging
import os
import random
import time
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ezviz_open.api import EzvizOpenClient
from custom_components.ezviz_open.const import (
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_REGION,
    DOMAIN,
    REGION_CUSTOM,
)
from custom_components.ezviz_open.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulator import Simulator

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

#: The client's request timeout during the soak (the default is 15 s of
#: real time); a timeout fault answers after twice this.
SOAK_REQUEST_TIMEOUT = 2.0
TIMEOUT_LATENCY = 2 * SOAK_REQUEST_TIMEOUT
#: While something waits (a request, a timeout, a PTZ step), simulated time
#: moves ``DRIVE_TICK`` per ``DRIVE_REAL`` seconds of real time: the event
#: loop's clock is the frozen one, so timeouts and sleeps need it to move.
DRIVE_TICK = timedelta(seconds=0.05)
DRIVE_REAL = 0.005
#: At least this share of the requests of the chaos phase meet a fault.
MIN_FAULT_SHARE = 0.10
#: During the rate-limit window the integration sends at most this many
#: requests (a refused call backs every cadence off: 5 min, then doubling).
RATE_LIMIT_WINDOW = timedelta(minutes=60)
RATE_LIMIT_WINDOW_MAX_REQUESTS = 8
#: The quota phase: 10007 for this long. A used-up quota stops every
#: request until the budget period ends, but for one check an hour, so it is
#: not among the chaos phase's random faults (one would idle the rest of it).
QUOTA_WINDOW = timedelta(hours=3)
STEP = timedelta(seconds=60)
#: The chaos ends with the cloud down this long (longer than a detail round).
OUTAGE = timedelta(minutes=61)
NEW_SECRET = "rotated-S3cret-for-the-soak"
TOKEN_PATH = "/api/lapp/token/get"
DEVICE_LIST_PATH = "/api/lapp/device/list"
ADDED_SERIAL = "C3W000010"
ADDED_CODE = "ADDMEA"
REMOVED_SERIAL = "BC1000002"

#: Fault kinds -> the rule that injects them, and its weight in the mix.
#: Rules with ``include_token`` also meet token/get.
FAULT_KINDS: dict[str, tuple[dict[str, Any], float]] = {
    "10002 token rejected": ({"code": 10002}, 1.5),
    "10029 frequency limit": ({"code": 10029}, 0.3),
    "49999 server error": ({"code": 49999, "include_token": True}, 1.0),
    "50000 server error": ({"code": 50000, "include_token": True}, 1.0),
    "HTTP 500 page": ({"http_status": 500, "include_token": True}, 0.7),
    "HTTP 502 page": ({"http_status": 502, "include_token": True}, 0.7),
    "HTTP 503 page": ({"http_status": 503, "include_token": True}, 0.6),
    "timeout": ({"latency": TIMEOUT_LATENCY, "include_token": True}, 1.0),
    "malformed body": ({"body": "malformed", "include_token": True}, 1.0),
    "truncated body": ({"body": "truncated", "include_token": True}, 1.0),
    "HTML body": ({"body": "html", "include_token": True}, 1.0),
}

#: Loggers of the simulated cloud (its access log shows what the cloud
#: received, which is not the integration writing secrets down).
_CLOUD_LOGGERS = ("aiohttp.access", "aiohttp.server", "aiohttp.web", "simulator")
#: Tracebacks of the test environment itself, not of the integration.
_ENVIRONMENT_TRACEBACKS = ("homeassistant.components.camera.img_util",)


def _coordinator_debug_traceback(record: logging.LogRecord) -> bool:
    """Whether ``record`` is the update coordinator's DEBUG "Full error:"."""
    return (
        record.levelno == logging.DEBUG
        and record.msg == "Full error:"
        and record.pathname.endswith("helpers/update_coordinator.py")
    )


def _formatted_exception(record: logging.LogRecord) -> str:
    if record.exc_info:
        return logging.Formatter().formatException(record.exc_info)
    return record.exc_text or ""


@dataclass
class SoakConfig:
    """What to run."""

    seed: int
    quick: bool = False

    @property
    def chaos(self) -> timedelta:
        """How long faults are injected."""
        return timedelta(hours=2) if self.quick else timedelta(hours=21)

    @property
    def fault_rate(self) -> float:
        """Share of requests that meet a fault during the chaos phase."""
        return 0.15

    @property
    def command_gap(self) -> tuple[int, int]:
        """Minutes between two user commands (random within)."""
        return (3, 8) if self.quick else (5, 20)


@dataclass
class CommandResult:
    """One user command and what became of it."""

    minute: int
    call: str
    outcome: str  # "reached" | "error:<translation_key>" | "vanished" | "untranslated"


@dataclass
class SoakReport:
    """What the soak measured; ``failures`` is empty when it passed."""

    seed: int
    quick: bool
    simulated: timedelta = timedelta()
    runtime: float = 0.0
    requests: int = 0
    chaos_requests: int = 0
    faulted_requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    commands: list[CommandResult] = field(default_factory=list)
    broken_at_stop: int = 0
    recoveries: dict[str, timedelta] = field(default_factory=dict)
    recovery_bounds: dict[str, timedelta] = field(default_factory=dict)
    rate_limit_requests: int = 0
    rate_limit_resumed_after: timedelta | None = None
    quota_requests: int = 0
    quota_commands_refused: int = 0
    quota_resumed_after: timedelta | None = None
    reauth_flows: int = 0
    log_records: int = 0
    secrets_checked: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The printed summary."""
        share = (
            self.faulted_requests / self.chaos_requests if self.chaos_requests else 0
        )
        outcomes = Counter(result.outcome for result in self.commands)
        lines = [
            f"soak {'--quick ' if self.quick else ''}--seed {self.seed}: "
            f"{_fmt(self.simulated)} simulated in {self.runtime:.1f} s",
            f"requests: {self.requests} in total, {self.chaos_requests} during "
            f"the faults, {self.faulted_requests} of them faulted ({share:.1%})",
            "faults by kind: "
            + ", ".join(f"{kind} {n}" for kind, n in sorted(self.faults.items())),
            "events: "
            + ", ".join(f"{kind} {n}" for kind, n in sorted(self.events.items())),
            f"commands: {len(self.commands)} sent: "
            + ", ".join(f"{kind} {n}" for kind, n in sorted(outcomes.items())),
            f"longest recovery after the faults stopped ({self.broken_at_stop} "
            "entities unavailable or wrong then): "
            + ", ".join(
                f"{name} {_fmt(value)} (bound {_fmt(self.recovery_bounds[name])})"
                for name, value in self.recoveries.items()
            ),
            f"rate-limit window of {_fmt(RATE_LIMIT_WINDOW)}: "
            f"{self.rate_limit_requests} requests sent (at most "
            f"{RATE_LIMIT_WINDOW_MAX_REQUESTS}), resumed "
            + (
                f"{_fmt(self.rate_limit_resumed_after)} after it ended"
                if self.rate_limit_resumed_after is not None
                else "never"
            ),
            f"quota window of {_fmt(QUOTA_WINDOW)}: {self.quota_requests} "
            f"requests sent, {self.quota_commands_refused} commands refused, "
            "resumed "
            + (
                f"{_fmt(self.quota_resumed_after)} after it ended"
                if self.quota_resumed_after is not None
                else "never"
            ),
            f"reauth flows: {self.reauth_flows} (in the changed-secret phase only)",
            f"secrets: {self.secrets_checked} checked against {self.log_records} "
            "log records (DEBUG), diagnostics and entity attributes",
            "result: "
            + (
                "PASS"
                if not self.failures
                else "FAIL\n  - " + "\n  - ".join(self.failures)
            ),
        ]
        return "\n".join(lines)


def _fmt(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    if seconds >= 3600:
        return f"{seconds / 3600:g} h"
    if seconds >= 60:
        return f"{seconds / 60:g} min"
    return f"{seconds} s"


class _Capture(logging.Handler):
    """Every log record, at DEBUG."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Soak:
    """One run; see the module docstring."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        sim: Simulator,
        config: SoakConfig,
    ) -> None:
        """Prepare a run against a started simulator."""
        self.hass = hass
        self.freezer = freezer
        self.sim = sim
        self.config = config
        self.rng = random.Random(config.seed)
        self.report = SoakReport(seed=config.seed, quick=config.quick)
        self.minute = 0
        self.entry: MockConfigEntry | None = None
        self.rule_kinds: dict[int, str] = {}
        self.read_paths: set[str] = set()
        self.secrets: set[str] = {sim.app_secret, NEW_SECRET}
        self.baseline_unavailable: set[str] = set()
        self.in_reauth_phase = False
        self.fired: list[str | None] = []  # per request: the fault kind, if any
        self._chaos_first = 0
        self._chaos_last = 0

    # -- plumbing ----------------------------------------------------------------

    async def step(self, delta: timedelta = STEP) -> None:
        """Advance simulated time and let everything due run."""
        self.freezer.tick(delta)
        self.minute += int(delta.total_seconds() // 60)
        async_fire_time_changed(self.hass)
        await self.settle()
        self._check_no_reauth()

    async def drive[T](self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable`` while moving the (frozen) clock along slowly."""
        task = asyncio.ensure_future(awaitable)
        loop = asyncio.get_running_loop()
        while not task.done():
            # A real pause that needs no timer (the loop's clock is frozen).
            await loop.run_in_executor(None, time.sleep, DRIVE_REAL)
            if not task.done():
                self.freezer.tick(DRIVE_TICK)
        return task.result()

    async def settle(self) -> None:
        """Let everything that is due finish."""
        await self.drive(self.hass.async_block_till_done(wait_background_tasks=True))

    def _check_no_reauth(self) -> None:
        flows = self._reauth_flows()
        if flows and not self.in_reauth_phase:
            recent = [
                (r.path.rsplit("/api/", 1)[-1], r.code, kind)
                for r, kind in zip(
                    self.sim.requests[-8:], self.fired[-8:], strict=False
                )
            ]
            self._fail(f"minute {self.minute}: a reauth flow started; last: {recent}")
            for flow in flows:
                self.hass.config_entries.flow.async_abort(flow["flow_id"])

    def _reauth_flows(self) -> list[dict[str, Any]]:
        return [
            flow
            for flow in self.hass.config_entries.flow.async_progress_by_handler(DOMAIN)
            if flow["context"].get("source") == SOURCE_REAUTH
        ]

    def _fail(self, message: str) -> None:
        if message not in self.report.failures:
            self.report.failures.append(message)

    def _instrument_faults(self) -> None:
        """Record, per request, the kind of fault that met it."""
        faults = self.sim.faults
        original = faults.decide

        def decide(path: str) -> Any:
            before = {rule.id: rule.fired for rule in faults.rules}
            decision = original(path)
            after = {rule.id: rule.fired for rule in faults.rules}
            # A rule whose ``times`` ran out is gone: it fired too.
            fired = [
                self.rule_kinds.get(rule_id, "other")
                for rule_id, count in before.items()
                if after.get(rule_id, count + 1) > count
            ]
            if decision.rule is not None:
                self.fired.append(self.rule_kinds.get(decision.rule.id, "other"))
            else:
                self.fired.append(fired[0] if fired else None)
            return decision

        faults.decide = decide  # type: ignore[method-assign]

    # -- the run -------------------------------------------------------------------

    async def run(self) -> SoakReport:
        """Run every phase; return the report."""
        started = os.times().elapsed
        capture = _Capture()
        root = logging.getLogger()
        previous_level = root.level
        root.addHandler(capture)
        root.setLevel(logging.DEBUG)
        logging.getLogger("custom_components.ezviz_open").setLevel(logging.DEBUG)
        try:
            with patch(
                "custom_components.ezviz_open.runtime.EzvizOpenClient",
                _soak_client,
            ):
                self._instrument_faults()
                await self._setup()
                await self._chaos()
                await self._recovery()
                await self._rate_limit_window()
                await self._quota_window()
                await self._reauth()
                await self._final_checks(capture.records)
        finally:
            root.removeHandler(capture)
            root.setLevel(previous_level)
        self.report.requests = len(self.sim.requests)
        self.report.simulated = timedelta(minutes=self.minute)
        self.report.runtime = os.times().elapsed - started
        return self.report

    async def _setup(self) -> None:
        self.entry = MockConfigEntry(
            domain=DOMAIN,
            title="EZVIZ Open Platform",
            unique_id=self.sim.app_key,
            data={
                CONF_APP_KEY: self.sim.app_key,
                CONF_APP_SECRET: self.sim.app_secret,
                CONF_REGION: REGION_CUSTOM,
                "url": self.sim.base_url,
            },
        )
        self.entry.add_to_hass(self.hass)
        assert await self.drive(
            self.hass.config_entries.async_setup(self.entry.entry_id)
        )
        await self.settle()
        self.read_paths = {request.path for request in self.sim.requests}
        self.read_paths |= {
            TOKEN_PATH,
            "/api/lapp/device/capacity",
            "/api/lapp/device/version/info",
            "/api/lapp/device/upgrade/status",
        }
        self.baseline_unavailable = {
            state.entity_id
            for state in self.hass.states.async_all()
            if state.state == STATE_UNAVAILABLE
        }
        for device in [
            *self.sim.state.devices.values(),
            *self.sim.state.unowned.values(),
        ]:
            self.secrets.add(device.validate_code)

    # -- 1. chaos --------------------------------------------------------------

    def _add_fault_rules(self) -> None:
        total = sum(weight for _, weight in FAULT_KINDS.values())
        # Rules are tried in order and the first that fires answers: each
        # probability is scaled so that the overall share is about the rate.
        remaining = 1.0
        for kind, (rule, weight) in FAULT_KINDS.items():
            share = self.config.fault_rate * weight / total
            probability = min(1.0, share / remaining)
            remaining = max(1e-6, remaining - share)
            added = self.sim.faults.add(probability=probability, **rule)
            self.rule_kinds[added.id] = kind

    async def _chaos(self) -> None:
        self.sim.faults.seed(self.config.seed)
        self._add_fault_rules()
        self._chaos_first = len(self.sim.requests)
        minutes = int(self.config.chaos.total_seconds() // 60)
        schedule = self._schedule(minutes)
        offline: dict[str, int] = {}  # serial -> minute it comes back
        next_command = self.rng.randint(*self.config.command_gap)
        for minute in range(1, minutes + 1):
            for event in schedule.get(minute, []):
                self._event(event, offline, minutes)
            for serial, back in list(offline.items()):
                if minute >= back:
                    if serial in self.sim.state.devices:
                        self.sim.set_online(serial, True)
                    del offline[serial]
                    self.report.events["device back online"] += 1
            await self.step()
            if minute >= next_command:
                await self._command()
                next_command = minute + self.rng.randint(*self.config.command_gap)
        # The cloud down for longer than a detail round: the faults stop
        # with every cadence failed at least once.
        self.sim.faults.clear()
        outage = self.sim.faults.add(http_status=503, include_token=True)
        self.rule_kinds[outage.id] = "HTTP 503 page"
        for _ in range(int(OUTAGE.total_seconds() // 60)):
            await self.step()
        self.report.events[f"outage of {_fmt(OUTAGE)}"] += 1
        self._chaos_last = len(self.sim.requests)
        problems = self._problems()
        self.report.broken_at_stop = len(problems["account"]) + len(problems["detail"])
        for serial in offline:
            if serial in self.sim.state.devices:
                self.sim.set_online(serial, True)
                self.report.events["device back online"] += 1
        self.sim.faults.clear()
        chaos = self.fired[-(self._chaos_last - self._chaos_first) :]
        self.report.chaos_requests = len(chaos)
        kinds = [kind for kind in chaos if kind is not None]
        self.report.faulted_requests = len(kinds)
        self.report.faults.update(kinds)
        if self.report.chaos_requests and (
            self.report.faulted_requests / self.report.chaos_requests < MIN_FAULT_SHARE
        ):
            self._fail(
                f"only {self.report.faulted_requests} of "
                f"{self.report.chaos_requests} requests met a fault"
            )

    def _schedule(self, minutes: int) -> dict[int, list[str]]:
        """Pick the minutes of the non-request faults."""
        events: dict[int, list[str]] = {}

        def at(minute: int, event: str) -> None:
            events.setdefault(minute, []).append(event)

        expiries = max(2, minutes // 180)
        for _ in range(expiries):
            at(self.rng.randint(5, minutes - 10), "expire tokens")
        at(self.rng.randint(minutes // 3, 2 * minutes // 3), "new area")
        for _ in range(max(3, minutes // 120)):
            at(self.rng.randint(2, minutes - 20), "device offline")
        removal = self.rng.randint(10, minutes // 2)
        at(removal, "remove device")
        at(self.rng.randint(removal + 5, minutes - 15), "add device")
        return events

    def _event(self, event: str, offline: dict[str, int], minutes: int) -> None:
        state = self.sim.state
        if event == "expire tokens":
            self.sim.expire_tokens()
        elif event == "new area":
            area = "us" if self.sim.area != "us" else "eu"
            self.sim.set_area(area)
            self.sim.expire_tokens()
        elif event == "device offline":
            candidates = sorted(
                serial
                for serial, device in state.devices.items()
                if device.online and serial not in offline
            )
            if not candidates:
                return
            serial = self.rng.choice(candidates)
            self.sim.set_online(serial, False)
            offline[serial] = min(self.minute + self.rng.randint(3, 90), minutes)
        elif event == "remove device":
            device = state.devices.pop(REMOVED_SERIAL)
            state.unowned[REMOVED_SERIAL] = device
        elif event == "add device":
            device = state.unowned.pop(ADDED_SERIAL)
            state.devices[ADDED_SERIAL] = device
        self.report.events[event] += 1

    # -- commands ----------------------------------------------------------------

    def _available(self, domain: str) -> list[str]:
        return sorted(
            state.entity_id
            for state in self.hass.states.async_all(domain)
            if state.state != STATE_UNAVAILABLE
            and (entity := er.async_get(self.hass).async_get(state.entity_id))
            is not None
            and entity.platform == DOMAIN
        )

    def _pick_command(self) -> tuple[str, str, dict[str, Any]] | None:
        kind = self.rng.choice(
            ["button", "alarm", "switch", "select", "motion", "ptz", "preset", "ring"]
        )
        if kind == "button":
            entities = self._available("button")
            if entities:
                return ("button", "press", {"entity_id": self.rng.choice(entities)})
        elif kind == "alarm":
            entities = self._available("alarm_control_panel")
            if entities:
                entity_id = self.rng.choice(entities)
                service = self.rng.choice(
                    ["alarm_disarm", "alarm_arm_away"]
                    + (["alarm_arm_home"] if "alarm_hub" in entity_id else [])
                )
                return ("alarm_control_panel", service, {"entity_id": entity_id})
        elif kind == "switch":
            entities = [
                e for e in self._available("switch") if "video_encryption" not in e
            ]
            if entities:
                return (
                    "switch",
                    self.rng.choice(["turn_on", "turn_off"]),
                    {"entity_id": self.rng.choice(entities)},
                )
        elif kind == "select":
            entities = self._available("select")
            if entities:
                entity_id = self.rng.choice(entities)
                options = self.hass.states.get(entity_id).attributes["options"]
                return (
                    "select",
                    "select_option",
                    {"entity_id": entity_id, "option": self.rng.choice(options)},
                )
        elif kind == "motion":
            entities = [
                e
                for e in self._available("camera")
                if e in ("camera.living_room", "camera.driveway", "camera.front_door")
            ]
            if entities:
                return (
                    "camera",
                    self.rng.choice(
                        ["enable_motion_detection", "disable_motion_detection"]
                    ),
                    {"entity_id": self.rng.choice(entities)},
                )
        elif kind == "ptz":
            return (
                DOMAIN,
                "ptz",
                {
                    "entity_id": "camera.living_room",
                    "direction": self.rng.choice(["up", "down", "left", "right"]),
                    "duration": 0.1,
                },
            )
        elif kind == "preset":
            return (
                DOMAIN,
                "preset_goto",
                {"entity_id": "camera.living_room", "index": self.rng.choice([1, 2])},
            )
        elif kind == "ring":
            return (
                DOMAIN,
                "set_defence_schedule",
                {
                    "entity_id": self.rng.choice(
                        ["camera.living_room", "camera.driveway"]
                    ),
                    "enabled": self.rng.choice([True, False]),
                },
            )
        return None

    async def _command(self) -> None:
        picked = self._pick_command()
        if picked is None:
            return
        domain, service, data = picked
        if (state := self.hass.states.get(data["entity_id"])) is None or (
            state.state == STATE_UNAVAILABLE
        ):
            return  # Home Assistant itself skips unavailable entities
        call = f"{domain}.{service} {data['entity_id']}" + "".join(
            f" {key}={value}" for key, value in data.items() if key != "entity_id"
        )
        first = len(self.sim.requests)
        try:
            await self.drive(
                self.hass.services.async_call(domain, service, data, blocking=True)
            )
        except HomeAssistantError as err:
            outcome = (
                f"error:{err.translation_key}"
                if err.translation_key and err.translation_domain
                else "untranslated"
            )
            if outcome == "untranslated":
                self._fail(f"minute {self.minute}: {call} raised untranslated {err!r}")
        else:
            reached = any(
                request.path not in self.read_paths
                and request.fault is None
                and request.code == 200
                for request in self.sim.requests[first:]
            )
            outcome = "reached" if reached else "vanished"
            if not reached:
                self._fail(
                    f"minute {self.minute}: {call} returned but nothing reached "
                    f"the simulator ({[r.path for r in self.sim.requests[first:]]})"
                )
        await self.settle()
        self.report.commands.append(CommandResult(self.minute, call, outcome))

    # -- 2. recovery -------------------------------------------------------------

    def _entities_by_device(self) -> dict[str, list[str]]:
        """Entity ids of this integration by identifier of their device.

        The account's own device (its request count, which every request
        changes) is left out.
        """
        devices = dr.async_get(self.hass)
        result: dict[str, list[str]] = {}
        for entity in er.async_entries_for_config_entry(
            er.async_get(self.hass), self.entry.entry_id
        ):
            if entity.disabled_by is not None or entity.device_id is None:
                continue
            device = devices.async_get(entity.device_id)
            if device is None:
                continue
            for domain, identifier in device.identifiers:
                if domain == DOMAIN and identifier != self.entry.entry_id:
                    result.setdefault(identifier, []).append(entity.entity_id)
        return result

    def _online(self, identifier: str) -> bool:
        serial, _, channel = identifier.partition("_")
        device = self.sim.state.devices.get(serial)
        if device is None or not device.online:
            return False
        if channel.startswith("detector_"):
            # A hub's detector: present while it is on the hub's list.
            detector = channel.removeprefix("detector_")
            return any(d.serial == detector for d in device.detectors)
        if channel:
            chan = device.channel(int(channel))
            return chan is not None and chan.online
        return True

    def _problems(self) -> dict[str, list[str]]:
        """What is not yet recovered: by account-level and detail-level entities."""
        account: list[str] = []
        detail: list[str] = []
        for identifier, entity_ids in self._entities_by_device().items():
            serial = identifier.partition("_")[0]
            online = self._online(identifier)
            for entity_id in entity_ids:
                state = self.hass.states.get(entity_id)
                if state is None:
                    account.append(f"{entity_id} missing")
                    continue
                expected = self._truth(entity_id, serial)
                if entity_id.endswith("_connectivity"):
                    expected = "on" if online else "off"
                if not online:
                    if expected is not None and state.state != expected:
                        account.append(
                            f"{entity_id}={state.state} (expected {expected})"
                        )
                    continue
                is_account = entity_id.split(".")[0] in (
                    "alarm_control_panel",
                    "binary_sensor",
                    "camera",
                    "button",
                )
                bucket = account if is_account else detail
                if state.state == STATE_UNAVAILABLE:
                    if entity_id not in self.baseline_unavailable:
                        bucket.append(f"{entity_id} unavailable")
                elif expected is not None and state.state != expected:
                    bucket.append(f"{entity_id}={state.state} (expected {expected})")
        return {"account": account, "detail": detail}

    def _truth(self, entity_id: str, serial: str) -> str | None:
        """The simulator's state for the entities that faults most affect."""
        device = self.sim.state.devices.get(serial)
        if device is None:
            return None
        if entity_id.startswith("alarm_control_panel."):
            if not device.online:
                return STATE_UNAVAILABLE
            if device.is_hub:
                return {0: "disarmed", 8: "armed_home", 16: "armed_away"}.get(
                    device.defence
                )
            return "armed_away" if device.defence else "disarmed"
        if entity_id.startswith("binary_sensor.") and entity_id.endswith(
            "_connectivity"
        ):
            return None  # computed from the channel by the caller
        if not device.online:
            return None
        suffixes = {
            "_privacy_mode": device.privacy,
            "_microphone": device.microphone,
            "_infrared_light": device.infrared,
        }
        for suffix, value in suffixes.items():
            if entity_id.startswith("switch.") and entity_id.endswith(suffix):
                return "on" if value else "off"
        return None

    async def _recovery(self) -> None:
        account = self.entry.runtime_data.account
        detail = self.entry.runtime_data.detail
        bounds = {
            "account entities": max(account.update_interval, STEP) + STEP,
            "detail entities": max(detail.update_interval, STEP) + STEP,
        }
        self.report.recovery_bounds.update(bounds)
        limit = max(bounds.values()) + timedelta(minutes=10)
        recovered: dict[str, timedelta] = {}
        elapsed = timedelta()
        last: dict[str, list[str]] = {}
        while elapsed <= limit:
            last = self._problems()
            for name, key in (
                ("account entities", "account"),
                ("detail entities", "detail"),
            ):
                if name not in recovered and not last[key]:
                    recovered[name] = elapsed
            if len(recovered) == 2:
                break
            await self.step()
            elapsed += STEP
        for name, bound in bounds.items():
            if name not in recovered:
                key = name.split()[0]
                self._fail(f"{name} not recovered after {_fmt(limit)}: {last[key][:8]}")
                continue
            self.report.recoveries[name] = recovered[name]
            if recovered[name] > bound:
                self._fail(
                    f"{name} recovered after {_fmt(recovered[name])}, "
                    f"more than one cadence ({_fmt(bound)})"
                )
        if ADDED_SERIAL not in self._entities_by_device():
            self._fail(f"{ADDED_SERIAL}, added to the account, has no entities")
        if REMOVED_SERIAL in self._entities_by_device():
            self._fail(f"{REMOVED_SERIAL}, removed from the account, is still there")
        await self._compare_with_fresh_reads()

    async def _compare_with_fresh_reads(self) -> None:
        """A reload reads everything afresh: the states must not change."""
        before = self._states()
        await self.drive(self.hass.config_entries.async_reload(self.entry.entry_id))
        await self.settle()
        after = self._states()
        changed = sorted(
            f"{entity_id}: {before.get(entity_id)} -> {after.get(entity_id)}"
            for entity_id in before.keys() | after.keys()
            if before.get(entity_id) != after.get(entity_id)
            and not entity_id.startswith("button.")
        )
        if changed:
            self._fail(f"states differ from fresh reads: {changed[:10]}")

    def _states(self) -> dict[str, str]:
        return {
            entity_id: state.state
            for entity_ids in self._entities_by_device().values()
            for entity_id in entity_ids
            if (state := self.hass.states.get(entity_id)) is not None
        }

    # -- 3. rate limit -----------------------------------------------------------

    async def _rate_limit_window(self) -> None:
        first = len(self.sim.requests)
        rule = self.sim.faults.add(code=10029)
        self.rule_kinds[rule.id] = "10029 window"
        elapsed = timedelta()
        issue_seen = False
        while elapsed < RATE_LIMIT_WINDOW:
            await self.step()
            elapsed += STEP
            issue_seen |= any(
                issue.domain == DOMAIN and issue.issue_id.startswith("rate_limited")
                for issue in ir.async_get(self.hass).issues.values()
            )
        self.sim.faults.remove(rule)
        sent = len(self.sim.requests) - first
        self.report.rate_limit_requests = sent
        if sent > RATE_LIMIT_WINDOW_MAX_REQUESTS:
            paths = Counter(r.path for r in self.sim.requests[first:])
            self._fail(f"{sent} requests in the rate-limit window: {dict(paths)}")
        if not issue_seen:
            self._fail("no repair issue while the cloud refused calls")
        end = len(self.sim.requests)
        elapsed = timedelta()
        while elapsed <= timedelta(hours=1) + STEP:
            if any(
                r.path == DEVICE_LIST_PATH and r.code == 200
                for r in self.sim.requests[end:]
            ):
                self.report.rate_limit_resumed_after = elapsed
                break
            await self.step()
            elapsed += STEP
        else:
            self._fail("the integration did not resume after the rate-limit window")
        # Let the slowed cadences come back and everything show again.
        account = self.entry.runtime_data.account
        for _ in range(60):
            if not self._problems()["account"] and account.update_interval <= STEP:
                break
            await self.step()
        if any(
            issue.domain == DOMAIN and issue.issue_id.startswith("rate_limited")
            for issue in ir.async_get(self.hass).issues.values()
        ):
            self._fail("the rate-limit repair issue stayed after calls resumed")

    # -- 4. quota ----------------------------------------------------------------

    async def _quota_window(self) -> None:
        first = len(self.sim.requests)
        states = self._states()
        rule = self.sim.faults.add(code=10007)
        self.rule_kinds[rule.id] = "10007 window"
        elapsed = timedelta()
        issue_seen = False
        while elapsed < QUOTA_WINDOW:
            await self.step()
            elapsed += STEP
            issue_seen |= any(
                issue.domain == DOMAIN
                and issue.issue_id.startswith("rate_limited")
                and issue.translation_key == "quota_exhausted"
                for issue in ir.async_get(self.hass).issues.values()
            )
            if self.minute % 20 == 0:
                await self._refused_command()
        self.sim.faults.remove(rule)
        sent = self.sim.requests[first:]
        self.report.quota_requests = len(sent)
        # The first refusal, then one check an hour (a new budget period
        # within the window resumes polling once more).
        hours = int(QUOTA_WINDOW.total_seconds() // 3600)
        allowed = hours + 3
        paths = Counter(r.path for r in sent)
        if len(sent) > allowed or set(paths) - {DEVICE_LIST_PATH, TOKEN_PATH}:
            self._fail(f"{len(sent)} requests while the quota was used up: {paths}")
        if not issue_seen:
            self._fail("no quota repair issue while the quota was used up")
        changed = sorted(
            f"{entity_id}: {state} -> {self._states().get(entity_id)}"
            for entity_id, state in states.items()
            if self._states().get(entity_id) != state
            and not entity_id.startswith("button.")
        )
        if changed:
            self._fail(f"states lost while the quota was used up: {changed[:10]}")
        end = len(self.sim.requests)
        elapsed = timedelta()
        while elapsed <= timedelta(hours=1) + STEP:
            if any(
                r.path == DEVICE_LIST_PATH and r.code == 200
                for r in self.sim.requests[end:]
            ):
                self.report.quota_resumed_after = elapsed
                break
            await self.step()
            elapsed += STEP
        else:
            self._fail("the integration did not resume after the quota window")
        detail = self.entry.runtime_data.detail
        for _ in range(int(detail.update_interval.total_seconds() // 60) + 2):
            if not any(self._problems().values()):
                break
            await self.step()
        if problems := {k: v for k, v in self._problems().items() if v}:
            self._fail(f"not restored after the quota window: {problems}")
        if any(
            issue.domain == DOMAIN and issue.issue_id.startswith("rate_limited")
            for issue in ir.async_get(self.hass).issues.values()
        ):
            self._fail("the quota repair issue stayed after calls resumed")

    async def _refused_command(self) -> None:
        """A command while the quota is used up: refused at once, nothing sent."""
        picked = self._pick_command()
        if picked is None:
            return
        domain, service, data = picked
        if (state := self.hass.states.get(data["entity_id"])) is None or (
            state.state == STATE_UNAVAILABLE
        ):
            return
        first = len(self.sim.requests)
        try:
            await self.drive(
                self.hass.services.async_call(domain, service, data, blocking=True)
            )
        except HomeAssistantError as err:
            if err.translation_key != "quota_exhausted":
                self._fail(
                    f"minute {self.minute}: {domain}.{service} while the quota was "
                    f"used up raised {err.translation_key or repr(err)}"
                )
        else:
            self._fail(
                f"minute {self.minute}: {domain}.{service} went through while "
                "the quota was used up"
            )
        if len(self.sim.requests) > first:
            self._fail(
                f"minute {self.minute}: {domain}.{service} sent a request while "
                "the quota was used up"
            )
        self.report.quota_commands_refused += 1
        await self.settle()

    # -- 5. reauth ---------------------------------------------------------------

    async def _reauth(self) -> None:
        self.in_reauth_phase = True
        self.sim.set_app_secret(NEW_SECRET)
        self.sim.expire_tokens()
        flow_ids: set[str] = set()
        for _ in range(15):
            await self.step()
            flows = self._reauth_flows()
            flow_ids |= {flow["flow_id"] for flow in flows}
            if len(flows) > 1:
                self._fail(f"{len(flows)} reauth flows at once")
        self.report.reauth_flows = len(flow_ids)
        if len(flow_ids) != 1:
            self._fail(f"{len(flow_ids)} reauth flows started (expected exactly 1)")
        if not flow_ids:
            self.in_reauth_phase = False
            return
        flow_id = next(iter(flow_ids))
        result = await self.drive(
            self.hass.config_entries.flow.async_configure(
                flow_id, {CONF_APP_SECRET: NEW_SECRET}
            )
        )
        await self.settle()
        self.in_reauth_phase = False
        if result["type"] is not FlowResultType.ABORT or result["reason"] != (
            "reauth_successful"
        ):
            self._fail(f"reauth did not complete: {result}")
        if self.entry.state is not ConfigEntryState.LOADED:
            self._fail(f"entry {self.entry.state} after reauth")
        for _ in range(3):
            await self.step()
        problems = self._problems()
        if problems["account"] or problems["detail"]:
            self._fail(f"not restored after reauth: {problems}")

    # -- checks ------------------------------------------------------------------

    async def _final_checks(self, records: list[logging.LogRecord]) -> None:
        self.secrets |= set(self.sim.tokens)
        self.secrets |= {
            address.url
            for address in self.sim.state.live_addresses.values()
            if getattr(address, "url", None)
        }
        self.secrets |= {"/_sim/pic/", "/_sim/live/"}
        self.report.secrets_checked = len(self.secrets)
        self.report.log_records = len(records)
        for record in records:
            if record.name.startswith(_CLOUD_LOGGERS):
                continue
            try:
                text = record.getMessage()
            except Exception as err:
                self._fail(f"log record of {record.name} cannot be formatted: {err!r}")
                continue
            if _coordinator_debug_traceback(record):
                # Home Assistant 2026.10's update coordinator logs the failure
                # it already reported as an error once more, at DEBUG, with
                # its traceback, through the integration's logger: expected,
                # but the traceback is read for secrets like the message.
                text = f"{text}\n{_formatted_exception(record)}"
            elif (
                record.exc_info or record.exc_text or "Traceback" in text
            ) and not record.name.startswith(_ENVIRONMENT_TRACEBACKS):
                self._fail(f"traceback logged by {record.name}: {text[:200]}")
            for secret in self.secrets:
                if secret and secret in text:
                    self._fail(
                        f"a secret ({secret[:4]}…) in a log line of {record.name}: "
                        f"{text[:120].replace(secret, '<secret>')}"
                    )
        diagnostics = json.dumps(
            await async_get_config_entry_diagnostics(self.hass, self.entry),
            default=str,
        )
        attributes = repr([state.attributes for state in self.hass.states.async_all()])
        for where, text in (("diagnostics", diagnostics), ("attributes", attributes)):
            for secret in self.secrets:
                if secret and secret in text:
                    self._fail(f"a secret ({secret[:4]}…) in {where}")


def _soak_client(*args: Any, **kwargs: Any) -> EzvizOpenClient:
    """The integration's client, with a short timeout so timeouts cost little."""
    kwargs.setdefault("request_timeout", SOAK_REQUEST_TIMEOUT)
    return EzvizOpenClient(*args, **kwargs)


async def run_soak(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, config: SoakConfig
) -> SoakReport:
    """Run the soak against a fresh demo simulator."""
    async with Simulator(fleet="demo", seed=config.seed) as sim:
        soak = Soak(hass, freezer, sim, config)
        report = await soak.run()
        for entry in hass.config_entries.async_entries(DOMAIN):
            await soak.drive(hass.config_entries.async_unload(entry.entry_id))
        await soak.settle()
    return report

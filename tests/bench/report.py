"""The benchmark's report: targets, verdicts and tables from the measurements.

No Home Assistant API: ``scripts/bench_run.py`` and the quick test both build
the report from the measurements of ``tests.bench.harness``. The cadence
table comes from ``metering/planner.py``'s ``CADENCES``, the one place cadences are declared.
"""

from __future__ import annotations

from dataclasses import dataclass
import importlib.util
from itertools import pairwise
import math
from pathlib import Path
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from types import ModuleType

    from custom_components.ezviz_open.metering.planner import CadenceKey


def _budget_module() -> ModuleType:
    """Load ``metering/planner.py`` by its path: it imports nothing of Home Assistant,
    the integration's package does (the report would load all of it)."""
    name = "ezviz_open_budget_table"
    if name in sys.modules:
        return sys.modules[name]
    path = (
        Path(__file__).resolve().parents[2]
        / "custom_components/ezviz_open/metering/planner.py"
    )
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_budget = _budget_module()
CADENCES = _budget.CADENCES
STRETCH_ORDER: tuple[CadenceKey, ...] = _budget.STRETCH_ORDER
_KEY = _budget.CadenceKey

TOKEN_PATH = "/api/lapp/token/get"
DEVICE_LIST_PATH = "/api/lapp/device/list"
CAMERA_LIST_PATH = "/api/lapp/camera/list"
CAPACITY_PATH = "/api/lapp/device/capacity"
VERSION_PATH = "/api/lapp/device/version/info"
UPGRADE_STATUS_PATH = "/api/lapp/device/upgrade/status"
ALARM_LIST_PATH = "/api/lapp/alarm/list"

CADENCE_ACCOUNT = "account"
CADENCE_CAMERAS = "account: camera list"
CADENCE_CAPABILITIES = "capabilities"
CADENCE_DETAIL = "detail"
CADENCE_VERSIONS = "detail: firmware versions (daily)"
CADENCE_UPGRADE = "upgrade progress"
CADENCE_TOKEN = "token"
CADENCE_ALARMS = "alarms"

_CADENCES: dict[str, str] = {
    DEVICE_LIST_PATH: CADENCE_ACCOUNT,
    CAMERA_LIST_PATH: CADENCE_CAMERAS,
    CAPACITY_PATH: CADENCE_CAPABILITIES,
    VERSION_PATH: CADENCE_VERSIONS,
    UPGRADE_STATUS_PATH: CADENCE_UPGRADE,
    TOKEN_PATH: CADENCE_TOKEN,
    ALARM_LIST_PATH: CADENCE_ALARMS,
}


def cadence_of(path: str) -> str:
    """Return the cadence a request belongs to, from its endpoint.

    Everything that is not a list, a capability set, a firmware version or
    the token is a per-device read of the detail cadence (no command runs
    while a day is simulated).
    """
    return _CADENCES.get(path, CADENCE_DETAIL)


# -- targets -------------------------------------------------------------------

TEN_DEVICES_PER_DAY = 3000
#: Ten devices at default options while push is healthy.
TEN_DEVICES_PUSH_PER_DAY = 1000
PER_DEVICE_PER_DAY = 250
DEVICES_PER_ACCOUNT_REQUEST = 50
COMMAND_EXTRA = 2
CONCURRENCY_RATIO = 0.25
FRESH_ACCOUNT_S = 60
FRESH_DETAIL_S = 3600
#: Live video: the first segment within this many segment durations (+ 1 s),
#: no wait for new media longer than ``STREAM_GAP_SEGMENTS`` of them.
STREAM_FIRST_SEGMENTS = 2
STREAM_GAP_SEGMENTS = 2
#: Slack on the freshness gaps: the harness fires timers up to 0.5 s late.
_SLACK_S = 1.0


@dataclass(frozen=True)
class Verdict:
    """One target: what was asked, what was measured, and whether it holds."""

    target: str
    measured: str
    ok: bool
    #: A known exception, reported with its figures (not a failure).
    exception: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "target": self.target,
            "measured": self.measured,
            "ok": self.ok,
            "exception": self.exception,
        }


def _planned(r: Mapping[str, Any], key: CadenceKey, asked: float) -> float:
    """The interval the governor planned for a day's cadence (older reports: asked)."""
    plan = r.get("plan") or {}
    return float(plan.get("intervals_s", {}).get(key.value, asked))


def _slack(r: Mapping[str, Any], interval: float) -> float:
    """How late a refresh may come: a step when the interval is not a multiple of it."""
    step = float(r.get("step_s") or 0)
    return step if step and interval % step else _SLACK_S


def duration(seconds: float) -> str:
    """Seconds as docs/request-budget.md writes them: 60 s, 127 s, 15 min, 2 h 4 min 17 s."""
    seconds = round(seconds)
    if seconds < 180:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "min"), (secs, "s")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n)


def _push_days(results: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [r for r in results if r["kind"] == "day" and r.get("variant") == "push"]


def _default_days(results: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [
        r
        for r in results
        if r["kind"] == "day" and r.get("variant", "default") == "default"
    ]


def _generated(days: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(
        (r for r in days if r["fleet"] != "demo"), key=lambda r: int(r["devices"])
    )


def evaluate(results: Sequence[Mapping[str, Any]]) -> list[Verdict]:
    """Judge every target the measurements allow judging."""
    verdicts: list[Verdict] = []
    days = _default_days(results)
    generated = _generated(days)

    for r in generated:
        if r["devices"] == 10:
            total = r["per_day"]["total"]
            verdicts.append(
                Verdict(
                    f"10 devices: at most {TEN_DEVICES_PER_DAY:,} requests per day",
                    f"{total:,}",
                    total <= TEN_DEVICES_PER_DAY,
                )
            )
    for a, b in pairwise(generated):
        slope = (b["per_day"]["total"] - a["per_day"]["total"]) / (
            b["devices"] - a["devices"]
        )
        verdicts.append(
            Verdict(
                f"each further device at most {PER_DEVICE_PER_DAY} per day "
                f"({a['devices']} -> {b['devices']} devices)",
                f"{slope:.1f}",
                slope <= PER_DEVICE_PER_DAY,
            )
        )
    for r in days:
        plan = r.get("plan")
        if plan:
            total = r["per_day"]["total"]
            verdicts.append(
                Verdict(
                    f"{r['fleet']}: requests within the budget less its reserve "
                    f"({plan['allowance']:,} of {plan['budget']:,} a {plan['period']})",
                    f"{total:,} (planned {plan['projected']:,})",
                    total <= plan["allowance"],
                )
            )
    for r in _push_days(results):
        total = r["per_day"]["total"]
        if r["devices"] == 10:
            verdicts.append(
                Verdict(
                    f"10 devices with healthy push: at most "
                    f"{TEN_DEVICES_PUSH_PER_DAY:,} requests per day",
                    f"{total:,}",
                    total <= TEN_DEVICES_PUSH_PER_DAY,
                )
            )
        push = r["push"]
        verdicts.append(
            Verdict(
                f"{r['fleet']} with push: online state as fresh as the push "
                "(each on/offline change shown at once)",
                f"{push['presence_at_once']} of {push['presence_changes']} at once",
                push["presence_changes"] > 0
                and push["presence_at_once"] == push["presence_changes"],
            )
        )
        planned = _planned(r, _KEY.DEVICE_LIST, 60)
        gap = r["freshness_s"]["account_max_gap"]
        verdicts.append(
            Verdict(
                f"{r['fleet']} with push: the device list still polled every "
                f"{duration(planned)} (the push interval)",
                f"largest gap {gap:.0f} s",
                gap <= planned + _slack(r, planned),
            )
        )
    for r in days:
        pages = math.ceil(r["devices"] / DEVICES_PER_ACCOUNT_REQUEST)
        account = r["per_refresh"].get(CADENCE_ACCOUNT, {})
        worst = account.get("max", 0)
        verdicts.append(
            Verdict(
                f"account cadence: one request per {DEVICES_PER_ACCOUNT_REQUEST} "
                f"devices ({r['fleet']}: {r['devices']} devices -> {pages})",
                f"{account.get('mean', 0):g} per refresh (max {worst})",
                worst <= pages,
            )
        )
        fresh = r["freshness_s"]
        account = _planned(r, _KEY.DEVICE_LIST, FRESH_ACCOUNT_S)
        verdicts.append(
            Verdict(
                f"{r['fleet']}: online state and arming fresh within "
                + (
                    f"{FRESH_ACCOUNT_S} s"
                    if account == FRESH_ACCOUNT_S
                    else f"the planned {duration(account)} ({FRESH_ACCOUNT_S} s asked)"
                ),
                f"largest gap {fresh['account_max_gap']:.0f} s",
                fresh["account_max_gap"] <= account + _slack(r, account),
            )
        )
        detail = _planned(r, _KEY.DETAIL, FRESH_DETAIL_S)
        verdicts.append(
            Verdict(
                f"{r['fleet']}: settings fresh within "
                + (
                    "an hour"
                    if detail == FRESH_DETAIL_S
                    else f"the planned {duration(detail)} (an hour asked)"
                ),
                f"largest gap {fresh['detail_max_gap']:.0f} s "
                f"over {fresh['detail_keys']} device endpoints",
                fresh["detail_max_gap"] <= detail + _slack(r, detail),
            )
        )

    for r in results:
        if r["kind"] != "commands":
            continue
        for c in r["commands"]:
            if c["exception"]:
                verdicts.append(
                    Verdict(
                        f"{c['name']}: at most {COMMAND_EXTRA} requests beyond itself",
                        f"{c['extra']} over {c['window_s']} s "
                        f"({_describe_extra(c)}); exception: progress is polled "
                        "every 30 s while the upgrade runs",
                        c["extra"] <= COMMAND_EXTRA,
                        exception=True,
                    )
                )
                continue
            verdicts.append(
                Verdict(
                    f"{c['name']}: at most {COMMAND_EXTRA} requests beyond itself",
                    f"{c['extra']} ({_describe_extra(c)})",
                    c["extra"] <= COMMAND_EXTRA,
                )
            )
            if c["expected_state"] is not None:
                verdicts.append(
                    Verdict(
                        f"{c['name']}: the new state shows at once",
                        f"{c['state_at_once']} (expected {c['expected_state']})",
                        c["state_at_once"] == c["expected_state"],
                    )
                )
            if c["rereads"]:
                verdicts.append(
                    Verdict(
                        f"{c['name']}: the setting is read again at once",
                        ", ".join(_short(p) for p in c["rereads"])
                        + (" read" if c["rereads_at_once"] else " NOT read"),
                        bool(c["rereads_at_once"]),
                    )
                )

    for r in results:
        if r["kind"] != "concurrency":
            continue
        verdicts.append(
            Verdict(
                f"{r['devices']}-device detail refresh at most "
                f"{CONCURRENCY_RATIO:g} of the sequential time",
                f"{r['concurrent_s']:.2f} s / {r['sequential_s']:.2f} s = "
                f"{r['ratio']:.3f}",
                r["ratio"] <= CONCURRENCY_RATIO,
            )
        )
        verdicts.append(
            Verdict(
                "requests in flight never above the configured concurrency",
                f"peak {r['peak_in_flight']} (bound {r['bound']})",
                r["peak_in_flight"] <= r["bound"],
            )
        )
    for r in results:
        if r["kind"] != "stream":
            continue
        name, segment = _stream_name(r), r["segment_s"]
        first_max = STREAM_FIRST_SEGMENTS * segment + 1
        verdicts.append(
            Verdict(
                f"{name}: first segment in Home Assistant within "
                f"{STREAM_FIRST_SEGMENTS} segment durations + 1 s ({first_max:g} s)",
                f"{r['first_segment_s']:.2f} s "
                f"({r['first_segment_s'] / segment:.2f} segment durations)",
                r["first_segment_s"] <= first_max,
            )
        )
        verdicts.append(
            Verdict(
                f"{name}: no wait for new video over {STREAM_GAP_SEGMENTS} "
                f"segment durations ({STREAM_GAP_SEGMENTS * segment:g} s) "
                "across renewals",
                f"longest {r['longest_gap_s']:.2f} s over {r['seconds']:g} s "
                f"({r['renewals']} renewals, {r['session_ends']} session ends)",
                r["longest_gap_s"] <= STREAM_GAP_SEGMENTS * segment,
            )
        )
        verdicts.append(
            Verdict(
                f"{name}: at most one address request per renewal",
                f"{r['requests']} requests for the first address and "
                f"{r['renewals']} renewals ({r['requests_per_renewal']:.2f} per "
                f"renewal); {r['per_hour']:.0f} per hour of viewing",
                r["requests"] <= 1 + r["renewals"],
            )
        )
        verdicts.append(
            Verdict(
                f"{name}: the stream worker starts once and never fails",
                f"{r['worker_starts']} start(s), {r['worker_errors']} error(s)",
                r["worker_starts"] == 1 and not r["worker_errors"],
            )
        )
    return verdicts


def _describe_extra(command: Mapping[str, Any]) -> str:
    parts = [f"{path} (at once)" for path in command["extra_immediate"]]
    parts += [f"{path} x{n}" for path, n in command["extra_later"].items()]
    return ", ".join(_short(p) for p in parts) or "none"


def _short(path: str) -> str:
    return path.removeprefix("/api/lapp/").removeprefix("/api/")


# -- tables --------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                cell.rjust(widths[i]) if i else cell.ljust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _fleet_order(r: Mapping[str, Any]) -> tuple[int, int]:
    return (1 if r["fleet"] == "demo" else 0, int(r["devices"]))


def _streams(results: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(
        (r for r in results if r["kind"] == "stream"),
        key=lambda r: (r.get("codec", "h264"), r["protocol"]),
    )


def _stream_name(r: Mapping[str, Any]) -> str:
    """``H.264 FLV``: the codec the camera sends and the protocol."""
    codec = {"h264": "H.264", "h265": "H.265"}[r.get("codec", "h264")]
    return f"{codec} {r['protocol'].upper()}"


def render_text(report: Mapping[str, Any]) -> str:
    """The human report."""
    results: list[Mapping[str, Any]] = report["results"]
    lines: list[str] = []
    days = sorted(_default_days(results), key=_fleet_order)
    cadences = sorted({c for r in days for c in r["per_day"]["by_cadence"]})
    if days:
        lines += [
            "",
            "1. Requests per simulated day at default options, by cadence",
            "",
        ]
        lines += _table(
            ["fleet", "devices", *cadences, "total", "per device"],
            (
                [
                    r["fleet"],
                    r["devices"],
                    *(r["per_day"]["by_cadence"].get(c, 0) for c in cadences),
                    f"{r['per_day']['total']:,}",
                    f"{r['per_day']['total'] / r['devices']:.0f}",
                ]
                for r in days
            ),
        )
        endpoints = sorted({p for r in days for p in r["per_day"]["by_endpoint"]})
        lines += ["", "   by endpoint", ""]
        lines += _table(
            ["endpoint", *(f"{r['fleet']}" for r in days)],
            (
                [_short(p), *(r["per_day"]["by_endpoint"].get(p, 0) for r in days)]
                for p in endpoints
            ),
        )
        lines += ["", "2. Requests per refresh of each cadence (mean / max)", ""]
        lines += _table(
            ["fleet", "setup", *cadences],
            (
                [
                    r["fleet"],
                    r["setup"]["requests"],
                    *(
                        (
                            f"{r['per_refresh'][c]['mean']:g} / "
                            f"{r['per_refresh'][c]['max']}"
                        )
                        if c in r["per_refresh"]
                        else "-"
                        for c in cadences
                    ),
                ]
                for r in days
            ),
        )
    planned = sorted(
        (r for r in results if r["kind"] == "day" and r.get("plan")), key=_fleet_order
    )
    if planned:
        lines += [
            "",
            "   effective cadences (the governor's plan at the end of the day)",
            "",
        ]
        lines += _table(
            [
                "fleet",
                "variant",
                "budget (allowance)",
                *(key.value.replace("_", " ") for key in _SHOWN),
                "planned",
                "measured",
            ],
            (
                [
                    r["fleet"],
                    r.get("variant", "default"),
                    f"{r['plan']['budget']:,} ({r['plan']['allowance']:,})",
                    *_intervals(r),
                    f"{r['plan']['projected']:,}",
                    f"{r['per_day']['total']:,}",
                ]
                for r in planned
            ),
        )
    variants = [
        r
        for r in results
        if r["kind"] == "day" and r not in days and r.get("variant") != "push"
    ]
    if variants:
        lines += ["", "   other options (requests per day)", ""]
        lines += _table(
            ["fleet", "account interval", "detail interval", "total"],
            (
                [
                    r["fleet"],
                    f"{r['options']['account_interval_s']} s",
                    f"{r['options']['detail_interval_min']} min",
                    f"{r['per_day']['total']:,}",
                ]
                for r in sorted(variants, key=_fleet_order)
            ),
        )
    for r in results:
        if r["kind"] != "commands":
            continue
        lines += [
            "",
            f"3. Requests one user command causes beyond itself ({r['fleet']})",
            "",
        ]
        lines += _table(
            ["command", "own", "extra", "which"],
            (
                [c["name"], c["own"], c["extra"], _describe_extra(c)]
                for c in r["commands"]
            ),
        )
    conc = [r for r in results if r["kind"] == "concurrency"]
    if conc:
        lines += ["", "4. One detail refresh with simulated latency", ""]
        lines += _table(
            [
                "devices",
                "latency",
                "requests",
                "bound",
                "concurrent",
                "sequential",
                "ratio",
                "peak in flight",
            ],
            (
                [
                    r["devices"],
                    f"{r['latency_s'] * 1000:.0f} ms",
                    r["requests"],
                    r["bound"],
                    f"{r['concurrent_s']:.2f} s",
                    f"{r['sequential_s']:.2f} s",
                    f"{r['ratio']:.3f}",
                    r["peak_in_flight"],
                ]
                for r in conc
            ),
        )
    setups = [r for r in results if r["kind"] == "setup"]
    if setups:
        lines += ["", "5. From entry setup to all entities", ""]
        lines += _table(
            [
                "devices",
                "latency",
                "entities",
                "requests",
                "entities added",
                "first detail read",
            ],
            (
                [
                    r["devices"],
                    f"{r['latency_s'] * 1000:.0f} ms",
                    r["entities"],
                    r["requests"],
                    f"{r['entities_added_s']:.2f} s",
                    f"{r['first_detail_done_s']:.2f} s",
                ]
                for r in setups
            ),
        )
    streams = _streams(results)
    if streams:
        r0 = streams[0]
        lines += [
            "",
            f"6. Live video through Home Assistant's stream worker ({r0['seconds']:g} s"
            f" of viewing, addresses valid {r0['validity_s']:g} s, sessions of "
            f"{r0['session_s']:g} s, segments of {r0['segment_s']:g} s)",
            "",
        ]
        lines += _table(
            [
                "video",
                "first part",
                "first segment",
                "longest gap",
                "requests",
                "renewals",
                "session ends",
                "per hour",
            ],
            (
                [
                    _stream_name(r),
                    f"{r['first_part_s']:.2f} s",
                    f"{r['first_segment_s']:.2f} s",
                    f"{r['longest_gap_s']:.2f} s",
                    r["requests"],
                    r["renewals"],
                    r["session_ends"],
                    f"{r['per_hour']:g}",
                ]
                for r in streams
            ),
        )
    verdicts = report["verdicts"]
    lines += ["", "Targets", ""]
    for v in verdicts:
        mark = "EXCEPTION" if v["exception"] else ("ok" if v["ok"] else "MISSED")
        lines.append(f"  [{mark}] {v['target']}: {v['measured']}")
    missed = [v for v in verdicts if not v["ok"] and not v["exception"]]
    lines += [
        "",
        f"{len(verdicts) - len(missed)}/{len(verdicts)} targets met"
        + (f"; MISSED: {len(missed)}" if missed else ""),
    ]
    return "\n".join(lines).lstrip("\n") + "\n"


def build_report(results: Sequence[Mapping[str, Any]], **meta: Any) -> dict[str, Any]:
    """The JSON report: measurements, verdicts and whether every target holds."""
    verdicts = evaluate(results)
    return {
        **meta,
        "results": list(results),
        "verdicts": [v.as_dict() for v in verdicts],
        "missed": [v.target for v in verdicts if not v.ok and not v.exception],
    }


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _fleet_name(r: Mapping[str, Any]) -> str:
    if r["fleet"] == "demo":
        name = f"demo fleet ({r['devices']})"
    else:
        name = f"{r['devices']} device" + ("s" if r["devices"] != 1 else "")
    return name + (", push healthy" if r.get("variant") == "push" else "")


#: The cadences shown per day, in the order the planner stretches them last
#: to first (what is worth most first).
_SHOWN = tuple(reversed(STRETCH_ORDER))


def _intervals(r: Mapping[str, Any]) -> list[str]:
    return [duration(r["plan"]["intervals_s"][key.value]) for key in _SHOWN]


def render_cadences() -> str:
    """The cadence table (``planner.CADENCES``) as docs/request-budget.md shows it."""
    lines = [
        "The cadences (`metering/planner.py`'s `CADENCES`, which the planner, this table "
        "and the benchmark read):",
        "",
    ]
    lines += _md_table(
        [
            "cadence",
            "reads",
            "default",
            "option range",
            "floor",
            "push healthy: interval / floor",
            "stretched",
            "requests per run",
        ],
        (
            [
                key.value.replace("_", " "),
                cadence.what,
                duration(cadence.default.total_seconds()),
                (
                    f"{duration(cadence.minimum.total_seconds())} to "
                    f"{duration(cadence.maximum.total_seconds())}"
                    if cadence.option_unit is not None
                    else "—"
                ),
                duration(cadence.floor.total_seconds()),
                (
                    f"{duration(cadence.push_interval.total_seconds())} / "
                    f"{duration(cadence.push_floor.total_seconds())}"
                    if cadence.push_interval is not None
                    else "—"
                ),
                ordinal(cadence.stretch) if cadence.stretch else "never",
                cadence.per_run,
            ]
            for key, cadence in CADENCES.items()
        ),
    )
    return "\n".join(lines) + "\n"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th."""
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n, "th")


def render_markdown(report: Mapping[str, Any]) -> str:
    """The tables of docs/request-budget.md (paste the output as it is)."""
    results: list[Mapping[str, Any]] = report["results"]
    days = sorted(
        [*_default_days(results), *_push_days(results)],
        key=lambda r: (*_fleet_order(r), r.get("variant") == "push"),
    )
    cadences = [
        (CADENCE_ACCOUNT, "device list"),
        (CADENCE_CAMERAS, "camera list"),
        (CADENCE_ALARMS, "alarm list"),
        (CADENCE_DETAIL, "detail"),
        (CADENCE_VERSIONS, "firmware versions"),
    ]
    lines = [
        render_cadences(),
        "Requests per simulated day at default options (`scripts/bench`; "
        "request budget 10,000 a day, 20 % reserve: polling planned within "
        "8,000):",
        "",
    ]
    lines += _md_table(
        ["account", *(label for _, label in cadences), "total", "per device"],
        (
            [
                _fleet_name(r),
                *(f"{r['per_day']['by_cadence'].get(c, 0):,}" for c, _ in cadences),
                f"**{r['per_day']['total']:,}**",
                f"{r['per_day']['total'] / r['devices']:.0f}",
            ]
            for r in days
        ),
    )
    planned = [r for r in days if r.get("plan")]
    if planned:
        lines += [
            "",
            "Effective cadences (the governor's plan; what the day above polled at):",
            "",
        ]
        lines += _md_table(
            [
                "account",
                *(key.value.replace("_", " ") for key in _SHOWN),
                "stretched",
                "planned per day",
            ],
            (
                [
                    _fleet_name(r),
                    *_intervals(r),
                    ", ".join(k.replace("_", " ") for k in r["plan"]["stretched"])
                    or "none",
                    f"{r['plan']['projected']:,}",
                ]
                for r in planned
            ),
        )
    by_option = sorted(
        (
            r
            for r in results
            if r["kind"] == "day"
            and r["fleet"] != "demo"
            and r.get("variant") != "push"
        ),
        key=lambda r: (
            int(r["devices"]),
            r["options"]["account_interval_s"],
            r["options"]["detail_interval_min"],
        ),
    )
    fleets = {r["fleet"] for r in by_option if r.get("variant") == "options"}
    rows = [r for r in by_option if r["fleet"] in fleets]
    if rows:
        lines += ["", "By option (simulated days; defaults 60 s and 60 min):", ""]
        lines += _md_table(
            [
                "account",
                "account interval",
                "detail interval",
                "device list",
                "detail",
                "total per day",
            ],
            (
                [
                    _fleet_name(r),
                    f"{r['options']['account_interval_s']} s",
                    f"{r['options']['detail_interval_min']} min",
                    f"{r['per_day']['by_cadence'].get(CADENCE_ACCOUNT, 0):,}",
                    f"{r['per_day']['by_cadence'].get(CADENCE_DETAIL, 0):,}",
                    f"{r['per_day']['total']:,}",
                ]
                for r in rows
            ),
        )
    streams = _streams(results)
    if streams:
        r0 = streams[0]
        segment = r0["segment_s"]
        lines += [
            "",
            "Live video through Home Assistant's stream worker "
            f"({r0['seconds']:g} s of viewing, addresses valid {r0['validity_s']:g} s, "
            f"sessions of {r0['session_s']:g} s, {segment:g} s segments; "
            "targets: first segment within 2 segment durations + 1 s, no wait "
            "over 2 segment durations, one address request per renewal):",
            "",
        ]
        lines += _md_table(
            [
                "video",
                "first segment",
                "longest wait",
                "address requests (first + renewals needed)",
                "requests per hour of viewing",
            ],
            (
                [
                    _stream_name(r),
                    f"{r['first_segment_s']:.1f} s "
                    f"({r['first_segment_s'] / r['segment_s']:.1f} segments)",
                    f"{r['longest_gap_s']:.1f} s "
                    f"({r['longest_gap_s'] / r['segment_s']:.1f} segments)",
                    f"{r['requests']} ({1 + r['renewals']})",
                    f"{r['per_hour']:.0f}",
                ]
                for r in streams
            ),
        )
    return "\n".join(lines) + "\n"

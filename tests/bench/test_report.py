"""The benchmark's report: a missed target is named and fails the run."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
from typing import Any

from .report import build_report, evaluate, render_markdown, render_text

ROOT = Path(__file__).resolve().parents[2]


def _day(fleet: str, devices: int, total: int, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "day",
        "fleet": fleet,
        "devices": devices,
        "options": {"account_interval_s": 60, "detail_interval_min": 60},
        "setup": {"requests": 3 + devices},
        "per_day": {
            "total": total,
            "by_cadence": {"account": 1440, "detail": total - 1440},
            "by_endpoint": {"/api/lapp/device/list": 1440},
        },
        "per_refresh": {"account": {"mean": 1, "max": 1}},
        "freshness_s": {
            "account_max_gap": 60.0,
            "detail_max_gap": 3600.0,
            "detail_keys": devices,
        },
        **extra,
    }


def _run(report: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    return subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "scripts" / "bench_run.py"), "--from", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_targets_met(tmp_path: Path) -> None:
    """Within every target: exit 0, tables printed."""
    results = [_day("1", 1, 2000), _day("10", 10, 2500)]
    report = build_report(results)
    assert report["missed"] == []
    assert "| 10 devices | 1,440 |" in render_markdown(report)
    proc = _run(report, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "targets met" in proc.stdout


def test_target_missed(tmp_path: Path) -> None:
    """Over 3,000 a day and 250 per further device: both named, exit 1."""
    results = [_day("1", 1, 2000), _day("10", 10, 4500)]
    missed = [v.target for v in evaluate(results) if not v.ok]
    assert missed == [
        "10 devices: at most 3,000 requests per day",
        "each further device at most 250 per day (1 -> 10 devices)",
    ]
    report = build_report(results)
    assert "[MISSED] 10 devices" in render_text(report)
    proc = _run(report, tmp_path)
    assert proc.returncode == 1
    assert "TARGET MISSED: 10 devices: at most 3,000 requests per day" in proc.stderr


def test_slow_or_crowded_refresh_missed() -> None:
    """A refresh over a quarter of the sequential time, or over the bound."""
    result = {
        "kind": "concurrency",
        "devices": 50,
        "latency_s": 0.1,
        "requests": 102,
        "bound": 4,
        "concurrent_s": 2.7,
        "sequential_s": 10.4,
        "ratio": 0.26,
        "peak_in_flight": 5,
    }
    assert [v.ok for v in evaluate([result])] == [False, False]


def _stream(protocol: str, **measured: Any) -> dict[str, Any]:
    return {
        "kind": "stream",
        "protocol": protocol,
        "segment_s": 2.0,
        "seconds": 60.0,
        "validity_s": 10.0,
        "session_s": 7.0,
        "first_part_s": 3.0,
        "first_segment_s": 4.0,
        "longest_gap_s": 1.0,
        "ahead_s": 2.0,
        "requests": 9,
        "renewals": 8,
        "switches_before_expiry": 2,
        "session_ends": 8,
        "requests_per_renewal": 1.0,
        "per_hour": 1.0,
        "worker_starts": 1,
        "worker_errors": 0,
        **measured,
    }


def test_stream_targets() -> None:
    """First segment within 2 segment durations + 1 s, gaps, one request per renewal."""
    report = build_report(
        [
            _stream("flv"),
            _stream("hls", first_segment_s=2.1),
            _stream("flv", codec="h265", first_segment_s=3.0),
        ]
    )
    assert report["missed"] == []
    markdown = render_markdown(report)
    assert (
        "| H.264 FLV | 4.0 s (2.0 segments) | 1.0 s (0.5 segments) | 9 (9) | 1 |"
        in markdown
    )
    assert "| H.265 FLV | 3.0 s (1.5 segments) |" in markdown
    assert "6. Live video" in render_text(report)

    slow = _stream(
        "hls",
        first_segment_s=5.2,
        longest_gap_s=4.1,
        requests=10,
        worker_starts=2,
    )
    assert [v.target for v in evaluate([slow]) if not v.ok] == [
        "H.264 HLS: first segment in Home Assistant within 2 segment durations + 1 s (5 s)",
        "H.264 HLS: no wait for new video over 2 segment durations (4 s) across renewals",
        "H.264 HLS: at most one address request per renewal",
        "H.264 HLS: the stream worker starts once and never fails",
    ]

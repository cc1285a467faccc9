"""Fleet generation for benchmarks: ``generate_fleet(n, seed)``."""

from __future__ import annotations

import copy
import random
from typing import Any

from .state import load_fleet_data

# Serial prefixes per template (index into the demo fleet's devices).
_PREFIX = ("GP", "GB", "GD", "GA", "GN", "GO", "GC")


def generate_fleet(n: int, seed: int = 0) -> dict[str, Any]:
    """Build a fleet fixture with ``n`` devices in the same mix of types as the demo fleet.

    Device ``i`` is a copy of demo template ``i % 7`` (PTZ camera, battery camera,
    doorbell, A1 hub, NVR, encrypted outdoor camera, offline camera) with a new
    serial ``<prefix><7 digits>``, name and verification code; alarms are spread
    over the devices. Deterministic for a given ``seed``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    demo = load_fleet_data("demo")
    templates: list[dict[str, Any]] = demo["devices"]
    rng = random.Random(seed)
    devices: list[dict[str, Any]] = []
    alarms: list[dict[str, Any]] = []
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    for i in range(n):
        kind = i % len(templates)
        dev = copy.deepcopy(templates[kind])
        serial = f"{_PREFIX[kind]}{i + 1:07d}"
        dev["serial"] = serial
        dev["name"] = f"{templates[kind]['name']} {i + 1}"
        dev["validate_code"] = "".join(rng.choice(letters) for _ in range(6))
        dev["net_address"] = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
        for chan in dev.get("channels", []):
            if dev.get("category") != "NVR":
                chan["name"] = dev["name"]
            elif chan.get("ipc_serial"):
                chan["ipc_serial"] = f"GI{i + 1:05d}{chan['no']:02d}"
        for det in dev.get("detectors", []):
            det["serial"] = f"{det['serial'][:2]}{i + 1:06d}{det['serial'][-1]}"
            det["bound_ipcs"] = []
        if "battery" in dev and dev["battery"] != -1:
            dev["battery"] = rng.randint(5, 100)
        devices.append(dev)
        if kind != 6:
            alarms.append(
                {
                    "serial": serial,
                    "type": rng.choice([10002, 10010, 10014, 10016, 10004]),
                    "age": rng.randint(30, 2400),
                    "channel": 1,
                }
            )
    return {
        "description": f"generated fleet of {n} devices (seed {seed})",
        "settings": demo.get("settings", {}),
        "devices": devices,
        "unowned_devices": demo.get("unowned_devices", []),
        "foreign_devices": demo.get("foreign_devices", []),
        "alarms": alarms,
        "sub_accounts": demo.get("sub_accounts", []),
        "cloud_cards": demo.get("cloud_cards", {}),
    }

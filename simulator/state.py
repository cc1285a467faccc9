"""The simulated account: devices, channels, detectors, alarms, sub-accounts.

The fleet is loaded from a JSON fixture (see ``simulator/README.md`` for the
schema). Everything here is plain mutable state; handlers read and change it,
and ``FleetState.tick`` advances the things that progress over time (firmware
upgrades, disk formatting).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
import json
from pathlib import Path
from typing import Any

FLEETS_DIR = Path(__file__).parent / "fleets"

A1_CATEGORIES = frozenset({"A1", "A1S", "A1C", "ALARM_HUB"})

VIDEO_CODECS = ("h264", "h265")
"""Codecs a device's video can be rendered in (the fleet's ``video_codec``)."""

DETECTOR_TYPE_NAMES: dict[str, str] = {
    "V": "Video Device",
    "I": "Alarm-in Device",
    "O": "Alarm-out Device",
    "PIR": "IR Detector",
    "FIRE": "Smoke Detector",
    "MAGNETOMETER": "Magnetic Contact",
    "GAS": "Combustible Gas",
    "WATERLOGGING": "Water Leak",
    "CALLHELP": "Emergency Button",
    "TELECONTROL": "Remote Control",
    "ALERTOR": "Alarm Device",
    "KEYBOARD": "Keyboard",
    "CURTAIN": "Curtain",
    "MOVE_MAGNETOMETER": "Open-close Detector",
}

# detector/add: detector model -> detector type
DETECTOR_MODELS: dict[str, str] = {
    "T4": "FIRE",
    "T3": "CALLHELP",
    "T2": "MAGNETOMETER",
    "T1": "PIR",
    "T5": "CURTAIN",
    "K2": "TELECONTROL",
    "T6": "MOVE_MAGNETOMETER",
    "T9": "ALERTOR",
    "T8": "GAS",
    "T10": "WATERLOGGING",
}


@dataclass
class Channel:
    """One camera channel of a device (IPCs have one, NVRs several)."""

    no: int
    name: str
    online: bool = True
    video_level: int = 2
    is_shared: str = "0"
    ipc_serial: str | None = None  # NVR channel: the linked IPC, None = unconfigured
    ipc_name: str | None = None


@dataclass
class Detector:
    """A peripheral of an A1-type alarm hub."""

    serial: str
    type: str
    location: str
    state: int = 1
    zf_status: int = 0
    uv_status: int = 0
    iwc_status: int = 0
    ol_status: int = 0
    at_home_enable: int = 1
    outer_enable: int = 1
    sleep_enable: int = 0
    update_time: str = "2024-01-01 00:00:00"
    bound_ipcs: list[str] = field(default_factory=list)

    @property
    def type_name(self) -> str:
        """The display name of the detector type."""
        return DETECTOR_TYPE_NAMES.get(self.type.upper(), self.type)


@dataclass
class Disk:
    """A storage medium (SD card or HDD)."""

    index: int
    name: str = "SD card"
    status: int = 0  # 0 normal, 1 wrong medium, 2 unformatted, 3 formatting
    capacity: int = 30436
    format_started: float | None = None


@dataclass
class Ptz:
    """Pan/tilt/zoom position, bounds, presets and mirror state."""

    pan: int = 0
    tilt: int = 0
    zoom: int = 1
    pan_min: int = -10
    pan_max: int = 10
    tilt_min: int = -5
    tilt_max: int = 5
    zoom_max: int = 4
    moving: int | None = None
    max_presets: int = 12
    presets: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    mirror: dict[str, int] = field(
        default_factory=lambda: {"up_down": 0, "left_right": 0, "center": 0}
    )


@dataclass
class Upgrade:
    """Firmware versions and the progress of an upgrade."""

    current: str = "V5.3.0 build 230101"
    latest: str = "V5.3.0 build 230101"
    started_at: float | None = None
    last_status: int = 2
    last_progress: int = 0
    fail: bool = False


@dataclass
class Device:
    """A device on (or off) the account."""

    serial: str
    name: str
    model: str
    device_type: str
    category: str = "IPC"
    parent_category: str = "IPC"
    online: bool = True
    defence: int = 0
    is_encrypt: bool = False
    validate_code: str = "ABCDEF"
    password: str | None = None  # video encryption password; None = validate_code
    capabilities: dict[str, Any] = field(default_factory=dict)
    channels: list[Channel] = field(default_factory=list)
    upgrade: Upgrade = field(default_factory=Upgrade)
    battery: int = -1
    signal: int = 100
    net_type: str = "wifi"
    net_address: str = "192.168.1.20"
    wifi_ssid: str = "home-wifi"
    local_name: str = ""
    timezone: str = "UTC+01:00"
    tz_code: str = "110"
    time_format: int = 0
    daylight_saving: str = "0"
    language: str = "ENGLISH"
    offline_notify: int = 0
    alarm_sound_mode: int = 0
    privacy: int = 0
    pir_status: int = -2
    #: Voice prompts (``sound/switch``); None: the device has none (60020).
    sound_switch: int | None = None
    ssl: int = 0
    microphone: int = 1
    infrared: int = 1
    fill_light_mode: int | None = None
    switches: dict[int, int] = field(default_factory=dict)
    defence_plan: dict[str, Any] = field(
        default_factory=lambda: {
            "startTime": "00:00",
            "stopTime": "n00:00",
            "period": "0,1,2,3,4,5,6",
            "enable": 0,
        }
    )
    timing_plan: dict[str, Any] | None = None
    pir_area: dict[str, Any] | None = None
    chime: dict[str, Any] | None = None
    motion_area: dict[str, Any] | None = None
    ptz: Ptz | None = None
    detectors: list[Detector] = field(default_factory=list)
    disks: list[Disk] = field(default_factory=list)
    cloud: dict[str, Any] = field(default_factory=lambda: {"status": -2})
    capture_error: int | None = None
    quirks: list[str] = field(default_factory=list)
    last_audition: dict[str, Any] | None = None
    alarm_cleared_at: float | None = None
    update_time_ms: int = 1_700_000_000_000
    #: How push messages give ``alarmType``: "code" (a number) or "name" (text).
    push_alarm_type: str = "code"
    #: Size of the rendered video and pictures (a simulator setting, not an API field).
    video_size: tuple[int, int] = (640, 360)
    #: Codec of the rendered video, "h264" or "h265" (a simulator setting too).
    video_codec: str = "h264"

    @property
    def is_hub(self) -> bool:
        """Whether defence uses the A1 values 0/8/16."""
        return self.category.upper() in A1_CATEGORIES

    @property
    def encrypt_password(self) -> str:
        """The code that decrypts the video (custom password or verification code)."""
        return self.password if self.password is not None else self.validate_code

    def channel(self, no: int) -> Channel | None:
        """Return channel ``no`` or None."""
        for chan in self.channels:
            if chan.no == no:
                return chan
        return None

    def cap(self, key: str) -> bool:
        """Whether a capability is present with a non-zero / non-empty value."""
        value = self.capabilities.get(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return False
            try:
                return float(text.split(",")[0]) != 0 or "," in text
            except ValueError:
                return True
        if isinstance(value, list | dict):
            return bool(value)
        return True


@dataclass
class Alarm:
    """One alarm message of the account."""

    alarm_id: str
    serial: str
    alarm_type: int
    alarm_time_ms: int
    channel_no: int = 1
    name: str = ""
    is_encrypt: int = 0
    is_checked: int = 0
    pre_time: int = 10
    delay_time: int = 30


@dataclass
class SubAccount:
    """A RAM sub-account (B mode)."""

    account_id: str
    name: str
    password: str
    status: int = 1
    policy: dict[str, Any] | None = None


@dataclass
class LiveAddress:
    """A live address handed out by live/address/get."""

    url_id: str
    serial: str
    channel_no: int
    protocol: int
    url: str
    expire_at: float
    kind: int = 1  # 1 live, 2 local recording playback, 3 cloud recording playback
    playback_length: float = 0.0  # type 2/3: seconds of recording served
    #: HLS live: sim time at which the current session's segment 0 begins
    #: (``playlist_segments`` segments before the first playlist request).
    session_start: float | None = None
    sessions: int = 0  # HLS live sessions started on this address


@dataclass
class FleetState:
    """The whole simulated account."""

    devices: dict[str, Device] = field(default_factory=dict)
    # devices that exist but are on no account: device/add takes them (with their code)
    unowned: dict[str, Device] = field(default_factory=dict)
    # devices owned by another account: 20018 / 20013
    foreign: dict[str, Device] = field(default_factory=dict)
    alarms: list[Alarm] = field(default_factory=list)
    sub_accounts: dict[str, SubAccount] = field(default_factory=dict)
    cloud_cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    live_addresses: dict[str, LiveAddress] = field(default_factory=dict)
    captures: dict[int, float] = field(default_factory=dict)  # capture number -> time
    upgrade_duration: float = 60.0
    reboot_duration: float = 15.0
    format_duration: float = 30.0
    counter: int = 0

    def next_id(self) -> int:
        """Return a monotonically increasing number for ids."""
        self.counter += 1
        return self.counter

    def ordered_devices(self) -> list[Device]:
        """Devices of the account in a stable order."""
        return list(self.devices.values())

    def tick(self, now: float) -> None:
        """Advance time-dependent state (upgrades, formatting) to ``now``."""
        for dev in self.devices.values():
            upg = dev.upgrade
            if upg.started_at is not None:
                status, progress = self.upgrade_progress(dev, now)
                upg.last_status, upg.last_progress = status, progress
                if status in (2, 3):
                    if status == 2:
                        upg.current = upg.latest
                        dev.online = True
                    upg.started_at = None
                elif status == 1:
                    dev.online = False
            for disk in dev.disks:
                if disk.format_started is not None and (
                    now - disk.format_started >= self.format_duration
                ):
                    disk.status = 0
                    disk.format_started = None

    def upgrade_progress(self, dev: Device, now: float) -> tuple[int, int]:
        """(status, progress) of a running upgrade at ``now``."""
        upg = dev.upgrade
        if upg.started_at is None:
            return upg.last_status, upg.last_progress
        elapsed = now - upg.started_at
        if elapsed < self.upgrade_duration:
            pct = max(1, min(99, int(100 * elapsed / self.upgrade_duration)))
            if upg.fail and pct >= 50:
                return 3, pct
            return 0, pct
        if upg.fail:
            return 3, 50
        if elapsed < self.upgrade_duration + self.reboot_duration:
            return 1, 100
        return 2, 100

    def format_rate(self, disk: Disk, now: float) -> int:
        """Return the formatting progress of ``disk`` in percent."""
        if disk.format_started is None:
            return 100 if disk.status == 0 else 0
        elapsed = now - disk.format_started
        return max(0, min(99, int(100 * elapsed / self.format_duration)))


# ---------------------------------------------------------------- loading


def _channel(data: dict[str, Any]) -> Channel:
    return Channel(
        no=int(data["no"]),
        name=str(data.get("name", "")),
        online=bool(data.get("online", True)),
        video_level=int(data.get("video_level", 2)),
        is_shared=str(data.get("is_shared", "0")),
        ipc_serial=data.get("ipc_serial"),
        ipc_name=data.get("ipc_name"),
    )


def _detector(data: dict[str, Any]) -> Detector:
    det = Detector(
        serial=str(data["serial"]).upper(),
        type=str(data["type"]),
        location=str(data.get("location", data["type"])),
    )
    for key in (
        "state",
        "zf_status",
        "uv_status",
        "iwc_status",
        "ol_status",
        "at_home_enable",
        "outer_enable",
        "sleep_enable",
    ):
        if key in data:
            setattr(det, key, int(data[key]))
    if "update_time" in data:
        det.update_time = str(data["update_time"])
    det.bound_ipcs = [str(s).upper() for s in data.get("bound_ipcs", [])]
    return det


def _ptz(data: dict[str, Any]) -> Ptz:
    ptz = Ptz()
    for key in (
        "pan",
        "tilt",
        "zoom",
        "pan_min",
        "pan_max",
        "tilt_min",
        "tilt_max",
        "zoom_max",
        "max_presets",
    ):
        if key in data:
            setattr(ptz, key, int(data[key]))
    for idx, pos in dict(data.get("presets", {})).items():
        pan, tilt, zoom = ([*list(pos), 0, 0, 1])[:3]
        ptz.presets[int(idx)] = (int(pan), int(tilt), int(zoom))
    return ptz


_SIMPLE_FIELDS = (
    "category",
    "parent_category",
    "online",
    "defence",
    "is_encrypt",
    "validate_code",
    "password",
    "battery",
    "signal",
    "net_type",
    "net_address",
    "wifi_ssid",
    "local_name",
    "timezone",
    "tz_code",
    "time_format",
    "daylight_saving",
    "language",
    "offline_notify",
    "alarm_sound_mode",
    "privacy",
    "pir_status",
    "sound_switch",
    "ssl",
    "microphone",
    "infrared",
    "fill_light_mode",
    "timing_plan",
    "pir_area",
    "chime",
    "motion_area",
    "capture_error",
    "quirks",
    "update_time_ms",
    "push_alarm_type",
)


def device_from_dict(data: dict[str, Any]) -> Device:
    """Build a device from its fixture entry (see README, "Fleet schema")."""
    serial = str(data["serial"]).upper()
    dev = Device(
        serial=serial,
        name=str(data.get("name", serial)),
        model=str(data.get("model", "CS-UNKNOWN")),
        device_type=str(data.get("device_type", data.get("model", "UNKNOWN"))),
    )
    for key in _SIMPLE_FIELDS:
        if key in data:
            setattr(dev, key, copy.deepcopy(data[key]))
    if "defence_plan" in data:
        dev.defence_plan = dict(data["defence_plan"])
    dev.capabilities = copy.deepcopy(dict(data.get("capabilities", {})))
    dev.channels = [_channel(c) for c in data.get("channels", [])]
    if "upgrade" in data:
        up = data["upgrade"]
        dev.upgrade = Upgrade(
            current=str(up.get("current", dev.upgrade.current)),
            latest=str(up.get("latest", up.get("current", dev.upgrade.latest))),
            fail=bool(up.get("fail", False)),
        )
    dev.switches = {int(k): int(v) for k, v in dict(data.get("switches", {})).items()}
    if "ptz" in data and data["ptz"] is not None:
        dev.ptz = _ptz(data["ptz"])
    dev.detectors = [_detector(d) for d in data.get("detectors", [])]
    dev.disks = [
        Disk(
            index=int(d.get("index", i)),
            name=str(d.get("name", "SD card")),
            status=int(d.get("status", 0)),
            capacity=int(d.get("capacity", 30436)),
        )
        for i, d in enumerate(data.get("disks", []))
    ]
    if "cloud" in data:
        dev.cloud = dict(data["cloud"])
    if "video_size" in data:
        width, height = (int(v) for v in data["video_size"])
        if width < 16 or height < 16 or width % 2 or height % 2:
            raise ValueError(f"{serial}: video_size must be even and >= 16")
        dev.video_size = (width, height)
    if "video_codec" in data:
        codec = data["video_codec"]
        if codec not in VIDEO_CODECS:
            raise ValueError(
                f"{serial}: video_codec must be one of {', '.join(VIDEO_CODECS)},"
                f" not {codec!r}"
            )
        dev.video_codec = codec
    return dev


def load_fleet_data(fleet: str | Path | dict[str, Any]) -> dict[str, Any]:
    """Resolve a fleet argument ("demo", a path, a dict) to its JSON data."""
    if isinstance(fleet, dict):
        return copy.deepcopy(fleet)
    if isinstance(fleet, str) and not fleet.endswith(".json") and "/" not in fleet:
        path = FLEETS_DIR / f"{fleet}.json"
    else:
        path = Path(fleet)
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def build_state(data: dict[str, Any], now: float) -> FleetState:
    """Build the account state from fixture data; alarm ages count back from ``now``."""
    state = FleetState()
    for entry in data.get("devices", []):
        dev = device_from_dict(entry)
        state.devices[dev.serial] = dev
    for entry in data.get("unowned_devices", []):
        dev = device_from_dict(entry)
        state.unowned[dev.serial] = dev
    for entry in data.get("foreign_devices", []):
        dev = device_from_dict(entry)
        state.foreign[dev.serial] = dev
    for i, entry in enumerate(data.get("alarms", [])):
        serial = str(entry["serial"]).upper()
        dev_or_none = state.devices.get(serial)
        age = float(entry.get("age", 60 * (i + 1)))
        state.alarms.append(
            Alarm(
                alarm_id=str(entry.get("id", f"{24027912025630000 + i}")),
                serial=serial,
                alarm_type=int(entry["type"]),
                alarm_time_ms=int((now - age) * 1000),
                channel_no=int(entry.get("channel", 1)),
                name=str(
                    entry.get("name", dev_or_none.name if dev_or_none else serial)
                ),
                is_encrypt=int(
                    entry.get(
                        "is_encrypt", int(dev_or_none.is_encrypt) if dev_or_none else 0
                    )
                ),
                is_checked=int(entry.get("is_checked", 0)),
            )
        )
    for entry in data.get("sub_accounts", []):
        acc = SubAccount(
            account_id=str(entry["account_id"]),
            name=str(entry["name"]),
            password=str(entry.get("password", "")),
            status=int(entry.get("status", 1)),
            policy=entry.get("policy"),
        )
        state.sub_accounts[acc.account_id] = acc
    for card, info in dict(data.get("cloud_cards", {})).items():
        state.cloud_cards[str(card)] = dict(info)
    settings = dict(data.get("settings", {}))
    state.upgrade_duration = float(
        settings.get("upgrade_duration", state.upgrade_duration)
    )
    state.reboot_duration = float(
        settings.get("reboot_duration", state.reboot_duration)
    )
    state.format_duration = float(
        settings.get("format_duration", state.format_duration)
    )
    return state

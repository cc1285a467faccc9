"""Capabilities, time zone, language, video password and firmware."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any, Final, Self, overload

from ._convert import check_enum
from ._params import (
    check_channel,
    check_serial,
    check_text,
    param_error,
    switch_value,
)
from ._parse import as_bool, as_dict, as_int, as_str, is_supported, parse_dicts
from .client import BaseClient
from .device_config import PATH_FILL_LIGHT_GET, PATH_TIMING_PLAN_GET
from .errors import EzvizError, EzvizNotSupportedError
from .settings import PATH_PROMPT_SOUND_STATUS

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

PATH_DEVICE_INFO = "/api/lapp/device/info"
PATH_TIMEZONE_LIST = "/api/lapp/timezone/list"
PATH_TIMEZONE_SET = "/api/lapp/device/timezone/set"
PATH_CAPACITY = "/api/lapp/device/capacity"
PATH_LANGUAGE_GET = "/api/lapp/device/language/get"
PATH_LANGUAGE_SET = "/api/lapp/device/language/set"
PATH_PASSWORD_UPDATE = "/api/lapp/device/password/update"  # noqa: S105
PATH_VERSION_INFO = "/api/lapp/device/version/info"
PATH_UPGRADE = "/api/lapp/device/upgrade"
PATH_UPGRADE_STATUS = "/api/lapp/device/upgrade/status"

MAX_VIDEO_PASSWORD_LENGTH = 12

_V3_PREFIX = "/api/v3/"


class TimeZoneLanguage(StrEnum):
    """Language of the time zone names of ``timezone/list``."""

    ENGLISH = "ENGLISH"
    SIMPCN = "SIMPCN"


class DateFormat(IntEnum):
    """Date format shown by the device (``timeFormat``)."""

    YYYY_MM_DD = 0
    MM_DD_YYYY = 1
    DD_MM_YYYY = 2


class UpgradeState(IntEnum):
    """Firmware upgrade state of ``device/upgrade/status``."""

    UPGRADING = 0
    REBOOTING = 1
    UPGRADED = 2
    FAILED = 3


@dataclass(frozen=True)
class DeviceTimeZone:
    """The time zone part of ``device/info`` with ``version=utc``."""

    serial: str
    #: As the cloud writes it, e.g. "UTC+14:00".
    time_zone: str | None = None
    wifi_ssid: str | None = None
    offline_notify: bool | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``data`` member of ``device/info?version=utc``."""
        raw = as_dict(data)
        return cls(
            serial=as_str(raw.get("deviceSerial")) or "",
            time_zone=as_str(raw.get("timeZone")),
            wifi_ssid=as_str(raw.get("wifiSsid")),
            offline_notify=as_bool(raw.get("offlineNotify")),
            raw=raw,
        )


@dataclass(frozen=True)
class TimeZone:
    """One entry of ``timezone/list``; ``code`` is what ``timezone/set`` takes."""

    code: str
    value: str | None = None
    display_name: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{tzCode, tzValue, disPlayName}``."""
        raw = as_dict(data)
        return cls(
            code=as_str(raw.get("tzCode")) or "",
            value=as_str(raw.get("tzValue")),
            display_name=as_str(raw.get("disPlayName", raw.get("displayName"))),
            raw=raw,
        )


@dataclass(frozen=True)
class DeviceVersion:
    """Current and latest firmware of a device."""

    current: str | None
    latest: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{currentVersion, latestVersion}``."""
        raw = as_dict(data)
        return cls(
            current=as_str(raw.get("currentVersion")),
            latest=as_str(raw.get("latestVersion")),
            raw=raw,
        )

    @property
    def upgrade_available(self) -> bool:
        """Whether the cloud offers a firmware other than the installed one."""
        return bool(self.latest) and bool(self.current) and self.latest != self.current


@dataclass(frozen=True)
class UpgradeStatus:
    """Progress of a firmware upgrade."""

    state: UpgradeState | None
    #: 1..100, meaningful only while upgrading.
    progress: int | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{progress, status}``."""
        raw = as_dict(data)
        number = as_int(raw.get("status"))
        state: UpgradeState | None = None
        if number is not None:
            try:
                state = UpgradeState(number)
            except ValueError:
                state = None
        return cls(state=state, progress=as_int(raw.get("progress")), raw=raw)


class Probe(StrEnum):
    """A feature the reference's capability table names no flag for.

    Whether a device has it is known only by asking its endpoint
    (:meth:`SystemMixin.probe`): once per device and firmware version, the
    answer kept with the capability set (:meth:`DeviceCapabilities.answered`).
    """

    #: ``v3/device/fillLight/mode/get`` (night-vision fill light).
    FILL_LIGHT = "fill_light"
    #: ``device/sound/switch/status`` (voice prompts of Wi-Fi configuration
    #: and reboot). The table's ``support_wifi`` is about how Wi-Fi is
    #: configured; nothing ties it to the prompts.
    PROMPT_SOUND = "prompt_sound"
    #: ``v3/device/timing/plan/get`` (working-mode plan: power saving,
    #: performance ...). The table ties no flag to it, ``support_battery_manage``
    #: included.
    WORKING_MODE = "working_mode"


#: The read each probe makes (the read of the feature's own entity, without
#: side effects) and the member of its data that only a device with the
#: feature reports. A ``/api/v3/`` path is a v3 GET, any other a lapp POST.
PROBE_READS: Final[Mapping[Probe, tuple[str, str]]] = {
    Probe.FILL_LIGHT: (PATH_FILL_LIGHT_GET, "graphicType"),
    Probe.PROMPT_SOUND: (PATH_PROMPT_SOUND_STATUS, "enable"),
    Probe.WORKING_MODE: (PATH_TIMING_PLAN_GET, "weekPlans"),
}

#: The codes by which an endpoint says the device lacks a feature: 20015
#: "the device does not support the function" and 60020 "the command is not
#: supported" (lapp envelope; the v3 envelope with HTTP 422, as the tables
#: of the fill light and of the timing plan list it).
UNSUPPORTED_CODES: Final = frozenset({20015, 60020})


def answers_unsupported(err: EzvizError) -> bool:
    """Whether an error is the device's answer "I do not have this feature".

    Only :data:`UNSUPPORTED_CODES`, or a v3 HTTP 422 without an envelope (the
    status the reference pairs with 60020). Anything else (offline, rate
    limit, a server error, no permission) is no answer about the device.
    """
    if not isinstance(err, EzvizNotSupportedError):
        return False
    if err.code is None:
        return err.http_status == 422
    return err.code in UNSUPPORTED_CODES


class _Flag:
    """A capability flag read through :meth:`DeviceCapabilities.supports`."""

    def __init__(self, key: str, doc: str) -> None:
        self.key = key
        self.__doc__ = doc

    @overload
    def __get__(self, obj: None, objtype: type[Any] | None = None) -> Self: ...

    @overload
    def __get__(
        self, obj: DeviceCapabilities, objtype: type[Any] | None = None
    ) -> bool: ...

    def __get__(
        self, obj: DeviceCapabilities | None, objtype: type[Any] | None = None
    ) -> Self | bool:
        if obj is None:
            return self
        return obj.supports(self.key)


@dataclass(frozen=True)
class DeviceCapabilities:
    """A device's capability set (``device/capacity``).

    Values arrive as "0"/"1" strings, bare ints, comma lists, words and lists;
    a flag counts as supported when :func:`is_supported` says so, and an absent
    key means unsupported. ``supported`` lists the supported keys (for
    comparing and printing); ``raw`` keeps the set as received.
    """

    supported: frozenset[str] = frozenset()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: Probes (:class:`Probe`) whose endpoint answered with data.
    features: frozenset[Probe] = frozenset()
    #: Probes answered for this set (data or "not supported"); the others are
    #: still to ask.
    probed: frozenset[Probe] = frozenset()

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the capability map, never failing on a value's type."""
        raw = as_dict(data)
        return cls(
            supported=frozenset(
                key for key, value in raw.items() if is_supported(value)
            ),
            raw=raw,
        )

    def answered(self, probe: Probe, *, supported: bool) -> Self:
        """Return this set with the answer of ``probe`` recorded."""
        features = self.features | {probe} if supported else self.features - {probe}
        return replace(self, features=features, probed=self.probed | {probe})

    def value(self, key: str) -> Any:
        """Return the raw value of ``key`` (case-insensitive fallback), or None."""
        if key in self.raw:
            return self.raw[key]
        folded = key.casefold()
        for name, value in self.raw.items():
            if name.casefold() == folded:
                return value
        return None

    def supports(self, key: str) -> bool:
        """Whether the capability ``key`` is present and not "0"."""
        return is_supported(self.value(key))

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is a supported capability."""
        return isinstance(key, str) and self.supports(key)

    def __iter__(self) -> Iterator[str]:
        """Iterate over the supported capability keys."""
        return iter(sorted(self.supported))

    @property
    def fill_light(self) -> bool:
        """Night-vision fill light: no flag in the table, ``Probe.FILL_LIGHT`` decides."""
        return Probe.FILL_LIGHT in self.features

    @property
    def prompt_sound(self) -> bool:
        """Voice prompts: no flag in the table, ``Probe.PROMPT_SOUND`` decides."""
        return Probe.PROMPT_SOUND in self.features

    @property
    def working_mode(self) -> bool:
        """Working-mode plan: no flag in the table, ``Probe.WORKING_MODE`` decides."""
        return Probe.WORKING_MODE in self.features

    # Well-known flags of the reference's capability table.
    support_defence = _Flag("support_defence", "Arming / motion detection switch.")
    support_defenceplan = _Flag("support_defenceplan", "Arming schedule.")
    support_talk = _Flag("support_talk", "Two-way audio (1 full, 3 half duplex).")
    support_disk = _Flag("support_disk", "Storage formatting.")
    support_privacy = _Flag("support_privacy", "Privacy (lens masking) mode.")
    support_message = _Flag("support_message", "Alarm messages.")
    support_alarm_voice = _Flag("support_alarm_voice", "Alarm sound setting.")
    support_upgrade = _Flag("support_upgrade", "Firmware upgrade.")
    support_cloud = _Flag("support_cloud", "Cloud storage (model).")
    support_capture = _Flag("support_capture", "Snapshot capture.")
    support_modify_pwd = _Flag("support_modify_pwd", "Video password change.")
    support_ssl = _Flag("support_ssl", "Sound source positioning.")
    support_timezone = _Flag("support_timezone", "Time zone setting.")
    support_close_infrared_light = _Flag(
        "support_close_infrared_light", "Infrared light switch."
    )
    support_audio_onoff = _Flag("support_audio_onoff", "Microphone (audio) switch.")
    support_chime = _Flag("support_chime", "Doorbell chime setting.")
    support_pir_setting = _Flag("support_pir_setting", "PIR area setting.")
    support_pir_detect = _Flag("support_pir_detect", "PIR detection.")
    support_battery_manage = _Flag("support_battery_manage", "Battery management.")
    support_alarm_light = _Flag("support_alarm_light", "Security light.")
    support_sleep = _Flag("support_sleep", "Sleep mode.")
    support_volumn_set = _Flag("support_volumn_set", "Volume setting (sic).")
    support_motion_detect_area = _Flag(
        "support_motion_detect_area", "Motion detection area."
    )
    support_unlock = _Flag("support_unlock", "Remote unlock.")
    ptz_top_bottom = _Flag("ptz_top_bottom", "PTZ tilt (up/down).")
    ptz_left_right = _Flag("ptz_left_right", "PTZ pan (left/right).")
    ptz_45 = _Flag("ptz_45", "PTZ diagonal movement.")
    ptz_zoom = _Flag("ptz_zoom", "PTZ zoom.")
    ptz_preset = _Flag("ptz_preset", "PTZ presets.")
    ptz_focus = _Flag("ptz_focus", "Focal length.")
    ptz_center_mirror = _Flag("ptz_center_mirror", "Centre mirror flip.")
    ptz_left_right_mirror = _Flag("ptz_left_right_mirror", "Left/right mirror flip.")
    ptz_top_bottom_mirror = _Flag("ptz_top_bottom_mirror", "Up/down mirror flip.")

    @property
    def support_ptz(self) -> bool:
        """PTZ control: ``support_ptz``, or one of the split flags of newer devices."""
        return (
            self.supports("support_ptz")
            or self.ptz_top_bottom
            or self.ptz_left_right
            or self.ptz_zoom
        )

    @property
    def ptz_mirror(self) -> bool:
        """Any mirror flip (centre, left/right or up/down)."""
        return (
            self.ptz_center_mirror
            or self.ptz_left_right_mirror
            or self.ptz_top_bottom_mirror
        )

    @property
    def support_encrypt(self) -> bool:
        """Video encryption (the table spells it ``supprot_encrypt``)."""
        return self.supports("support_encrypt") or self.supports("supprot_encrypt")

    @property
    def talk_mode(self) -> int | None:
        """``support_talk`` as a number: 0 none, 1 full duplex, 3 half duplex."""
        return as_int(self.value("support_talk"))

    @property
    def channel_count(self) -> int | None:
        """``support_channel_number``, when the device reports it."""
        return as_int(self.value("support_channel_number"))

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages ``set_device_language`` accepts (``support_language``)."""
        text = as_str(self.value("support_language")) or ""
        return tuple(part.strip() for part in text.split(",") if part.strip())


class SystemMixin(BaseClient):
    """Capabilities, time zone, language, video password and firmware."""

    async def get_device_timezone(self, serial: str) -> DeviceTimeZone:
        """Get a device's time zone (``device/info`` with ``version=utc``)."""
        path = PATH_DEVICE_INFO
        serial = check_serial(serial, path)
        data = await self._lapp_object(path, {"deviceSerial": serial, "version": "utc"})
        return DeviceTimeZone.from_api(data)

    async def list_timezones(
        self, language: TimeZoneLanguage = TimeZoneLanguage.ENGLISH
    ) -> list[TimeZone]:
        """Get the time zones a device can be set to."""
        path = PATH_TIMEZONE_LIST
        language = check_enum(language, TimeZoneLanguage, "language", path)
        reply = await self._lapp(path, {"language": language})
        return parse_dicts(self._expect_list(reply.data, path), TimeZone.from_api)

    async def set_device_timezone(
        self,
        serial: str,
        timezone_code: str,
        *,
        date_format: DateFormat | None = None,
        daylight_saving: bool | None = None,
    ) -> None:
        """Set a device's time zone by a ``TimeZone.code`` of ``list_timezones``.

        ``date_format`` and ``daylight_saving`` are sent only when given.
        """
        path = PATH_TIMEZONE_SET
        serial = check_serial(serial, path)
        check_text(timezone_code, "timezone_code", path)
        await self._lapp(
            path,
            {
                "deviceSerial": serial,
                "timezone": timezone_code,
                "timeFormat": (
                    None
                    if date_format is None
                    else check_enum(date_format, DateFormat, "date_format", path)
                ),
                "daylightSaving": (
                    None if daylight_saving is None else switch_value(daylight_saving)
                ),
            },
        )

    async def get_device_capabilities(
        self, serial: str, *, channel: int | None = None
    ) -> DeviceCapabilities:
        """Get a device's capability set (read it at setup and after an upgrade)."""
        path = PATH_CAPACITY
        serial = check_serial(serial, path)
        check_channel(channel, path)
        reply = await self._lapp(path, {"deviceSerial": serial, "channelNo": channel})
        data = {} if reply.data is None else self._expect_dict(reply.data, path)
        return DeviceCapabilities.from_api(data)

    async def probe(self, serial: str, probe: Probe) -> bool:
        """Ask a feature's endpoint whether the device has the feature.

        True when it answers with the feature's data; False when it answers
        "not supported" (:func:`answers_unsupported`) or succeeds without that
        data. Any other error is raised: it says nothing about the device, so
        the caller asks again later rather than remembering an answer. One
        request, the same one the feature's entity reads.
        """
        path, member = PROBE_READS[probe]
        serial = check_serial(serial, path)
        try:
            if path.startswith(_V3_PREFIX):
                data = await self._v3("GET", path, serial=serial)
            else:
                data = (await self._lapp(path, {"deviceSerial": serial})).data
        except EzvizNotSupportedError as err:
            if answers_unsupported(err):
                return False
            raise
        if isinstance(data, list):
            # A per-channel list: the device's own entry comes first, as the
            # entity's read takes it.
            data = data[0] if data else None
        return as_dict(data).get(member) is not None

    async def get_device_language(self, serial: str) -> str | None:
        """Get a device's language (e.g. "ENGLISH")."""
        path = PATH_LANGUAGE_GET
        serial = check_serial(serial, path)
        data = await self._lapp_object(path, {"deviceSerial": serial})
        return as_str(data.get("language"))

    async def set_device_language(self, serial: str, language: str) -> None:
        """Set a device's language, one of ``DeviceCapabilities.languages``."""
        path = PATH_LANGUAGE_SET
        serial = check_serial(serial, path)
        check_text(language, "language", path)
        await self._lapp(path, {"deviceSerial": serial, "language": language})

    async def update_video_password(
        self, serial: str, old_password: str, new_password: str
    ) -> None:
        """Change the video encryption password (at most 12 characters).

        A device reset brings back the verification code on its label.
        """
        path = PATH_PASSWORD_UPDATE
        serial = check_serial(serial, path)
        check_text(old_password, "old_password", path)
        check_text(new_password, "new_password", path)
        if len(new_password) > MAX_VIDEO_PASSWORD_LENGTH:
            raise param_error(
                f"new_password must be at most {MAX_VIDEO_PASSWORD_LENGTH} characters",
                path,
            )
        await self._lapp(
            path,
            {
                "deviceSerial": serial,
                "oldPassword": old_password,
                "newPassword": new_password,
            },
        )

    async def get_device_version(self, serial: str) -> DeviceVersion:
        """Get the installed and the latest available firmware."""
        path = PATH_VERSION_INFO
        serial = check_serial(serial, path)
        data = await self._lapp_object(path, {"deviceSerial": serial})
        return DeviceVersion.from_api(data)

    async def upgrade_device(self, serial: str) -> None:
        """Start a firmware upgrade to the latest version.

        Already up to date answers 60013 (``EzvizNoChangeError``).
        """
        path = PATH_UPGRADE
        serial = check_serial(serial, path)
        await self._lapp(path, {"deviceSerial": serial})

    async def get_upgrade_status(self, serial: str) -> UpgradeStatus:
        """Get the state and progress of a firmware upgrade."""
        path = PATH_UPGRADE_STATUS
        serial = check_serial(serial, path)
        data = await self._lapp_object(path, {"deviceSerial": serial})
        return UpgradeStatus.from_api(data)

"""Time zone, capabilities, language, video password and firmware."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web
import pytest

from custom_components.ezviz_open.api import EzvizOpenClient
from custom_components.ezviz_open.api.device_config import (
    PATH_FILL_LIGHT_GET,
    PATH_TIMING_PLAN_GET,
)
from custom_components.ezviz_open.api.errors import (
    EzvizDeviceBusyError,
    EzvizDeviceOfflineError,
    EzvizEncryptionError,
    EzvizError,
    EzvizNoChangeError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
    EzvizRateLimitError,
    EzvizResponseError,
    EzvizServerError,
)
from custom_components.ezviz_open.api.live import StreamProtocol
from custom_components.ezviz_open.api.settings import PATH_PROMPT_SOUND_STATUS
from custom_components.ezviz_open.api.system import (
    PATH_CAPACITY,
    PATH_DEVICE_INFO,
    PATH_LANGUAGE_GET,
    PATH_LANGUAGE_SET,
    PATH_PASSWORD_UPDATE,
    PATH_TIMEZONE_LIST,
    PATH_TIMEZONE_SET,
    PATH_UPGRADE,
    PATH_UPGRADE_STATUS,
    PATH_VERSION_INFO,
    DateFormat,
    DeviceCapabilities,
    Probe,
    TimeZoneLanguage,
    UpgradeState,
)

from .partb_helpers import assert_lapp, assert_v3, last_request

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import aiohttp

    from simulator import Simulator

    type StartServer = Callable[
        [Callable[[web.Request], Awaitable[web.StreamResponse]]], Awaitable[str]
    ]

CAMERA = "C6N000001"
BATTERY = "BC1000002"
DOORBELL = "DB1000003"
HUB = "A1S000004"
NVR = "NVR000005"
ENCRYPTED = "C8C000006"
OFFLINE = "C1C000007"

# -------------------------------------------------------------------- time zone


async def test_device_timezone(client: EzvizOpenClient, simulator: Simulator) -> None:
    tz = await client.get_device_timezone(CAMERA)
    assert_lapp(
        last_request(simulator, PATH_DEVICE_INFO),
        {"deviceSerial": CAMERA, "version": "utc"},
    )
    dev = simulator.state.devices[CAMERA]
    assert tz.serial == CAMERA
    assert tz.time_zone == dev.timezone == "UTC+01:00"
    assert tz.wifi_ssid == dev.wifi_ssid
    assert tz.offline_notify is True
    dev.offline_notify = 0
    assert (await client.get_device_timezone(CAMERA)).offline_notify is False


async def test_timezone_list(client: EzvizOpenClient, simulator: Simulator) -> None:
    zones = await client.list_timezones()
    assert_lapp(last_request(simulator, PATH_TIMEZONE_LIST), {"language": "ENGLISH"})
    assert len(zones) > 100
    first = zones[0]
    assert (first.code, first.value) == ("2", "UTC+14:00")
    assert first.display_name == "(UTC+14:00) Kiritimati Island"
    await client.list_timezones(TimeZoneLanguage.SIMPCN)
    assert last_request(simulator, PATH_TIMEZONE_LIST).form["language"] == "SIMPCN"


async def test_set_timezone_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    zones = await client.list_timezones()
    target = next(zone for zone in zones if zone.value == "UTC+12:00")
    await client.set_device_timezone(
        CAMERA,
        target.code,
        date_format=DateFormat.DD_MM_YYYY,
        daylight_saving=True,
    )
    assert_lapp(
        last_request(simulator, PATH_TIMEZONE_SET),
        {
            "deviceSerial": CAMERA,
            "timezone": target.code,
            "timeFormat": "2",
            "daylightSaving": "1",
        },
    )
    dev = simulator.state.devices[CAMERA]
    assert (dev.tz_code, dev.time_format, dev.daylight_saving) == (target.code, 2, "1")
    assert (await client.get_device_timezone(CAMERA)).time_zone == "UTC+12:00"

    await client.set_device_timezone(CAMERA, zones[0].code)
    assert_lapp(
        last_request(simulator, PATH_TIMEZONE_SET),
        {"deviceSerial": CAMERA, "timezone": zones[0].code},
    )
    assert dev.time_format == 2  # unchanged when not sent


async def test_timezone_errors(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizParameterError) as err:
        await client.set_device_timezone(CAMERA, "99999")
    assert err.value.code == 10001
    with pytest.raises(EzvizDeviceOfflineError):
        await client.set_device_timezone(OFFLINE, "2")
    with pytest.raises(EzvizNotFoundError):
        await client.get_device_timezone("ZZZ999999")


# ----------------------------------------------------------------- capabilities


async def test_capabilities_ptz_camera(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    caps = await client.get_device_capabilities(CAMERA)
    assert_lapp(last_request(simulator, PATH_CAPACITY), {"deviceSerial": CAMERA})
    assert caps.raw == simulator.state.devices[CAMERA].capabilities
    assert caps.support_ptz
    assert caps.ptz_top_bottom
    assert caps.ptz_left_right
    assert caps.ptz_zoom
    assert caps.ptz_preset
    assert caps.ptz_mirror
    assert not caps.ptz_45  # "0"
    assert caps.support_privacy
    assert caps.support_capture
    assert caps.support_ssl
    assert caps.support_close_infrared_light
    assert not caps.fill_light  # no flag in the table: only a probe decides
    assert caps.support_encrypt
    assert not caps.support_alarm_light
    assert caps.talk_mode == 1
    assert caps.channel_count == 1
    assert caps.languages == ("ENGLISH", "GERMAN", "FRENCH", "SPANISH")
    assert caps.supports("video_quality_capacity")  # a non-empty list
    assert caps.supports("SUPPORT_DEVICE_DISTORTION_CORRECTION")  # mixed case key
    assert not caps.supports("support_unknown_thing")
    assert "support_defence" in caps
    assert "ptz_45" not in caps.supported


async def test_capabilities_other_devices(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    battery = await client.get_device_capabilities(BATTERY)
    assert not battery.support_ptz  # "0" split flags and support_ptz "0"
    assert not battery.support_capture  # absent on battery cameras
    assert not battery.support_privacy
    assert not battery.support_defenceplan
    assert battery.support_pir_setting
    assert battery.support_battery_manage
    assert battery.talk_mode == 3
    assert battery.support_talk
    assert not battery.supports("video_quality_capacity")  # []

    hub = await client.get_device_capabilities(HUB)
    assert hub.support_defence
    assert not hub.support_talk
    assert hub.channel_count == 0
    assert hub.supports("support_modify_detectorguard")  # "0,0,7,7,7,0,7,0,0,0"
    assert "GERMAN" in hub.languages

    nvr = await client.get_device_capabilities(NVR, channel=1)
    assert_lapp(
        last_request(simulator, PATH_CAPACITY), {"deviceSerial": NVR, "channelNo": "1"}
    )
    assert nvr.channel_count == 4
    assert not nvr.support_ptz

    doorbell = await client.get_device_capabilities(DOORBELL)
    assert doorbell.support_chime
    assert doorbell.support_alarm_voice  # "3"
    assert doorbell.supports("support_resolution")  # "4-3"


async def test_capabilities_errors(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizNotFoundError):
        await client.get_device_capabilities("ZZZ999999")
    # Capabilities are cloud-side: an offline device still answers.
    assert (await client.get_device_capabilities(OFFLINE)).support_privacy


def test_capabilities_never_fail_on_types() -> None:
    caps = DeviceCapabilities.from_api(
        {
            "support_talk": None,
            "support_x": {"nested": 1},
            "support_y": 1.5,
            "support_z": True,
            "supprot_encrypt": "1",
        }
    )
    assert caps.supported == frozenset(
        {"support_x", "support_y", "support_z", "supprot_encrypt"}
    )
    assert caps.support_encrypt
    assert caps.talk_mode is None
    assert caps.languages == ()
    assert list(caps) == sorted(caps.supported)
    assert DeviceCapabilities.from_api([1, 2]).supported == frozenset()


# ----------------------------------------------------------------------- probes


async def test_probe_fill_light_against_the_simulator(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    """A camera with a fill light answers data; the others 60020 (HTTP 422)."""
    assert await client.probe(CAMERA, Probe.FILL_LIGHT) is True
    assert_v3(last_request(simulator, PATH_FILL_LIGHT_GET), "GET", CAMERA)
    assert await client.probe(ENCRYPTED, Probe.FILL_LIGHT) is True
    for serial in (BATTERY, DOORBELL, HUB):
        assert await client.probe(serial, Probe.FILL_LIGHT) is False
    unsupported = [r for r in simulator.requests if r.path == PATH_FILL_LIGHT_GET]
    assert [(r.status, r.code) for r in unsupported[2:]] == [(422, 60020)] * 3
    # Nothing beyond the one read per probe.
    assert simulator.count() == simulator.count(PATH_FILL_LIGHT_GET) + 1  # token


@pytest.mark.parametrize("code", [60020, 20015])
async def test_probe_unsupported_codes_v3(
    client: EzvizOpenClient, simulator: Simulator, code: int
) -> None:
    """Both "not supported" codes of the reference, in the v3 envelope."""
    simulator.faults.error(PATH_FILL_LIGHT_GET, code, times=1)
    assert await client.probe(CAMERA, Probe.FILL_LIGHT) is False


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (20007, EzvizDeviceOfflineError),
        (20008, EzvizDeviceBusyError),
        (10029, EzvizRateLimitError),
        (50000, EzvizServerError),
        # "Not supported" in the code table, but about the account, not the
        # device: no answer either.
        (10026, EzvizNotSupportedError),
    ],
)
async def test_probe_errors_are_no_answer(
    client: EzvizOpenClient, simulator: Simulator, code: int, error: type[EzvizError]
) -> None:
    """Offline, busy, rate limit, server errors raise (ask again later)."""
    simulator.faults.error(PATH_FILL_LIGHT_GET, code, times=1)
    with pytest.raises(error):
        await client.probe(CAMERA, Probe.FILL_LIGHT)
    assert await client.probe(CAMERA, Probe.FILL_LIGHT) is True


async def test_probe_http_errors(client: EzvizOpenClient, simulator: Simulator) -> None:
    """A bare HTTP 422 is the endpoint's "not supported"; a 502 is no answer."""
    simulator.faults.http_error(PATH_FILL_LIGHT_GET, 422, times=1)
    assert await client.probe(CAMERA, Probe.FILL_LIGHT) is False
    simulator.faults.http_error(PATH_FILL_LIGHT_GET, 502, times=1)
    with pytest.raises(EzvizServerError):
        await client.probe(CAMERA, Probe.FILL_LIGHT)
    simulator.faults.bad_body(PATH_FILL_LIGHT_GET, "html", times=1)
    with pytest.raises(EzvizResponseError):
        await client.probe(CAMERA, Probe.FILL_LIGHT)


@pytest.mark.parametrize(
    ("status", "reply", "expected"),
    [
        # The lapp envelope (string code) on the v3 path: still an answer.
        (200, {"code": "60020", "msg": "not supported"}, False),
        (200, {"code": "20015", "msg": "not supported"}, False),
        (422, {"meta": {"code": 60020, "message": "no signaling"}}, False),
        # Success without the feature's data: nothing to show.
        (200, {"meta": {"code": 200, "message": "ok"}}, False),
        (200, {"meta": {"code": 200}, "data": {"deviceSerial": CAMERA}}, False),
        (200, {"meta": {"code": 200}, "data": []}, False),
        (200, {"meta": {"code": 200}, "data": {"graphicType": "0"}}, True),
        (200, {"code": "200", "data": {"graphicType": 1}}, True),
    ],
)
async def test_probe_reply_shapes(
    local_server: StartServer,
    session: aiohttp.ClientSession,
    status: int,
    reply: dict[str, Any],
    expected: bool,
) -> None:
    """Reply shapes the simulator does not produce (a local server answers)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/token/get"):
            token = {"accessToken": "at.local", "expireTime": 4_102_444_800_000}
            return web.json_response({"code": "200", "msg": "ok", "data": token})
        assert request.path == PATH_FILL_LIGHT_GET
        assert request.headers["deviceSerial"] == CAMERA
        return web.json_response(reply, status=status)

    url = await local_server(handler)
    client = EzvizOpenClient(session, "key", "secret", base_url=url)
    assert await client.probe(CAMERA, Probe.FILL_LIGHT) is expected


async def test_probe_prompt_sound_and_working_mode_against_the_simulator(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    """Each probe makes its entity's own read: lapp POST or v3 GET.

    Data where the device has the feature; 60020 (lapp envelope, HTTP 200;
    v3, HTTP 422) where it has not, whatever its capability flags say (the
    doorbell has no ``support_wifi``, the PTZ camera no
    ``support_battery_manage``; neither decides).
    """
    assert await client.probe(CAMERA, Probe.PROMPT_SOUND) is True
    assert_lapp(
        last_request(simulator, PATH_PROMPT_SOUND_STATUS), {"deviceSerial": CAMERA}
    )
    assert await client.probe(BATTERY, Probe.PROMPT_SOUND) is True
    assert await client.probe(DOORBELL, Probe.PROMPT_SOUND) is False
    simulator.state.devices[BATTERY].sound_switch = None
    assert await client.probe(BATTERY, Probe.PROMPT_SOUND) is False

    assert await client.probe(BATTERY, Probe.WORKING_MODE) is True
    assert_v3(last_request(simulator, PATH_TIMING_PLAN_GET), "GET", BATTERY)
    assert await client.probe(CAMERA, Probe.WORKING_MODE) is False
    simulator.state.devices[CAMERA].timing_plan = {"eventArg": "2"}
    assert await client.probe(CAMERA, Probe.WORKING_MODE) is True

    refused = {
        (r.path, r.status, r.code)
        for r in simulator.requests
        if r.path in (PATH_PROMPT_SOUND_STATUS, PATH_TIMING_PLAN_GET) and r.code != 200
    }
    assert refused == {
        (PATH_PROMPT_SOUND_STATUS, 200, 60020),
        (PATH_TIMING_PLAN_GET, 422, 60020),
    }


@pytest.mark.parametrize("code", [60020, 20015])
async def test_probe_unsupported_codes_lapp(
    client: EzvizOpenClient, simulator: Simulator, code: int
) -> None:
    """Both "not supported" codes of the reference, in the lapp envelope."""
    simulator.faults.error(PATH_PROMPT_SOUND_STATUS, code, times=1)
    assert await client.probe(CAMERA, Probe.PROMPT_SOUND) is False


@pytest.mark.parametrize(
    ("probe", "path"),
    [
        (Probe.PROMPT_SOUND, PATH_PROMPT_SOUND_STATUS),
        (Probe.WORKING_MODE, PATH_TIMING_PLAN_GET),
    ],
)
@pytest.mark.parametrize(
    ("code", "error"),
    [
        (20007, EzvizDeviceOfflineError),
        (20008, EzvizDeviceBusyError),
        (10029, EzvizRateLimitError),
        (49999, EzvizServerError),
    ],
)
async def test_probe_errors_are_no_answer_lapp_and_v3(
    client: EzvizOpenClient,
    simulator: Simulator,
    probe: Probe,
    path: str,
    code: int,
    error: type[EzvizError],
) -> None:
    """Offline, busy, rate limit, data errors raise on both new probes."""
    simulator.faults.error(path, code, times=1)
    with pytest.raises(error):
        await client.probe(BATTERY, probe)
    assert await client.probe(BATTERY, probe) is True


@pytest.mark.parametrize(
    ("probe", "reply", "expected"),
    [
        # sound/switch/status: {deviceSerial, channelNo, enable}.
        (Probe.PROMPT_SOUND, {"code": "200", "data": {"enable": 0}}, True),
        (Probe.PROMPT_SOUND, {"code": "200", "data": [{"enable": 1}]}, True),
        (Probe.PROMPT_SOUND, {"code": "200", "data": [{"channelNo": 1}]}, False),
        (Probe.PROMPT_SOUND, {"code": "200", "data": []}, False),
        (Probe.PROMPT_SOUND, {"code": "200", "data": {"deviceSerial": CAMERA}}, False),
        (Probe.PROMPT_SOUND, {"code": "60020", "msg": "not supported"}, False),
        # timing/plan/get: {subSerial, subType, weekPlans}.
        (Probe.WORKING_MODE, {"meta": {"code": 200}, "data": {"weekPlans": []}}, True),
        (Probe.WORKING_MODE, {"meta": {"code": 200}, "data": {"subType": 2}}, False),
    ],
)
async def test_probe_reply_shapes_new_probes(
    local_server: StartServer,
    session: aiohttp.ClientSession,
    probe: Probe,
    reply: dict[str, Any],
    expected: bool,
) -> None:
    """Reply shapes the simulator does not produce (a local server answers)."""
    path = (
        PATH_PROMPT_SOUND_STATUS
        if probe is Probe.PROMPT_SOUND
        else PATH_TIMING_PLAN_GET
    )

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/token/get"):
            token = {"accessToken": "at.local", "expireTime": 4_102_444_800_000}
            return web.json_response({"code": "200", "msg": "ok", "data": token})
        assert request.path == path
        return web.json_response(reply)

    url = await local_server(handler)
    client = EzvizOpenClient(session, "key", "secret", base_url=url)
    assert await client.probe(CAMERA, probe) is expected


def test_capabilities_answered() -> None:
    """A probe's answer is recorded on a copy; "not supported" is an answer too."""
    caps = DeviceCapabilities.from_api({"support_defence": "1"})
    assert not caps.fill_light
    assert caps.probed == frozenset()
    yes = caps.answered(Probe.FILL_LIGHT, supported=True)
    assert yes.fill_light
    assert yes.probed == {Probe.FILL_LIGHT}
    assert yes.support_defence
    no = yes.answered(Probe.FILL_LIGHT, supported=False)
    assert not no.fill_light
    assert no.probed == {Probe.FILL_LIGHT}
    assert not caps.fill_light  # unchanged
    both = no.answered(Probe.PROMPT_SOUND, supported=True).answered(
        Probe.WORKING_MODE, supported=True
    )
    assert (both.fill_light, both.prompt_sound, both.working_mode) == (
        False,
        True,
        True,
    )
    assert both.probed == set(Probe)


# --------------------------------------------------------------------- language


async def test_language_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    assert await client.get_device_language(CAMERA) == "ENGLISH"
    assert_lapp(last_request(simulator, PATH_LANGUAGE_GET), {"deviceSerial": CAMERA})
    await client.set_device_language(CAMERA, "GERMAN")
    assert_lapp(
        last_request(simulator, PATH_LANGUAGE_SET),
        {"deviceSerial": CAMERA, "language": "GERMAN"},
    )
    assert simulator.state.devices[CAMERA].language == "GERMAN"
    assert await client.get_device_language(CAMERA) == "GERMAN"


async def test_language_errors(client: EzvizOpenClient, simulator: Simulator) -> None:
    with pytest.raises(EzvizParameterError) as err:
        await client.set_device_language(CAMERA, "KLINGON")
    assert err.value.code == 10001
    with pytest.raises(EzvizDeviceOfflineError):
        await client.set_device_language(OFFLINE, "ENGLISH")
    with pytest.raises(EzvizParameterError) as err:
        await client.set_device_language(CAMERA, "")
    assert err.value.code is None
    assert simulator.count(PATH_LANGUAGE_SET) == 2


# ---------------------------------------------------------------- video password


async def test_video_password_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    await client.update_video_password(ENCRYPTED, "HJKLMN", "NEWPASS1")
    assert_lapp(
        last_request(simulator, PATH_PASSWORD_UPDATE),
        {"deviceSerial": ENCRYPTED, "oldPassword": "HJKLMN", "newPassword": "NEWPASS1"},
    )
    assert simulator.state.devices[ENCRYPTED].password == "NEWPASS1"
    # The new password now opens the ezopen address; the label code no longer does.
    address = await client.get_live_address(
        ENCRYPTED, protocol=StreamProtocol.EZOPEN, code="NEWPASS1"
    )
    assert address.url.startswith("ezopen://")
    with pytest.raises(EzvizEncryptionError) as err:
        await client.get_live_address(
            ENCRYPTED, protocol=StreamProtocol.EZOPEN, code="HJKLMN"
        )
    assert err.value.code == 20010


async def test_video_password_errors(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    with pytest.raises(EzvizParameterError) as err:
        await client.update_video_password(ENCRYPTED, "HJKLMN", "X" * 13)
    assert err.value.code is None
    assert simulator.count(PATH_PASSWORD_UPDATE) == 0
    with pytest.raises(EzvizEncryptionError) as wrong:
        await client.update_video_password(ENCRYPTED, "WRONGX", "NEWPASS1")
    assert wrong.value.code == 20010
    with pytest.raises(EzvizNotSupportedError):
        await client.update_video_password(DOORBELL, "CDEFGH", "NEWPASS1")


# --------------------------------------------------------------------- firmware


async def test_version_info(client: EzvizOpenClient, simulator: Simulator) -> None:
    version = await client.get_device_version(CAMERA)
    assert_lapp(last_request(simulator, PATH_VERSION_INFO), {"deviceSerial": CAMERA})
    upgrade = simulator.state.devices[CAMERA].upgrade
    assert (version.current, version.latest) == (upgrade.current, upgrade.latest)
    assert version.upgrade_available
    assert not (await client.get_device_version(BATTERY)).upgrade_available


async def test_upgrade_progress(client: EzvizOpenClient, simulator: Simulator) -> None:
    dev = simulator.state.devices[CAMERA]
    await client.upgrade_device(CAMERA)
    assert_lapp(last_request(simulator, PATH_UPGRADE), {"deviceSerial": CAMERA})
    assert dev.upgrade.started_at is not None

    status = await client.get_upgrade_status(CAMERA)
    assert_lapp(last_request(simulator, PATH_UPGRADE_STATUS), {"deviceSerial": CAMERA})
    assert status.state is UpgradeState.UPGRADING
    assert status.progress is not None
    assert 1 <= status.progress < 100

    with pytest.raises(EzvizDeviceBusyError) as err:
        await client.upgrade_device(CAMERA)
    assert err.value.code == 60014

    # Move the simulated upgrade half-way, then past the reboot.
    dev.upgrade.started_at -= simulator.state.upgrade_duration / 2
    half = await client.get_upgrade_status(CAMERA)
    assert half.state is UpgradeState.UPGRADING
    assert half.progress is not None
    assert half.progress >= 45
    dev.upgrade.started_at -= (
        simulator.state.upgrade_duration + simulator.state.reboot_duration
    )
    done = await client.get_upgrade_status(CAMERA)
    assert done.state is UpgradeState.UPGRADED
    version = await client.get_device_version(CAMERA)
    assert version.current == version.latest == "V5.3.9 build 231020"


async def test_upgrade_errors(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizNoChangeError) as err:
        await client.upgrade_device(BATTERY)  # already the latest
    assert err.value.code == 60013
    with pytest.raises(EzvizDeviceOfflineError):
        await client.upgrade_device(OFFLINE)
    with pytest.raises(EzvizDeviceOfflineError):
        await client.get_upgrade_status(OFFLINE)

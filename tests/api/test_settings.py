"""Arming, encryption, switches, schedules, PIR and chime against the simulator."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api.errors import (
    EzvizDeviceOfflineError,
    EzvizEncryptionError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
)
from custom_components.ezviz_open.api.settings import (
    PATH_CHIME_GET,
    PATH_CHIME_SET,
    PATH_DEFENCE_PLAN_GET,
    PATH_DEFENCE_PLAN_SET,
    PATH_DEFENCE_SET,
    PATH_ENCRYPT_OFF,
    PATH_ENCRYPT_ON,
    PATH_INFRARED_GET,
    PATH_INFRARED_SET,
    PATH_MICROPHONE_SET,
    PATH_MICROPHONE_STATUS,
    PATH_PIR_GET,
    PATH_PIR_SET,
    PATH_PRIVACY_SET,
    PATH_PRIVACY_STATUS,
    PATH_PROMPT_SOUND_SET,
    PATH_PROMPT_SOUND_STATUS,
    PATH_SSL_SET,
    PATH_SSL_STATUS,
    CameraDefenceMode,
    ChimeSettings,
    ChimeType,
    DefencePlan,
    HubDefenceMode,
    PirArea,
    SwitchStatus,
    Weekday,
    defence_mode,
)

from .partb_helpers import assert_lapp, last_request

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

CAMERA = "C6N000001"
BATTERY = "BC1000002"
DOORBELL = "DB1000003"
HUB = "A1S000004"
ENCRYPTED = "C8C000006"
OFFLINE = "C1C000007"

# ---------------------------------------------------------------------- defence


async def test_arm_and_disarm_camera(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    await client.set_defence(CAMERA, CameraDefenceMode.ARMED)
    assert_lapp(
        last_request(simulator, PATH_DEFENCE_SET),
        {"deviceSerial": CAMERA, "isDefence": "1"},
    )
    assert simulator.state.devices[CAMERA].defence == 1
    info = await client.get_device_info(CAMERA)
    assert defence_mode(info.defence, hub=False) is CameraDefenceMode.ARMED

    await client.set_defence(CAMERA, CameraDefenceMode.DISARMED)
    assert simulator.state.devices[CAMERA].defence == 0


async def test_hub_modes(client: EzvizOpenClient, simulator: Simulator) -> None:
    await client.set_defence(HUB, HubDefenceMode.AWAY)
    assert_lapp(
        last_request(simulator, PATH_DEFENCE_SET),
        {"deviceSerial": HUB, "isDefence": "16"},
    )
    assert simulator.state.devices[HUB].defence == 16
    info = await client.get_device_info(HUB)
    assert defence_mode(info.defence, hub=True) is HubDefenceMode.AWAY
    await client.set_defence(HUB, HubDefenceMode.SLEEP)
    assert defence_mode(simulator.state.devices[HUB].defence, hub=True) is (
        HubDefenceMode.SLEEP
    )


async def test_defence_errors(client: EzvizOpenClient, simulator: Simulator) -> None:
    with pytest.raises(EzvizParameterError) as err:
        await client.set_defence(CAMERA, 1)  # type: ignore[arg-type]
    assert err.value.code is None
    assert simulator.count(PATH_DEFENCE_SET) == 0
    with pytest.raises(EzvizParameterError) as err:
        await client.set_defence(CAMERA, HubDefenceMode.HOME)  # wrong family
    assert err.value.code == 10001
    with pytest.raises(EzvizDeviceOfflineError):
        await client.set_defence(OFFLINE, CameraDefenceMode.ARMED)
    with pytest.raises(EzvizNotFoundError):
        await client.set_defence("ZZZ999999", CameraDefenceMode.ARMED)


def test_defence_mode_reader() -> None:
    assert defence_mode("8", hub=True) is HubDefenceMode.HOME
    assert defence_mode(0, hub=True) is HubDefenceMode.SLEEP
    assert defence_mode(0, hub=False) is CameraDefenceMode.DISARMED
    assert defence_mode(8, hub=False) is None
    assert defence_mode(None, hub=True) is None


# ------------------------------------------------------------------- encryption


async def test_encryption_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    dev = simulator.state.devices[CAMERA]
    await client.enable_encryption(CAMERA)
    assert_lapp(last_request(simulator, PATH_ENCRYPT_ON), {"deviceSerial": CAMERA})
    assert simulator.state.devices[CAMERA].is_encrypt
    assert (await client.get_device_info(CAMERA)).encrypted is True
    with pytest.raises(EzvizEncryptionError) as err:
        await client.enable_encryption(CAMERA)
    assert err.value.code == 60019

    await client.disable_encryption(CAMERA, "ABCDEF")
    assert_lapp(
        last_request(simulator, PATH_ENCRYPT_OFF),
        {"deviceSerial": CAMERA, "validateCode": "ABCDEF"},
    )
    assert dev.is_encrypt is False
    with pytest.raises(EzvizEncryptionError) as err:
        await client.disable_encryption(CAMERA, "ABCDEF")
    assert err.value.code == 60016


async def test_disable_encryption_wrong_code(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizEncryptionError) as err:
        await client.disable_encryption(ENCRYPTED, "WRONGX")
    assert err.value.code == 20010
    assert "WRONGX" not in repr(err.value)
    with pytest.raises(EzvizDeviceOfflineError):
        await client.enable_encryption(OFFLINE)


# ----------------------------------------------------------------- plain switches


async def test_prompt_sound_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    status = await client.get_prompt_sound(CAMERA)
    assert_lapp(
        last_request(simulator, PATH_PROMPT_SOUND_STATUS), {"deviceSerial": CAMERA}
    )
    assert status == SwitchStatus(enabled=True, serial=CAMERA, channel=1)
    await client.set_prompt_sound(CAMERA, False)
    assert_lapp(
        last_request(simulator, PATH_PROMPT_SOUND_SET),
        {"deviceSerial": CAMERA, "enable": "0"},
    )
    assert simulator.state.devices[CAMERA].sound_switch == 0
    assert (await client.get_prompt_sound(CAMERA)).enabled is False
    with pytest.raises(EzvizNotFoundError) as err:
        await client.set_prompt_sound(CAMERA, True, channel=2)
    assert err.value.code == 20032


async def test_privacy_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    assert (await client.get_privacy(CAMERA)).enabled is False
    assert_lapp(last_request(simulator, PATH_PRIVACY_STATUS), {"deviceSerial": CAMERA})
    await client.set_privacy(CAMERA, True, channel=1)
    assert_lapp(
        last_request(simulator, PATH_PRIVACY_SET),
        {"deviceSerial": CAMERA, "enable": "1", "channelNo": "1"},
    )
    assert simulator.state.devices[CAMERA].privacy == 1
    assert (await client.get_privacy(CAMERA)).enabled is True
    assert (await client.get_device_status(CAMERA)).privacy is True


async def test_privacy_errors(client: EzvizOpenClient, simulator: Simulator) -> None:
    with pytest.raises(EzvizNotSupportedError):
        await client.get_privacy(ENCRYPTED)  # support_privacy "0"
    with pytest.raises(EzvizNotSupportedError):
        await client.set_privacy(BATTERY, True)  # battery cameras omit the flag
    with pytest.raises(EzvizDeviceOfflineError):
        await client.set_privacy(OFFLINE, True)
    with pytest.raises(EzvizParameterError) as err:
        await client.set_privacy(CAMERA, 1)  # type: ignore[arg-type]
    assert err.value.code is None
    assert simulator.count(PATH_PRIVACY_SET) == 2


async def test_sound_localization_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    assert (await client.get_sound_localization(CAMERA)).enabled is False
    assert_lapp(last_request(simulator, PATH_SSL_STATUS), {"deviceSerial": CAMERA})
    await client.set_sound_localization(CAMERA, True)
    assert_lapp(
        last_request(simulator, PATH_SSL_SET), {"deviceSerial": CAMERA, "enable": "1"}
    )
    assert simulator.state.devices[CAMERA].ssl == 1
    assert (await client.get_sound_localization(CAMERA)).enabled is True
    with pytest.raises(EzvizNotSupportedError):
        await client.get_sound_localization(BATTERY)


async def test_microphone_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    status = await client.get_microphone(CAMERA)
    assert_lapp(
        last_request(simulator, PATH_MICROPHONE_STATUS), {"deviceSerial": CAMERA}
    )
    assert status.enabled is True  # sent as the string "1" in a list
    assert status.channel == 1
    await client.set_microphone(CAMERA, False)
    assert_lapp(
        last_request(simulator, PATH_MICROPHONE_SET),
        {"deviceSerial": CAMERA, "enable": "0"},
    )
    assert simulator.state.devices[CAMERA].microphone == 0
    assert (await client.get_microphone(CAMERA)).enabled is False
    with pytest.raises(EzvizNotSupportedError):
        await client.get_microphone(HUB)  # no channels
    with pytest.raises(EzvizDeviceOfflineError):
        await client.get_microphone(OFFLINE)


async def test_infrared_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    assert (await client.get_infrared(CAMERA, channel=1)).enabled is True
    assert_lapp(
        last_request(simulator, PATH_INFRARED_GET),
        {"deviceSerial": CAMERA, "channelNo": "1"},
    )
    await client.set_infrared(CAMERA, False)
    assert_lapp(
        last_request(simulator, PATH_INFRARED_SET),
        {"deviceSerial": CAMERA, "enable": "0"},
    )
    assert simulator.state.devices[CAMERA].infrared == 0
    assert (await client.get_infrared(CAMERA)).enabled is False
    with pytest.raises(EzvizNotSupportedError):
        await client.set_infrared(BATTERY, True)


# ---------------------------------------------------------------- defence plan


async def test_defence_plan_read(client: EzvizOpenClient, simulator: Simulator) -> None:
    plan = await client.get_defence_plan(CAMERA)
    assert_lapp(
        last_request(simulator, PATH_DEFENCE_PLAN_GET), {"deviceSerial": CAMERA}
    )
    assert plan == DefencePlan(
        enabled=False,
        start=time(22, 0),
        stop=time(6, 0),
        stop_next_day=True,
        days=tuple(Weekday),
    )


async def test_defence_plan_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    plan = DefencePlan(
        enabled=True,
        start=time(8, 30),
        stop=time(0, 0),
        stop_next_day=True,
        days=(Weekday.FRIDAY, Weekday.MONDAY, Weekday.WEDNESDAY),
    )
    await client.set_defence_plan(CAMERA, plan, channel=1)
    assert_lapp(
        last_request(simulator, PATH_DEFENCE_PLAN_SET),
        {
            "deviceSerial": CAMERA,
            "channelNo": "1",
            "startTime": "08:30",
            "stopTime": "n00:00",
            "period": "0,2,4",
            "enable": "1",
        },
    )
    assert simulator.state.devices[CAMERA].defence_plan["period"] == "0,2,4"
    read = await client.get_defence_plan(CAMERA, channel=1)
    assert read == DefencePlan(
        enabled=True,
        start=time(8, 30),
        stop=time(0, 0),
        stop_next_day=True,
        days=(Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY),
    )


async def test_defence_plan_partial_and_errors(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    await client.set_defence_plan(CAMERA, DefencePlan(enabled=False))
    assert_lapp(
        last_request(simulator, PATH_DEFENCE_PLAN_SET),
        {"deviceSerial": CAMERA, "enable": "0"},
    )
    with pytest.raises(EzvizParameterError) as err:
        await client.set_defence_plan(CAMERA, DefencePlan(days=()))
    assert err.value.code is None
    with pytest.raises(EzvizNotSupportedError):
        await client.get_defence_plan(BATTERY)  # no support_defenceplan
    with pytest.raises(EzvizDeviceOfflineError):
        await client.set_defence_plan(OFFLINE, DefencePlan(enabled=True))


def test_defence_plan_parsing_is_lenient() -> None:
    plan = DefencePlan.from_api(
        {"startTime": "6:00", "stopTime": "16:00", "period": "6,0,x,9", "enable": "1"}
    )
    assert plan.start == time(6, 0)
    assert plan.stop == time(16, 0)
    assert plan.stop_next_day is False
    assert plan.days == (Weekday.MONDAY, Weekday.SUNDAY)
    assert plan.enabled is True
    empty = DefencePlan.from_api({"startTime": "junk"})
    assert empty == DefencePlan()


# ------------------------------------------------------------------------- PIR


async def test_pir_area_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    area = await client.get_pir_area(BATTERY)
    assert_lapp(last_request(simulator, PATH_PIR_GET), {"deviceSerial": BATTERY})
    assert (area.rows, area.columns, area.area) == (3, 4, (1, 9, 13))
    assert area.is_selected(0, 3)  # 1 = 0b0001: only the last column
    assert not area.is_selected(0, 0)
    assert area.is_selected(1, 0)  # 9 = 0b1001
    assert not area.is_selected(5, 0)

    await client.set_pir_area(BATTERY, [15, 0, 6], channel=1)
    assert_lapp(
        last_request(simulator, PATH_PIR_SET),
        {"deviceSerial": BATTERY, "channelNo": "1", "area": "15,0,6"},
    )
    pir_area = simulator.state.devices[BATTERY].pir_area
    assert pir_area is not None
    assert pir_area["area"] == [15, 0, 6]
    assert (await client.get_pir_area(BATTERY)).area == (15, 0, 6)


async def test_pir_area_errors(client: EzvizOpenClient, simulator: Simulator) -> None:
    with pytest.raises(EzvizParameterError) as err:
        await client.set_pir_area(BATTERY, [16])  # wider than 4 columns
    assert err.value.code == 10001
    with pytest.raises(EzvizParameterError) as err:
        await client.set_pir_area(BATTERY, [-1])
    assert err.value.code is None
    with pytest.raises(EzvizParameterError) as err:
        await client.set_pir_area(BATTERY, [])
    assert err.value.code is None
    with pytest.raises(EzvizNotSupportedError):
        await client.get_pir_area(CAMERA)


def test_pir_area_parsing_is_lenient() -> None:
    area = PirArea.from_api({"rows": "2", "columns": 3, "area": "1,x,7"})
    assert area.area == (1, 7)
    assert area.rows == 2


# ----------------------------------------------------------------------- chime


async def test_chime_round_trip(client: EzvizOpenClient, simulator: Simulator) -> None:
    chime = await client.get_chime(DOORBELL)
    assert_lapp(last_request(simulator, PATH_CHIME_GET), {"deviceSerial": DOORBELL})
    assert chime == ChimeSettings(
        chime_type=ChimeType.ELECTRONIC, duration=10000, serial=DOORBELL, channel=1
    )
    await client.set_chime(DOORBELL, ChimeType.MECHANICAL, 5000)
    assert_lapp(
        last_request(simulator, PATH_CHIME_SET),
        {"deviceSerial": DOORBELL, "type": "1", "duration": "5000"},
    )
    assert simulator.state.devices[DOORBELL].chime == {"type": 1, "duration": 5000}
    chime = await client.get_chime(DOORBELL)
    assert (chime.chime_type, chime.duration) == (ChimeType.MECHANICAL, 5000)


async def test_chime_errors(client: EzvizOpenClient, simulator: Simulator) -> None:
    with pytest.raises(EzvizNotSupportedError):
        await client.get_chime(CAMERA)
    with pytest.raises(EzvizParameterError) as err:
        await client.set_chime(DOORBELL, ChimeType.NONE, -1)
    assert err.value.code is None
    with pytest.raises(EzvizParameterError) as err:
        await client.set_chime(DOORBELL, 7, 100)  # type: ignore[arg-type]
    assert err.value.code is None
    assert simulator.count(PATH_CHIME_SET) == 0
    assert ChimeSettings.from_api({"type": "9"}).chime_type is None

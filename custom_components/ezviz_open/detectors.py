"""Detectors of A1-type alarm hubs: one Home Assistant device per detector.

The hub's ``detector/list`` is a detail topic (``TOPIC_DETECTORS``):
one request per hub per detail round, registered for every A1 hub while the
entry is loaded (so that detectors paired later show up without a reload),
and read again for that hub alone after a detector command. Each detector is
a device linked to its hub; when a detector leaves the list,
its device (and its entities) go.

The list reports no "triggered" state, only faults: a detector's main binary
sensor turns on with a matching alarm of its hub (polled or pushed, see
``coordinator/alarms.py``) and off after the alarm hold time.

Names go both ways: a detector renamed on the hub (in the EZVIZ app) renames
its Home Assistant device at the next read of the hub's list, and a detector
device renamed in Home Assistant is renamed on the hub with
``detector/name/change`` (one request; none when the hub already has that
name, or lacks ``support_modify_detectorname``). A rename the hub refuses keeps the name in Home Assistant and raises
a repair issue saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.device_registry import DeviceInfo

from .api.detectors import Detector, DetectorType, SafeMode
from .api.errors import (
    EzvizAuthError,
    EzvizError,
    EzvizNoChangeError,
    EzvizParameterError,
)
from .const import (
    DOMAIN,
    ISSUE_DETECTOR_NAME_REJECTED,
    ISSUE_DETECTOR_RENAME_FAILED,
    LOGGER,
)
from .entity import MANUFACTURER, EzvizDetailEntity
from .topics import DetailTopic

if TYPE_CHECKING:
    from homeassistant.helpers.entity import Entity

    from .api.system import DeviceCapabilities
    from .data import EzvizOpenConfigEntry, EzvizOpenData

_SEPARATOR = "_detector_"

#: The detectors of an A1-type hub (``detector/list``): one request per hub.
TOPIC_DETECTORS: Final[DetailTopic[list[Detector]]] = DetailTopic(
    "detectors", lambda client, serial: client.list_detectors(serial)
)


#: ``support_modify_detectorguard``: one mask per detector type, in the
#: reference's table order (bit 0 away, bit 1 sleep, bit 2 home).
GUARD_ORDER: tuple[DetectorType, ...] = (
    DetectorType.SMOKE,
    DetectorType.EMERGENCY_BUTTON,
    DetectorType.MAGNETIC_CONTACT,
    DetectorType.PIR,
    DetectorType.CURTAIN,
    DetectorType.EMERGENCY_BUTTON,
    DetectorType.OPEN_CLOSE,
    DetectorType.ALARM_DEVICE,
    DetectorType.GAS,
    DetectorType.WATER_LEAK,
)
GUARD_BITS: dict[SafeMode, int] = {
    SafeMode.AWAY: 1,
    SafeMode.SLEEP: 2,
    SafeMode.HOME: 4,
}


def detector_identifier(hub: str, detector: str) -> str:
    """Device registry identifier of a detector of a hub."""
    return f"{hub}{_SEPARATOR}{detector}"


def parse_detector_identifier(identifier: str) -> tuple[str, str] | None:
    """Return (hub, detector) of a detector's identifier, None for other devices."""
    hub, sep, detector = identifier.partition(_SEPARATOR)
    return (hub, detector) if sep and hub and detector else None


def is_detector_hub(data: EzvizOpenData, serial: str) -> bool:
    """Whether a device is an A1-type hub (its category, or its capabilities)."""
    caps = data.capabilities.get(serial)
    account = data.account.data
    device = account.devices.get(serial) if account is not None else None
    if caps is None or device is None:
        return False
    kinds = (device.category or "", device.parent_category or "")
    return any(kind.upper().startswith("A1") for kind in kinds) or (
        caps.value("support_modify_detectorguard") is not None
    )


def hub_detectors(data: EzvizOpenData, hub: str) -> dict[str, Detector]:
    """Return the hub's detectors as last listed, by serial (empty before a read)."""
    listed = data.detail.value(hub, TOPIC_DETECTORS) or []
    return {det.serial: det for det in listed if det.serial}


def guard_allows(
    caps: DeviceCapabilities | None, det: Detector, mode: SafeMode
) -> bool:
    """Whether the hub lets ``det`` be armed or disarmed on its own in ``mode``.

    Without ``support_modify_detectorguard`` the hub does not allow it.
    """
    raw = caps.value("support_modify_detectorguard") if caps is not None else None
    if raw is None:
        return False
    masks = [part.strip() for part in str(raw).split(",")]
    for index, kind in enumerate(GUARD_ORDER):
        if kind != det.detector_type or index >= len(masks):
            continue
        try:
            if int(masks[index]) & GUARD_BITS[mode]:
                return True
        except ValueError:
            continue
    return False


@callback
def current_detector_identifiers(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry
) -> set[str]:
    """Detector devices to keep: those listed, and all of hubs not read yet."""
    data = entry.runtime_data
    account = data.account.data
    hubs = set(account.devices) if account is not None else set()
    current = {
        detector_identifier(hub, serial)
        for hub in hubs
        for serial in hub_detectors(data, hub)
    }
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        for domain, identifier in device.identifiers:
            parsed = parse_detector_identifier(identifier)
            if (
                domain == DOMAIN
                and parsed is not None
                and parsed[0] in hubs
                and data.detail.value(parsed[0], TOPIC_DETECTORS) is None
            ):
                current.add(identifier)
    return current


@callback
def _is_own_hub(entry: EzvizOpenConfigEntry, hub: str) -> bool:
    """Whether ``hub`` is a device of this entry's account."""
    account = entry.runtime_data.account.data
    return account is not None and hub in account.devices


def detector_device_info(hub: str, detector: Detector) -> DeviceInfo:
    """Describe a detector for the registry (its hub link is set on registering)."""
    serial = detector.serial or ""
    return DeviceInfo(
        identifiers={(DOMAIN, detector_identifier(hub, serial))},
        manufacturer=MANUFACTURER,
        model=detector.type_name or (str(detector.detector_type or "") or None),
        name=detector.name or serial,
        serial_number=serial,
    )


def detector_device_infos(data: EzvizOpenData) -> Iterator[tuple[DeviceInfo, str]]:
    """Every listed detector of the account's hubs, with its hub's identifier."""
    account = data.account.data
    for hub in account.devices if account is not None else ():
        for detector in hub_detectors(data, hub).values():
            yield detector_device_info(hub, detector), hub


def rename_issue_id(entry_id: str, hub: str, detector: str) -> str:
    """Repair issue of a detector rename the hub refused."""
    return f"detector_rename_{entry_id}_{hub}_{detector}"


@callback
def async_delete_rename_issues(
    hass: HomeAssistant, entry_id: str, identifiers: Iterable[str]
) -> None:
    """Delete the rename issues of detector devices that are gone."""
    for identifier in identifiers:
        if (parsed := parse_detector_identifier(identifier)) is not None:
            ir.async_delete_issue(hass, DOMAIN, rename_issue_id(entry_id, *parsed))


@callback
def async_track_detector_renames(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry
) -> None:
    """Rename a detector on its hub when its device is renamed in Home Assistant."""
    registry = dr.async_get(hass)

    @callback
    def _is_rename(event_data: dr.EventDeviceRegistryUpdatedData) -> bool:
        return (
            event_data["action"] == "update"
            and "name_by_user" in (event_data["changes"])
        )

    async def _renamed(event: Event[dr.EventDeviceRegistryUpdatedData]) -> None:
        device = registry.async_get(event.data["device_id"])
        if device is None:
            return
        parsed = next(
            (
                parsed
                for domain, identifier in device.identifiers
                if domain == DOMAIN
                and (parsed := parse_detector_identifier(identifier)) is not None
            ),
            None,
        )
        if parsed is None:
            return
        # A name cleared in Home Assistant shows the hub's name again: nothing
        # to send, and a rename the hub refused no longer matters. The
        # detector's hub tells which entry it belongs to (reading the device's
        # config entries is deprecated from Home Assistant 2026.8).
        if not _is_own_hub(entry, parsed[0]):
            return
        name = (device.name_by_user or "").strip()
        if not name:
            ir.async_delete_issue(
                hass, DOMAIN, rename_issue_id(entry.entry_id, *parsed)
            )
            return
        await async_rename_detector(hass, entry, *parsed, name)

    entry.async_on_unload(
        hass.bus.async_listen(
            dr.EVENT_DEVICE_REGISTRY_UPDATED, _renamed, event_filter=_is_rename
        )
    )


async def async_rename_detector(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    hub: str,
    detector: str,
    name: str,
) -> None:
    """Give a detector a new name on its hub; raise a repair issue if refused."""
    data = entry.runtime_data
    issue_id = rename_issue_id(entry.entry_id, hub, detector)
    listed = hub_detectors(data, hub).get(detector)
    if listed is not None and listed.name == name:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    caps = data.capabilities.get(hub)
    if caps is None or not caps.supports("support_modify_detectorname"):
        LOGGER.debug(
            "Hub %s cannot rename its detectors: %s keeps its name in Home "
            "Assistant only",
            hub,
            detector,
        )
        return
    try:
        await data.client.rename_detector(hub, detector, name)
    except EzvizNoChangeError:
        pass
    except EzvizError as err:
        if isinstance(err, EzvizAuthError):
            entry.async_start_reauth(hass)
        LOGGER.warning("Could not rename detector %s of %s: %s", detector, hub, err)
        rejected = isinstance(err, EzvizParameterError)
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=(
                ISSUE_DETECTOR_NAME_REJECTED
                if rejected
                else ISSUE_DETECTOR_RENAME_FAILED
            ),
            translation_placeholders={
                "detector": (listed.name if listed else None) or detector,
                "name": name,
                "error": str(err),
            },
        )
        return
    ir.async_delete_issue(hass, DOMAIN, issue_id)
    async_set_listed_detector(data, hub, detector, lambda det: replace(det, name=name))


@callback
def async_set_listed_detector(
    data: EzvizOpenData,
    hub: str,
    detector: str,
    written: Callable[[Detector], Detector],
) -> None:
    """Show a successful command at once; the hub's next read confirms it.

    ``written`` gives the detector as the hub would list it after the command.
    """
    listed = data.detail.value(hub, TOPIC_DETECTORS)
    if not listed:
        return
    data.detail.async_set_value(
        hub,
        TOPIC_DETECTORS,
        [written(det) if det.serial == detector else det for det in listed],
    )


type DetectorEntityFactory = Callable[[EzvizOpenData, str, Detector], Iterable[Entity]]


@callback
def async_setup_detector_entities(
    entry: EzvizOpenConfigEntry,
    async_add_entities: Callable[[Iterable[Entity]], None],
    factory: DetectorEntityFactory,
) -> None:
    """Read the detectors of every A1 hub; add entities for those that appear.

    Each platform registers the topic of each hub (a count: one request per
    hub and round whatever the number of platforms).
    """
    data = entry.runtime_data
    registered: dict[str, CALLBACK_TYPE] = {}
    known: dict[tuple[str, str], set[str | None]] = {}

    @callback
    def _add_new() -> None:
        new: list[Entity] = []
        listed: set[tuple[str, str]] = set()
        for hub in registered:
            for det in hub_detectors(data, hub).values():
                key = (hub, det.serial or "")
                listed.add(key)
                ids = known.setdefault(key, set())
                for entity in factory(data, hub, det):
                    if entity.unique_id not in ids:
                        ids.add(entity.unique_id)
                        new.append(entity)
        for key in set(known) - listed:
            # Gone (its device goes with it): it gets its entities if it returns.
            del known[key]
        if new:
            async_add_entities(new)

    @callback
    def _follow_hubs() -> None:
        account = data.account.data
        hubs = {s for s in account.devices if is_detector_hub(data, s)}
        for hub in hubs - registered.keys():
            registered[hub] = data.detail.async_register(hub, TOPIC_DETECTORS)
        for hub in registered.keys() - hubs:
            registered.pop(hub)()
        _add_new()

    @callback
    def _unregister() -> None:
        for undo in registered.values():
            undo()
        registered.clear()

    _follow_hubs()
    entry.async_on_unload(data.account.async_add_listener(_follow_hubs))
    entry.async_on_unload(data.detail.async_add_listener(_add_new))
    entry.async_on_unload(_unregister)


async def async_refresh_hub(data: EzvizOpenData, hub: str) -> None:
    """Read the hub's detectors again, and only them (after a command)."""
    await data.detail.async_refresh_device(hub, {TOPIC_DETECTORS})


class EzvizDetectorEntity(EzvizDetailEntity[list[Detector]]):
    """An entity of one detector, on the detector's own device."""

    topic = TOPIC_DETECTORS

    def __init__(
        self, data: EzvizOpenData, hub: str, detector: Detector, key: str
    ) -> None:
        """Attach the entity to the detector's device, linked to the hub."""
        self.detector_serial = detector.serial or ""
        super().__init__(data, hub, f"detector_{self.detector_serial}_{key}")
        self._attr_device_info = detector_device_info(hub, detector)

    @property
    def detector(self) -> Detector | None:
        """The detector as last listed."""
        return hub_detectors(self.runtime, self.serial).get(self.detector_serial)

    @property
    def available(self) -> bool:
        """Available while the hub is online and lists the detector."""
        return super().available and self.detector is not None

    @callback
    def async_set_detector(self, written: Callable[[Detector], Detector]) -> None:
        """Show a successful command at once; the hub's next read confirms it."""
        async_set_listed_detector(
            self.runtime, self.serial, self.detector_serial, written
        )


async def async_cancel_hub_alarm(data: EzvizOpenData, hub: str) -> None:
    """Clear the hub's alarm, then read its detectors again (zone faults)."""
    await data.client.cancel_detector_alarm(hub)
    await async_refresh_hub(data, hub)

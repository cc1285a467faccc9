"""Recordings of EZVIZ cameras as a media source.

Tree: root -> entry (only when several are loaded) -> camera (a device, or a
channel of an NVR) -> storage (local; cloud when the device's status says
its cloud storage is active) -> the last ``RECORDING_DAYS`` days -> clips.

What browsing costs:

* root, entries, days: nothing (the account data already read);
* a camera: nothing when the detail cadence has read the device's status,
  else one ``cloud/storage/device/info`` when the model supports the cloud;
* a local day: one ``v3/das/device/local/video/query`` for that day;
* a cloud day: nothing (the cloud cannot be listed; the day is offered hour
  by hour);
* playing a clip: one ``live/address/get`` (type 2 local or 3 cloud playback,
  HLS, the clip's start and end; the cloud refuses it for a device whose
  video is encrypted, 60019, and the error says so).

Times are the device's wall clock, taken to be Home Assistant's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from homeassistant.components.media_player.const import MediaClass, MediaType
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from yarl import URL

from .api.devices import CloudStorageStatus
from .api.errors import EzvizAuthError, EzvizEncryptionError, EzvizError
from .api.live import AddressType, StreamProtocol, StreamQuality
from .api.storage import CloudStorageStatus as CloudServiceStatus, RecordType
from .const import (
    CONF_STREAM_QUALITY,
    DEFAULT_STREAM_QUALITY,
    DOMAIN,
    LIVE_ADDRESS_VALIDITY,
    LIVE_REFUSED_ENCRYPTED,
    LOGGER,
    QUALITY_SMOOTH,
)
from .entity import video_channels
from .helpers import translate_error
from .topics import TOPIC_STATUS

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .data import EzvizOpenConfigEntry, EzvizOpenData

#: How many days back (today included) a storage offers.
RECORDING_DAYS = 7
STORAGE_LOCAL = "local"
STORAGE_CLOUD = "cloud"
STORAGES = {
    STORAGE_LOCAL: ("Local storage", AddressType.LOCAL_PLAYBACK),
    STORAGE_CLOUD: ("Cloud storage", AddressType.CLOUD_PLAYBACK),
}
MIME_HLS = "application/x-mpegURL"
PLAY_SCHEMES = frozenset({"http", "https"})
_DAY = "%Y-%m-%d"
_STAMP = "%Y%m%dT%H%M%S"
_RECORD_TYPES = {
    RecordType.TIMING: "Scheduled",
    RecordType.EVENT: "Event",
    RecordType.INTELLIGENT_CAR: "Vehicle",
    RecordType.INTELLIGENT_HUMAN: "Person",
}


async def async_get_media_source(hass: HomeAssistant) -> EzvizMediaSource:
    """Return the recordings media source."""
    return EzvizMediaSource(hass)


@dataclass(frozen=True)
class _Path:
    """A parsed identifier: ``entry/serial/channel/storage/day/start_end``."""

    entry_id: str | None = None
    serial: str | None = None
    channel: int | None = None
    storage: str | None = None
    day: date | None = None
    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def parse(cls, identifier: str | None) -> _Path:
        """Parse an identifier; ValueError when it is malformed."""
        if not identifier:
            return cls()
        parts = identifier.split("/")
        if len(parts) > 6 or not all(parts):
            raise ValueError(identifier)
        channel = int(parts[2]) if len(parts) > 2 else None
        storage = parts[3] if len(parts) > 3 else None
        if storage is not None and storage not in STORAGES:
            raise ValueError(identifier)
        day = datetime.strptime(parts[4], _DAY).date() if len(parts) > 4 else None
        start = end = None
        if len(parts) > 5:
            first, _, last = parts[5].partition("_")
            start = datetime.strptime(first, _STAMP)
            end = datetime.strptime(last, _STAMP)
            if end < start:
                raise ValueError(identifier)
        return cls(
            parts[0],
            parts[1] if len(parts) > 1 else None,
            channel,
            storage,
            day,
            start,
            end,
        )

    def identifier(self) -> str:
        """Return the identifier of this path."""
        parts: list[str] = [
            part
            for part in (
                self.entry_id,
                self.serial,
                None if self.channel is None else str(self.channel),
                self.storage,
                None if self.day is None else self.day.strftime(_DAY),
            )
            if part is not None
        ]
        if self.start is not None and self.end is not None:
            parts.append(f"{self.start.strftime(_STAMP)}_{self.end.strftime(_STAMP)}")
        return "/".join(parts)


def _duration(seconds: float) -> str:
    """Return a short duration: "45 s", "2 min 30 s", "1 h 5 min"."""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def _as_error[E: HomeAssistantError](kind: type[E], key: str, **placeholders: str) -> E:
    return kind(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


class EzvizMediaSource(MediaSource):
    """Recordings of the cameras of every loaded EZVIZ entry."""

    name = "EZVIZ"

    def __init__(self, hass: HomeAssistant) -> None:
        """Set up the source."""
        super().__init__(DOMAIN)
        self.hass = hass

    # -- entries and devices ---------------------------------------------------

    def _entries(self) -> list[EzvizOpenConfigEntry]:
        return [
            entry
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            if entry.state is ConfigEntryState.LOADED
        ]

    def _entry(self, path: _Path, error: type[HomeAssistantError]) -> EzvizOpenData:
        for entry in self._entries():
            if entry.entry_id == path.entry_id:
                return entry.runtime_data
        raise _as_error(error, "recording_not_found")

    def _check_camera(
        self, data: EzvizOpenData, path: _Path, error: type[HomeAssistantError]
    ) -> None:
        """Raise unless the camera exists and is online (no request)."""
        assert path.serial is not None
        channels = {no for _, no in video_channels(data.account.data, path.serial)}
        if path.channel not in channels:
            raise _as_error(error, "recording_not_found")
        account = data.account.data
        device = account.devices[path.serial]
        # A single camera's own row is not read again when it goes offline.
        camera = (
            account.camera(path.serial, path.channel)
            if account.is_multichannel(path.serial)
            else None
        )
        if device.online is False or (camera is not None and camera.online is False):
            raise _as_error(error, "device_offline")

    def _camera_title(self, data: EzvizOpenData, serial: str, channel: int) -> str:
        account = data.account.data
        device = account.devices[serial]
        name = device.name or serial
        if account.is_multichannel(serial):
            camera = account.camera(serial, channel)
            return f"{name} / {(camera.name if camera else None) or channel}"
        return name

    def _error(
        self,
        data: EzvizOpenData,
        err: EzvizError,
        kind: type[HomeAssistantError],
    ) -> HomeAssistantError:
        """Turn a client error into a translated error of ``kind``."""
        if isinstance(err, EzvizAuthError):
            data.account.config_entry.async_start_reauth(self.hass)
        translated = translate_error(err, data.allowance.quota_until)
        return kind(
            translation_domain=translated.translation_domain,
            translation_key=translated.translation_key,
            translation_placeholders=translated.translation_placeholders,
        )

    async def _cloud_active(self, data: EzvizOpenData, serial: str) -> bool:
        """Whether the device's cloud storage is active.

        The status the detail cadence read costs nothing; without it a model
        with cloud support is asked once (``cloud/storage/device/info``).
        """
        status = data.detail.value(serial, TOPIC_STATUS)
        if status is not None and status.cloud_status is not None:
            return status.cloud_status is CloudStorageStatus.ACTIVATED
        caps = data.capabilities.get(serial)
        if caps is None or not caps.support_cloud:
            return False
        try:
            info = await data.client.get_cloud_storage_info(serial)
        except EzvizError as err:
            LOGGER.debug("No cloud storage state for %s: %s", serial, err)
            return False
        return info.status is CloudServiceStatus.ACTIVATED

    @staticmethod
    def _local_supported(data: EzvizOpenData, serial: str) -> bool:
        caps = data.capabilities.get(serial)
        return caps is None or caps.support_disk

    # -- browse ----------------------------------------------------------------

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """Browse one level of the tree."""
        try:
            path = _Path.parse(item.identifier)
        except ValueError as err:
            raise _as_error(BrowseError, "recording_not_found") from err
        if path.entry_id is None:
            entries = self._entries()
            if len(entries) == 1:
                return self._browse_entry(
                    entries[0].runtime_data, entries[0].entry_id, root=True
                )
            return self._browse_root(entries)
        data = self._entry(path, BrowseError)
        if path.serial is None:
            return self._browse_entry(data, path.entry_id, root=False)
        if path.start is not None:
            raise _as_error(BrowseError, "recording_not_found")
        self._check_camera(data, path, BrowseError)
        if path.storage is None:
            return await self._browse_camera(data, path)
        if path.storage == STORAGE_LOCAL and not self._local_supported(
            data, path.serial
        ):
            raise _as_error(BrowseError, "not_supported")
        if path.day is None:
            return self._browse_storage(data, path)
        return await self._browse_day(data, path)

    def _directory(
        self,
        path: _Path | None,
        title: str,
        children: list[BrowseMediaSource] | None = None,
        *,
        media_class: MediaClass = MediaClass.DIRECTORY,
        children_class: MediaClass = MediaClass.DIRECTORY,
    ) -> BrowseMediaSource:
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=None if path is None else path.identifier(),
            media_class=media_class,
            media_content_type=MediaType.PLAYLIST,
            title=title,
            can_play=False,
            can_expand=True,
            children=children,
            children_media_class=children_class,
        )

    def _browse_root(self, entries: list[EzvizOpenConfigEntry]) -> BrowseMediaSource:
        return self._directory(
            None,
            self.name or DOMAIN,
            [self._directory(_Path(entry.entry_id), entry.title) for entry in entries],
            media_class=MediaClass.APP,
        )

    def _browse_entry(
        self, data: EzvizOpenData, entry_id: str, *, root: bool
    ) -> BrowseMediaSource:
        account = data.account.data
        children = [
            self._directory(
                _Path(entry_id, serial, channel_no),
                self._camera_title(data, serial, channel_no),
            )
            for serial in account.devices
            for _, channel_no in video_channels(account, serial)
        ]
        children.sort(key=lambda child: child.title)
        return self._directory(
            None if root else _Path(entry_id),
            self.name or DOMAIN,
            children,
            media_class=MediaClass.APP if root else MediaClass.DIRECTORY,
        )

    async def _browse_camera(
        self, data: EzvizOpenData, path: _Path
    ) -> BrowseMediaSource:
        assert path.serial is not None
        assert path.channel is not None
        storages: list[str] = []
        if self._local_supported(data, path.serial):
            storages.append(STORAGE_LOCAL)
        if await self._cloud_active(data, path.serial):
            storages.append(STORAGE_CLOUD)
        return self._directory(
            path,
            self._camera_title(data, path.serial, path.channel),
            [
                self._directory(replace(path, storage=storage), STORAGES[storage][0])
                for storage in storages
            ],
        )

    def _browse_storage(self, data: EzvizOpenData, path: _Path) -> BrowseMediaSource:
        assert path.serial is not None
        assert path.channel is not None
        assert path.storage is not None
        today = dt_util.now().date()
        days = [today - timedelta(days=back) for back in range(RECORDING_DAYS)]
        return self._directory(
            path,
            f"{self._camera_title(data, path.serial, path.channel)}: "
            f"{STORAGES[path.storage][0]}",
            [self._directory(replace(path, day=day), day.isoformat()) for day in days],
        )

    def _clip(
        self, path: _Path, start: datetime, end: datetime, label: str
    ) -> BrowseMediaSource:
        details = _duration((end - start).total_seconds())
        if label:
            details = f"{details}, {label}"
        title = f"{start:%H:%M:%S} - {end:%H:%M:%S} ({details})"
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=replace(path, start=start, end=end).identifier(),
            media_class=MediaClass.VIDEO,
            media_content_type=MediaType.VIDEO,
            title=title,
            can_play=True,
            can_expand=False,
        )

    async def _browse_day(self, data: EzvizOpenData, path: _Path) -> BrowseMediaSource:
        assert path.serial is not None
        assert path.channel is not None
        assert path.day is not None
        now = dt_util.now().replace(tzinfo=None, microsecond=0)
        start = datetime.combine(path.day, time.min)
        end = min(datetime.combine(path.day, time(23, 59, 59)), now)
        clips: list[BrowseMediaSource] = []
        if start <= end and path.storage == STORAGE_LOCAL:
            try:
                recordings = await data.client.list_local_recordings(
                    path.serial, channel=path.channel, start=start, end=end
                )
            except EzvizError as err:
                raise self._error(data, err, BrowseError) from err
            for recording in sorted(
                recordings, key=lambda rec: rec.start_time or datetime.min
            ):
                if recording.start_time is None or recording.end_time is None:
                    continue
                if recording.end_time < recording.start_time:
                    continue
                label = (
                    _RECORD_TYPES.get(recording.record_type, "")
                    if isinstance(recording.record_type, RecordType)
                    else ""
                )
                clips.append(
                    self._clip(
                        path,
                        recording.start_time,
                        recording.end_time,
                        label,
                    )
                )
        elif start <= end:
            # The cloud's recordings cannot be listed: offer the day by hour.
            hour = start
            while hour <= end:
                clips.append(
                    self._clip(path, hour, min(hour + timedelta(seconds=3599), end), "")
                )
                hour += timedelta(hours=1)
        return self._directory(
            path,
            f"{self._camera_title(data, path.serial, path.channel)}: "
            f"{path.day.isoformat()}",
            clips,
            children_class=MediaClass.VIDEO,
        )

    # -- resolve ---------------------------------------------------------------

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """Ask for a playback address of one clip (one request)."""
        try:
            path = _Path.parse(item.identifier)
        except ValueError as err:
            raise _as_error(Unresolvable, "recording_not_found") from err
        if path.start is None or path.end is None or path.storage is None:
            raise _as_error(Unresolvable, "recording_not_found")
        data = self._entry(path, Unresolvable)
        self._check_camera(data, path, Unresolvable)
        assert path.serial is not None
        assert path.channel is not None
        quality = (
            StreamQuality.SMOOTH
            if data.options.get(CONF_STREAM_QUALITY, DEFAULT_STREAM_QUALITY)
            == QUALITY_SMOOTH
            else StreamQuality.HD
        )
        try:
            address = await data.client.get_live_address(
                path.serial,
                path.channel,
                protocol=StreamProtocol.HLS,
                quality=quality,
                expire_time=LIVE_ADDRESS_VALIDITY,
                address_type=STORAGES[path.storage][1],
                start_time=path.start,
                stop_time=path.end,
            )
        except EzvizEncryptionError as err:
            if err.code != LIVE_REFUSED_ENCRYPTED:
                raise self._error(data, err, Unresolvable) from err
            # No HLS for encrypted video, whatever the code (see camera.py).
            raise _as_error(
                Unresolvable, "recording_encrypted", serial=path.serial
            ) from err
        except EzvizError as err:
            raise self._error(data, err, Unresolvable) from err
        if URL(address.url).scheme not in PLAY_SCHEMES:
            raise _as_error(Unresolvable, "recording_not_playable")
        return PlayMedia(address.url, MIME_HLS)

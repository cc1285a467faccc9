"""The optional push receiver: EZVIZ messages on a Home Assistant webhook.

The cloud POSTs each message once (then retries 1-3 times) and waits 2 s for
``{"messageId": ...}``. The receiver checks the signature (when a signing
secret is set) and the age, answers at once and handles the message in the
same call: both kinds it knows are cheap (only a device coming back online
costs requests, for its own detail, after the answer).

- ``ys.alarm`` goes into the alarm cadence's event path, which de-duplicates
  it against polling (one event whichever sees the alarm first).
- ``ys.onoffline`` flips the device's online flag in the account data at
  once; the next account poll confirms it. A device that comes back online
  also has its per-device detail read again at once (one request per topic
  its entities read, that device only), so entities that had no state yet
  (a device offline since setup) do not wait for the next detail round.

Every verified message keeps push healthy (``metering/push_health.py``): while it is,
the device list and the alarm poll relax to their push intervals.

A message id seen recently is answered again but not handled twice (the
cloud retries when an answer was lost). Neither the secret nor a signature
is ever logged.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
import time
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError

from .api.alarms import Alarm
from .api.errors import EzvizWebhookError
from .api.webhook import (
    MESSAGE_TYPE_ALARM,
    MESSAGE_TYPE_ONOFFLINE,
    WebhookMessage,
    parse_webhook,
    verify_webhook,
    webhook_response,
)
from .const import CONF_PUSH, CONF_PUSH_SECRET, CONF_WEBHOOK_ID, DOMAIN, LOGGER

if TYPE_CHECKING:
    from .data import EzvizOpenConfigEntry

#: Messages sent longer ago than this (or this far in the future) are refused.
PUSH_MAX_AGE: Final = 600  # seconds
#: How many message ids are remembered to refuse replays.
SEEN_MESSAGES: Final = 1024
#: Bodies larger than this are not read.
MAX_BODY: Final = 64 * 1024

_ONLINE: Final = frozenset({"1", "online", "on", "true", "connect", "connected"})
_OFFLINE: Final = frozenset(
    {"0", "offline", "off", "false", "disconnect", "disconnected"}
)
_STATE_KEYS: Final = ("msgType", "status", "online", "state", "type", "eventType")
_SERIAL_KEYS: Final = ("devSerial", "deviceSerial", "deviceId", "subSerial")


def webhook_url(hass: HomeAssistant, webhook_id: str) -> str:
    """Return the address to give EZVIZ (the path alone without a known URL)."""
    try:
        return webhook.async_generate_url(hass, webhook_id)
    except NoURLAvailableError:
        return webhook.async_generate_path(webhook_id)


class PushReceiver:
    """Verifies, de-duplicates and dispatches the messages of one entry."""

    def __init__(self, entry: EzvizOpenConfigEntry) -> None:
        """Take the signing secret from the entry's options."""
        self._entry = entry
        self._secret: str = entry.options.get(CONF_PUSH_SECRET) or ""
        self._seen: OrderedDict[str, None] = OrderedDict()

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer one POST from the cloud."""
        body = await _read_body(request)
        if len(body) > MAX_BODY:
            return _reject(EzvizWebhookError.MALFORMED, 413)
        try:
            message = parse_webhook(body, request.headers)
            self._verify(body, request.headers, message)
        except EzvizWebhookError as err:
            status = 400 if err.reason == EzvizWebhookError.MALFORMED else 401
            return _reject(err.reason, status)
        answer = web.json_response(webhook_response(message))
        if self._replayed(message.message_id):
            LOGGER.debug("Push message %s seen before: ignored", message.message_id)
            return answer
        self._dispatch(hass, message)
        return answer

    def _verify(
        self, body: bytes, headers: Mapping[str, str], message: WebhookMessage
    ) -> None:
        if self._secret:
            verify_webhook(body, headers, self._secret, max_age=PUSH_MAX_AGE)
            return
        # Unsigned: the timestamp still tells a stale message (when sent).
        sent = message.timestamp_ms
        if sent is not None and abs(time.time() - sent / 1000) > PUSH_MAX_AGE:
            raise EzvizWebhookError(
                EzvizWebhookError.TOO_OLD, "The push is older than allowed"
            )

    def _replayed(self, message_id: str | None) -> bool:
        """Remember a message id; return whether it was seen recently."""
        if not message_id:
            return False
        if message_id in self._seen:
            self._seen.move_to_end(message_id)
            return True
        self._seen[message_id] = None
        if len(self._seen) > SEEN_MESSAGES:
            self._seen.popitem(last=False)
        return False

    @callback
    def _dispatch(self, hass: HomeAssistant, message: WebhookMessage) -> None:
        # Any verified message shows that push works (see metering/push_health.py).
        self._entry.runtime_data.push_health.async_seen()
        kind = message.message_type or message.header.type
        if kind == MESSAGE_TYPE_ALARM:
            alarm = alarm_of(message)
            if alarm.device_serial:
                self._entry.runtime_data.alarms.async_push_alarm(alarm)
        elif kind == MESSAGE_TYPE_ONOFFLINE:
            self._set_online(hass, message)
        else:
            LOGGER.debug("Push message of type %s ignored", kind)

    @callback
    def _set_online(self, hass: HomeAssistant, message: WebhookMessage) -> None:
        online = online_of(message.body)
        serial = _serial_of(message)
        account = self._entry.runtime_data.account
        if online is None or serial is None or account.data is None:
            LOGGER.debug("On/offline push without a usable device or state")
            return
        known = next(
            (s for s in account.data.devices if s.upper() == serial.upper()), None
        )
        if known is None:
            return
        was_online = account.data.devices[known].online is not False
        account.async_set_device(known, online=online)
        detail = self._entry.runtime_data.detail
        if (
            online
            and not detail.allowance.active
            and (
                not was_online
                or any(detail.value(*key) is None for key in detail.needed(known))
            )
        ):
            self._entry.async_create_task(
                hass,
                detail.async_refresh_device(known),
                f"{DOMAIN} detail of {known} after it came online",
            )


def alarm_of(message: WebhookMessage) -> Alarm:
    """Return the alarm of a ``ys.alarm`` message, in the alarm list's shape."""
    body = message.body
    header = message.header
    pictures = body.get("pictureList")
    picture = body.get("alarmPicUrl") or body.get("picUrl")
    if not picture and isinstance(pictures, list) and pictures:
        first = pictures[0]
        picture = first.get("url") if isinstance(first, Mapping) else None
    alarm_time = message.alarm_time
    return Alarm.from_api(
        {
            "alarmId": body.get("alarmId"),
            "alarmName": body.get("channelName") or body.get("alarmName"),
            "alarmType": body.get("alarmType"),
            "alarmTime": (
                int(alarm_time.timestamp() * 1000)
                if alarm_time is not None and alarm_time.tzinfo is not None
                else body.get("alarmTime") or header.message_time_ms
            ),
            "channelNo": body.get("channelNo", header.channel_no),
            "deviceSerial": _serial_of(message),
            "isEncrypt": body.get("isEncrypt", body.get("crypt")),
            "alarmPicUrl": picture if isinstance(picture, str) else None,
        }
    )


def online_of(body: Mapping[str, Any]) -> bool | None:
    """Whether an on/offline body says online (None when it does not say)."""
    for key in _STATE_KEYS:
        value = body.get(key)
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if value is not None else ""
        if text in _ONLINE:
            return True
        if text in _OFFLINE:
            return False
    return None


def _serial_of(message: WebhookMessage) -> str | None:
    for key in _SERIAL_KEYS:
        value = message.body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().upper()
    return message.device_serial


async def _read_body(request: web.Request) -> bytes:
    """Read the body, stopping one byte past the cap (a read may be partial)."""
    body = b""
    while len(body) <= MAX_BODY:
        chunk = await request.content.read(MAX_BODY + 1 - len(body))
        if not chunk:
            break
        body += chunk
    return body


def _reject(reason: str, status: int) -> web.Response:
    # The reason only: never the secret, the signature or the body.
    LOGGER.debug("Push message rejected: %s", reason)
    return web.json_response({"error": reason}, status=status)


@callback
def async_setup_push(hass: HomeAssistant, entry: EzvizOpenConfigEntry) -> None:
    """Register the entry's webhook when push is enabled; unregister on unload."""
    webhook_id = entry.options.get(CONF_WEBHOOK_ID)
    if not entry.options.get(CONF_PUSH) or not webhook_id:
        return
    receiver = PushReceiver(entry)
    webhook.async_register(
        hass,
        DOMAIN,
        entry.title,
        webhook_id,
        receiver.async_handle,
        local_only=False,
        allowed_methods=["POST"],
    )

    @callback
    def _unregister() -> None:
        webhook.async_unregister(hass, webhook_id)

    entry.async_on_unload(_unregister)

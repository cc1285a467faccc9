"""Push (webhook) messages of the EZVIZ Open Platform.

The cloud POSTs ``Content-Type: text/plain`` with a JSON body
``{"header": {channelNo, deviceId, messageId, messageTime, type}, "body": {...}}``
and the HTTP headers ``t`` (timestamp), ``message_type`` (``ys.alarm``,
``ys.onoffline``, ...) and, when a signing key was agreed, ``signature`` =
hex(HMAC-SHA1(key, body + t)). The receiver answers HTTP 200 with
``{"messageId": ...}`` within 2 s, or the message is retried and then dropped.

Bodies vary by message type and firmware, so parsing keeps everything in
``raw`` and reads the few common fields leniently.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import hashlib
import hmac
import json
import math
import time
from typing import Any, Final

from ._parse import as_dict, as_float, as_int, as_str
from .errors import EzvizWebhookError

HEADER_TIMESTAMP: Final = "t"
HEADER_SIGNATURE: Final = "signature"
HEADER_MESSAGE_TYPE: Final = "message_type"
# Proxies (nginx by default) drop header names with underscores; accept a dash too.
_MESSAGE_TYPE_NAMES: Final = ("message_type", "message-type", "messagetype")

MESSAGE_TYPE_ALARM: Final = "ys.alarm"
MESSAGE_TYPE_ONOFFLINE: Final = "ys.onoffline"

# Timestamps at or above this are milliseconds, below it seconds.
_EPOCH_MS_THRESHOLD: Final = 100_000_000_000


@dataclass(frozen=True)
class WebhookHeader:
    """The ``header`` member of a push message."""

    channel_no: int | None
    device_serial: str | None  # "deviceId" on the wire
    message_id: str | None
    message_time_ms: int | None
    type: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> WebhookHeader:
        """Parse leniently; every field may be missing."""
        raw = as_dict(data)
        serial = as_str(raw.get("deviceId") or raw.get("deviceSerial"))
        return cls(
            channel_no=as_int(raw.get("channelNo")),
            device_serial=serial.upper() if serial else None,
            message_id=as_str(raw.get("messageId")),
            message_time_ms=_epoch_ms(raw.get("messageTime")),
            type=as_str(raw.get("type")),
            raw=raw,
        )


@dataclass(frozen=True)
class WebhookMessage:
    """A parsed push message; ``body`` is the device's message as sent."""

    message_type: str | None  # the message_type HTTP header, else header.type
    timestamp_ms: int | None  # the t HTTP header, in milliseconds
    header: WebhookHeader
    body: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def message_id(self) -> str | None:
        """The id the answer must echo."""
        return self.header.message_id

    @property
    def device_serial(self) -> str | None:
        """Serial of the device the message is about."""
        return self.header.device_serial

    @property
    def channel_no(self) -> int | None:
        """Channel the message is about."""
        return self.header.channel_no

    @property
    def alarm_time(self) -> datetime | None:
        """``alarmTime`` of the body.

        Epoch values (ms or s, number or numeric string) give an aware UTC
        datetime; a date text without zone gives a naive datetime (device time).
        """
        return _datetime(self.body.get("alarmTime"))

    @property
    def custom_info(self) -> dict[str, Any] | None:
        """``customInfo`` of the body: base64 JSON, plain JSON or an object."""
        return _custom_info(self.body.get("customInfo"))

    @classmethod
    def from_api(
        cls,
        data: Mapping[str, Any],
        *,
        message_type: str | None = None,
        timestamp: Any = None,
    ) -> WebhookMessage:
        """Build a message from the decoded JSON body and the HTTP header values."""
        raw = as_dict(data)
        header = WebhookHeader.from_api(raw.get("header"))
        return cls(
            message_type=message_type or header.type,
            timestamp_ms=_epoch_ms(timestamp),
            header=header,
            body=_body(raw.get("body")),
            raw=raw,
        )


def parse_webhook(
    body: str | bytes, headers: Mapping[str, str] | None = None
) -> WebhookMessage:
    """Parse a push request; raise EzvizWebhookError(MALFORMED) when unusable.

    The body must be a JSON object with a ``header`` object; everything else
    is optional.
    """
    text = _text(body)
    try:
        data = json.loads(text)
    except ValueError as err:
        raise EzvizWebhookError(
            EzvizWebhookError.MALFORMED, "The push body is not JSON"
        ) from err
    if not isinstance(data, dict) or not isinstance(data.get("header"), dict):
        raise EzvizWebhookError(
            EzvizWebhookError.MALFORMED, "The push body has no header object"
        )
    found = headers or {}
    return WebhookMessage.from_api(
        data,
        message_type=_header(found, *_MESSAGE_TYPE_NAMES),
        timestamp=_header(found, HEADER_TIMESTAMP),
    )


def compute_signature(body: str | bytes, timestamp: str, secret: str) -> str:
    """hex(HMAC-SHA1(secret, body + t)), as the cloud signs a push."""
    data = _bytes(body) + timestamp.encode()
    return hmac.new(secret.encode(), data, hashlib.sha1).hexdigest()


def verify_webhook(
    body: str | bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    max_age: float | None = None,
    now: float | None = None,
) -> None:
    """Check a push request's signature (and age); raise EzvizWebhookError if bad.

    ``max_age`` (seconds) rejects messages whose ``t`` is further than that
    from ``now`` (default: the current time), in either direction.
    """
    signature = _header(headers, HEADER_SIGNATURE)
    if not signature:
        raise EzvizWebhookError(
            EzvizWebhookError.MISSING_SIGNATURE, "The push carries no signature"
        )
    timestamp = _header(headers, HEADER_TIMESTAMP)
    if not timestamp:
        raise EzvizWebhookError(
            EzvizWebhookError.MALFORMED, "The push carries no timestamp (t)"
        )
    expected = compute_signature(body, timestamp, secret)
    given = signature.strip().lower().encode("utf-8", "replace")
    if not hmac.compare_digest(expected.encode(), given):
        raise EzvizWebhookError(
            EzvizWebhookError.BAD_SIGNATURE, "The push signature does not match"
        )
    if max_age is None:
        return
    sent = _epoch_ms(timestamp)
    if sent is None:
        raise EzvizWebhookError(
            EzvizWebhookError.MALFORMED, "The push timestamp (t) is not a number"
        )
    current = time.time() if now is None else now
    if abs(current - sent / 1000) > max_age:
        raise EzvizWebhookError(
            EzvizWebhookError.TOO_OLD, "The push is older than allowed"
        )


def webhook_response(message: WebhookMessage | str | None) -> dict[str, str]:
    """Build the JSON answer the cloud expects: ``{"messageId": ...}``."""
    message_id = message.message_id if isinstance(message, WebhookMessage) else message
    return {"messageId": message_id or ""}


def _text(body: str | bytes) -> str:
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return body


def _bytes(body: str | bytes) -> bytes:
    return body if isinstance(body, bytes) else body.encode()


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    """Case-insensitive header lookup over any mapping."""
    for name in names:
        value = headers.get(name)
        if value is not None:
            return value
    wanted = {name.lower() for name in names}
    for key, value in headers.items():
        if key.lower() in wanted:
            return value
    return None


def _epoch_ms(value: Any) -> int | None:
    number = as_float(value)
    if number is None or math.isnan(number) or number <= 0:
        return None
    if number < _EPOCH_MS_THRESHOLD:
        number *= 1000
    return int(number)


def _datetime(value: Any) -> datetime | None:
    millis = _epoch_ms(value)
    if millis is not None:
        return datetime.fromtimestamp(millis / 1000, UTC)
    text = as_str(value)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def _body(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"value": value}
    if isinstance(value, Mapping):
        return as_dict(value)
    return {} if value is None else {"value": value}


def _custom_info(value: Any) -> dict[str, Any] | None:
    if isinstance(value, Mapping):
        return as_dict(value)
    text = as_str(value)
    if not text:
        return None
    text = text.strip()
    candidates: list[str] = []
    try:
        padded = text + "=" * (-len(text) % 4)
        candidates.append(base64.b64decode(padded, validate=True).decode("utf-8"))
    except (binascii.Error, ValueError):
        pass
    candidates.append(text)
    for candidate in candidates:
        try:
            decoded = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(decoded, dict):
            return decoded
    return None


__all__ = [
    "HEADER_MESSAGE_TYPE",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "MESSAGE_TYPE_ALARM",
    "MESSAGE_TYPE_ONOFFLINE",
    "EzvizWebhookError",
    "WebhookHeader",
    "WebhookMessage",
    "compute_signature",
    "parse_webhook",
    "verify_webhook",
    "webhook_response",
]

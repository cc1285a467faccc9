"""Push (webhook) message parsing and signature checks."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
import hashlib
import hmac
import json
from typing import Any

from multidict import CIMultiDict
import pytest

from custom_components.ezviz_open.api.errors import EzvizWebhookError
from custom_components.ezviz_open.api.webhook import (
    MESSAGE_TYPE_ALARM,
    WebhookHeader,
    WebhookMessage,
    compute_signature,
    parse_webhook,
    verify_webhook,
    webhook_response,
)

SECRET = "push-secret"
T_MS = "1582821945396"
NOW = 1582821945.396


def _body(**body: Any) -> str:
    return json.dumps(
        {
            "header": {
                "channelNo": 1,
                "deviceId": "d98462102",
                "messageId": "5e57f239793f2b007fecb0de",
                "messageTime": 1582821945396,
                "type": "ys.alarm",
            },
            "body": body,
        }
    )


def _signed(body: str, t: str = T_MS) -> dict[str, str]:
    signature = hmac.new(SECRET.encode(), (body + t).encode(), hashlib.sha1).hexdigest()
    return {"t": t, "signature": signature, "message_type": "ys.alarm"}


def test_parse_alarm_message() -> None:
    """Header, body and HTTP headers are read; serials upper-cased."""
    body = _body(alarmTime=1582821945000, alarmType="10000", extra={"x": 1})
    message = parse_webhook(body, CIMultiDict({"T": T_MS, "Message_Type": "ys.alarm"}))
    assert message.message_type == MESSAGE_TYPE_ALARM
    assert message.timestamp_ms == int(T_MS)
    assert message.message_id == "5e57f239793f2b007fecb0de"
    assert message.device_serial == "D98462102"
    assert message.channel_no == 1
    assert message.header.message_time_ms == 1582821945396
    assert message.header.type == "ys.alarm"
    assert message.body["extra"] == {"x": 1}
    assert message.alarm_time == datetime(2020, 2, 27, 16, 45, 45, tzinfo=UTC)
    assert message.raw == json.loads(body)
    assert message.custom_info is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1582821945000, datetime(2020, 2, 27, 16, 45, 45, tzinfo=UTC)),
        ("1582821945000", datetime(2020, 2, 27, 16, 45, 45, tzinfo=UTC)),
        (1582821945, datetime(2020, 2, 27, 16, 45, 45, tzinfo=UTC)),
        ("2020-02-27 16:45:45", datetime(2020, 2, 27, 16, 45, 45)),
        ("2020-02-27T16:45:45+00:00", datetime(2020, 2, 27, 16, 45, 45, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
        ([1], None),
    ],
)
def test_alarm_time_variants(value: Any, expected: datetime | None) -> None:
    """alarmTime as a number, numeric string or date text."""
    message = parse_webhook(_body(alarmTime=value))
    assert message.alarm_time == expected


def test_custom_info_variants() -> None:
    """customInfo as base64 JSON (with or without padding), JSON text or object."""
    info = {"user": "abc", "n": 1}
    encoded = base64.b64encode(json.dumps(info).encode()).decode()
    assert parse_webhook(_body(customInfo=encoded)).custom_info == info
    assert parse_webhook(_body(customInfo=encoded.rstrip("="))).custom_info == info
    assert parse_webhook(_body(customInfo=json.dumps(info))).custom_info == info
    assert parse_webhook(_body(customInfo=info)).custom_info == info
    assert parse_webhook(_body(customInfo="not json")).custom_info is None
    assert parse_webhook(_body(customInfo="")).custom_info is None
    list_b64 = base64.b64encode(b"[1, 2]").decode()
    assert parse_webhook(_body(customInfo=list_b64)).custom_info is None


def test_lenient_shapes() -> None:
    """Odd bodies and headers are kept, not fatal."""
    text = json.dumps(
        {"header": {"messageId": 12, "channelNo": "2"}, "body": '{"a": 1}'}
    )
    message = parse_webhook(text.encode(), {"message-type": "ys.onoffline"})
    assert message.message_id == "12"
    assert message.channel_no == 2
    assert message.body == {"a": 1}
    assert message.message_type == "ys.onoffline"
    assert message.device_serial is None
    assert message.timestamp_ms is None

    plain = parse_webhook(json.dumps({"header": {"type": "ys.iot"}, "body": "text"}))
    assert plain.body == {"value": "text"}
    assert plain.message_type == "ys.iot"  # from header.type without HTTP header
    assert parse_webhook(json.dumps({"header": {}, "body": 5})).body == {"value": 5}
    assert parse_webhook(json.dumps({"header": {}})).body == {}
    assert parse_webhook('{"header": {}}', {"t": "0"}).timestamp_ms is None
    assert (
        parse_webhook('{"header": {}}', {"t": "1582821945"}).timestamp_ms
        == 1582821945000
    )


@pytest.mark.parametrize(
    "text", ["", "not json", "[1]", '{"body": {}}', '{"header": 1}']
)
def test_malformed_body(text: str) -> None:
    """Not JSON, or no header object: MALFORMED."""
    with pytest.raises(EzvizWebhookError) as info:
        parse_webhook(text)
    assert info.value.reason == EzvizWebhookError.MALFORMED


def test_from_api_directly() -> None:
    """The dataclasses can be built from decoded data."""
    message = WebhookMessage.from_api(
        {"header": {"deviceSerial": "abc"}}, timestamp="5"
    )
    assert message.header == WebhookHeader(None, "ABC", None, None, None)
    assert message.timestamp_ms == 5000
    assert "raw" not in repr(message)


def test_signature_ok() -> None:
    """A correct signature passes, with any header casing and bytes bodies."""
    body = _body(alarmTime=1)
    headers = _signed(body)
    verify_webhook(body, headers, SECRET)
    verify_webhook(
        body.encode(), CIMultiDict({k.upper(): v for k, v in headers.items()}), SECRET
    )
    mixed = {"T": headers["t"], "Signature": headers["signature"]}
    verify_webhook(body, mixed, SECRET)
    upper = dict(headers, signature=headers["signature"].upper())
    verify_webhook(body, upper, SECRET)
    assert compute_signature(body, T_MS, SECRET) == headers["signature"]


def test_signature_missing() -> None:
    """No signature header: MISSING_SIGNATURE."""
    body = _body()
    with pytest.raises(EzvizWebhookError) as info:
        verify_webhook(body, {"t": T_MS}, SECRET)
    assert info.value.reason == EzvizWebhookError.MISSING_SIGNATURE


@pytest.mark.parametrize(
    "change",
    [
        {"signature": "0" * 40},
        {"signature": "zz-not-hex-é"},
        {"t": "1582821945397"},
    ],
)
def test_signature_bad(change: dict[str, str]) -> None:
    """A wrong signature or a changed timestamp: BAD_SIGNATURE."""
    body = _body()
    headers = {**_signed(body), **change}
    with pytest.raises(EzvizWebhookError) as info:
        verify_webhook(body, headers, SECRET)
    assert info.value.reason == EzvizWebhookError.BAD_SIGNATURE


def test_signature_of_changed_body_or_secret() -> None:
    """A tampered body or another secret does not verify."""
    body = _body(alarmTime=1)
    headers = _signed(body)
    with pytest.raises(EzvizWebhookError):
        verify_webhook(_body(alarmTime=2), headers, SECRET)
    with pytest.raises(EzvizWebhookError):
        verify_webhook(body, headers, "other")


def test_signature_without_timestamp() -> None:
    """A signature without t cannot be checked: MALFORMED."""
    body = _body()
    headers = _signed(body)
    del headers["t"]
    with pytest.raises(EzvizWebhookError) as info:
        verify_webhook(body, headers, SECRET)
    assert info.value.reason == EzvizWebhookError.MALFORMED


@pytest.mark.parametrize(
    ("t", "now", "ok"),
    [
        (T_MS, NOW + 10, True),  # ms timestamp, 10 s old
        (T_MS, NOW + 61, False),  # too old
        (T_MS, NOW - 61, False),  # too far in the future
        ("1582821945", NOW + 30, True),  # seconds timestamp
        ("1582821945", NOW + 300, False),
    ],
)
def test_signature_max_age(t: str, now: float, ok: bool) -> None:
    """max_age checks t in ms or s, decided from its magnitude."""
    body = _body()
    headers = _signed(body, t)
    if ok:
        verify_webhook(body, headers, SECRET, max_age=60, now=now)
        return
    with pytest.raises(EzvizWebhookError) as info:
        verify_webhook(body, headers, SECRET, max_age=60, now=now)
    assert info.value.reason == EzvizWebhookError.TOO_OLD


def test_signature_max_age_uses_clock() -> None:
    """Without ``now`` the current time is used (an old t fails)."""
    body = _body()
    with pytest.raises(EzvizWebhookError) as info:
        verify_webhook(body, _signed(body), SECRET, max_age=60)
    assert info.value.reason == EzvizWebhookError.TOO_OLD


def test_signature_max_age_needs_numeric_t() -> None:
    """A non-numeric t that still signs correctly is MALFORMED with max_age."""
    body = _body()
    headers = _signed(body, "abc")
    verify_webhook(body, headers, SECRET)
    with pytest.raises(EzvizWebhookError) as info:
        verify_webhook(body, headers, SECRET, max_age=60)
    assert info.value.reason == EzvizWebhookError.MALFORMED


def test_webhook_response() -> None:
    """The answer echoes the messageId."""
    message = parse_webhook(_body())
    assert webhook_response(message) == {"messageId": "5e57f239793f2b007fecb0de"}
    assert webhook_response("abc") == {"messageId": "abc"}
    assert webhook_response(None) == {"messageId": ""}

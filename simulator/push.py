"""Push messages (webhook), sent the way the cloud sends them.

The reference's "Push Message System": a POST with ``Content-Type:
text/plain``, a JSON body ``{"header": {channelNo, deviceId, messageId,
messageTime, type}, "body": {...}}`` and the HTTP headers ``t`` (timestamp),
``message_type`` and, when a signing key was agreed, ``signature`` =
hex(HMAC-SHA1(key, body + t)). A push succeeded when the answer is HTTP 200
and carries the message's ``messageId``.

The body is the device's own message, which the reference does not list.
``ys.alarm`` carries ``alarmType`` either as the number of the alarm-type
table or as a text name (the Chinese push documentation types it as a
string; public clients compare it with names such as ``motiondetect``), so
the simulator sends either form: per device (``Device.push_alarm_type``,
``"code"`` or ``"name"``) or per call.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import aiohttp

from .state import Alarm

if TYPE_CHECKING:
    from .state import FleetState

type AlarmTypeForm = Literal["code", "name"]

MESSAGE_TYPE_ALARM: Final = "ys.alarm"
MESSAGE_TYPE_ONOFFLINE: Final = "ys.onoffline"

#: Text names sent for alarm-type codes in the ``"name"`` form, as public
#: clients of real pushes spell them: motion ``motiondetect`` and PIR ``pir``
#: (wd15102/Ai_jiankong, lihua321-lihua/EdgeFallSys_web), face
#: ``SmartFaceDet`` (ha-china/ezviz_push), lens covered ``shelteralarm``,
#: video loss ``videoloss``, smoke ``smokeAlarm`` (a Java gateway's
#: ``EzvizConstants``). A code without a name here goes out as its number.
ALARM_TYPE_NAMES: Final[dict[int, str]] = {
    10002: "motiondetect",
    10000: "pir",
    10015: "SmartFaceDet",
    10011: "shelteralarm",
    10012: "videoloss",
    10005: "smokeAlarm",
}
_CODES_BY_NAME: Final = {
    name.casefold(): code for code, name in ALARM_TYPE_NAMES.items()
}


class PushSim(Protocol):
    """What the push sender uses of the simulator (``app.Simulator``)."""

    base_url: str
    state: FleetState

    def now(self) -> float:
        """Return the simulator clock (seconds)."""


@dataclass
class SentPush:
    """One push message and how the receiver answered it."""

    message_type: str
    message_id: str
    body: str
    headers: dict[str, str]
    status: int | None = None
    answer: Any = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        """HTTP 200 with the message's id in the answer (the reference's rule)."""
        return (
            self.status == 200
            and isinstance(self.answer, dict)
            and self.answer.get("messageId") == self.message_id
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly copy (with ``delivered``)."""
        return {**asdict(self), "delivered": self.delivered}


@dataclass
class PushSender:
    """The account's push service: where messages go and what was sent."""

    sim: PushSim
    url: str | None = None
    secret: str | None = None
    sent: list[SentPush] = field(default_factory=list)

    def configure(self, url: str | None, *, secret: str | None = None) -> None:
        """Set the webhook address and the signing key (None: unsigned)."""
        self.url = url
        self.secret = secret or None

    async def alarm(
        self,
        serial: str,
        alarm_type: int | str = 10002,
        *,
        form: AlarmTypeForm | None = None,
        channel: int = 1,
        alarm_id: str | None = None,
        record: bool = True,
    ) -> SentPush:
        """Push a ``ys.alarm`` of ``serial``.

        An int ``alarm_type`` goes out as ``form`` says (default: the device's
        ``push_alarm_type``); a text goes out as given. ``record`` also adds
        the alarm to ``alarm/list`` when its code is known, so that polling
        finds the same alarm (same id and millisecond).
        """
        serial = serial.upper()
        dev = self.sim.state.devices.get(serial)
        code = (
            alarm_type
            if isinstance(alarm_type, int)
            else _CODES_BY_NAME.get(alarm_type.casefold())
        )
        wire: int | str = alarm_type
        if isinstance(alarm_type, int):
            chosen = form or (dev.push_alarm_type if dev else "code")
            if chosen == "name":
                wire = ALARM_TYPE_NAMES.get(alarm_type, alarm_type)
        alarm_id = alarm_id or str(24027912025700000 + self.sim.state.next_id())
        time_ms = int(self.sim.now() * 1000)
        encrypted = int(dev.is_encrypt) if dev else 0
        name = dev.name if dev else serial
        if record and code is not None:
            self.sim.state.alarms.append(
                Alarm(
                    alarm_id=alarm_id,
                    serial=serial,
                    alarm_type=code,
                    alarm_time_ms=time_ms,
                    channel_no=channel,
                    name=name,
                    is_encrypt=encrypted,
                )
            )
        suffix = "-enc" if encrypted else ""
        picture = f"{self.sim.base_url}/_sim/pic/alarm-{serial}-{alarm_id}{suffix}.jpg"
        body = {
            "alarmId": alarm_id,
            "alarmType": wire,
            "alarmTime": time_ms,
            "channelNo": channel,
            "channelName": name,
            "devSerial": serial,
            "crypt": encrypted,
            "pictureList": [{"id": "1", "url": picture}],
        }
        return await self.send(MESSAGE_TYPE_ALARM, serial, body, channel=channel)

    async def onoffline(self, serial: str, online: bool = True) -> SentPush:
        """Put a device online or offline and push ``ys.onoffline`` about it."""
        serial = serial.upper()
        dev = self.sim.state.devices[serial]
        dev.online = online
        body = {
            "devSerial": serial,
            "deviceName": dev.name,
            "msgType": "ONLINE" if online else "OFFLINE",
        }
        return await self.send(MESSAGE_TYPE_ONOFFLINE, serial, body)

    async def send(
        self, message_type: str, serial: str, body: dict[str, Any], *, channel: int = 1
    ) -> SentPush:
        """POST one message to the configured address; return what happened."""
        if not self.url:
            raise RuntimeError("push is not configured: call sim.push.configure(url)")
        now_ms = int(self.sim.now() * 1000)
        message_id = f"{now_ms:x}{self.sim.state.next_id():08x}"
        text = json.dumps(
            {
                "header": {
                    "channelNo": channel,
                    "deviceId": serial,
                    "messageId": message_id,
                    "messageTime": now_ms,
                    "type": message_type,
                },
                "body": body,
            },
            ensure_ascii=False,
        )
        stamp = str(now_ms)
        headers = {
            "Content-Type": "text/plain",
            "t": stamp,
            "message_type": message_type,
        }
        if self.secret:
            headers["signature"] = hmac.new(
                self.secret.encode(), (text + stamp).encode(), hashlib.sha1
            ).hexdigest()
        sent = SentPush(message_type, message_id, text, headers)
        self.sent.append(sent)
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    self.url,
                    data=text.encode(),
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=2),
                ) as response,
            ):
                sent.status = response.status
                raw = await response.text()
        except (aiohttp.ClientError, TimeoutError) as err:
            sent.error = repr(err)
            return sent
        try:
            sent.answer = json.loads(raw) if raw else None
        except ValueError:
            sent.answer = raw
        return sent

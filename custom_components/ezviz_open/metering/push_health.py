"""Push health: whether presence and alarms come by push, so polling may relax.

Push counts as healthy while a verified message (of any type) arrived within
``PUSH_HEALTHY_FOR``, and until a poll finds what push did not deliver: an
alarm (``coordinator/alarms.py``) or a device gone on- or offline (the device
list, ``governor.py``). The push receiver (``push.py``) reports each verified
message; the budget governor plans with the answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.util import dt as dt_util

from ..const import LOGGER
from ..listeners import Listeners

#: Push counts as healthy this long after the last verified message (of any
#: type): an hour without one, polling takes over presence and alarms again.
PUSH_HEALTHY_FOR: Final = timedelta(hours=1)


class PushHealth:
    """When push last proved itself, and who wants to know when that changes."""

    def __init__(self) -> None:
        """Start unproven: polling carries presence and alarms."""
        self._seen_at: datetime | None = None
        self._listeners: Listeners[()] = Listeners()

    @property
    def healthy(self) -> bool:
        """Whether push delivered a verified message recently."""
        expires = self.expires
        return expires is not None and dt_util.utcnow() < expires

    @property
    def expires(self) -> datetime | None:
        """When push stops counting as healthy without another message."""
        if self._seen_at is None:
            return None
        return self._seen_at + PUSH_HEALTHY_FOR

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` when push becomes healthy or is found wanting."""
        return self._listeners.async_add(listener)

    @callback
    def async_seen(self) -> None:
        """Record a verified push message: polling may slow down."""
        healthy = self.healthy
        self._seen_at = dt_util.utcnow()
        if not healthy:
            self._listeners.async_call()

    @callback
    def async_missed(self, what: str) -> None:
        """Stop trusting push: a poll found what it should have delivered."""
        if not self.healthy:
            return
        LOGGER.debug("Polling found %s push did not deliver", what)
        self._seen_at = None
        self._listeners.async_call()

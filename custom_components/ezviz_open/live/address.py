"""The cloud's play addresses: how long each is good for, and when to renew it.

A play address is asked for when there is none, or the one held expires
within ``RENEW_MARGIN`` (a quarter of its validity at most); one request per
renewal. The cloud's ``expireTime`` decides, not the validity asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from homeassistant.util import dt as dt_util

#: Renew an address this long before it expires (a quarter of its validity
#: when that is shorter), so that a running stream never meets the expiry.
RENEW_MARGIN: Final = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class PlayAddress:
    """A cloud play address and when (loop time) to stop using it."""

    url: str
    renew_at: float

    def __repr__(self) -> str:
        """Never show the URL: it grants access to the stream."""
        return f"PlayAddress(renew_at={self.renew_at:.1f})"


def granted_validity(expire_time: datetime | None, asked: timedelta) -> timedelta:
    """How long an address stays valid, from the reply's ``expireTime``.

    The reply's time has no zone; the reference's example matches the
    ``expire`` epoch in its URL when read as UTC. The cloud may grant less
    than was asked; more, or a time already past, means the zone was not
    UTC, and then what was asked for is the best guess.
    """
    if expire_time is None:
        return asked
    if expire_time.tzinfo is None:
        expire_time = expire_time.replace(tzinfo=UTC)
    granted = expire_time - dt_util.utcnow()
    if granted <= timedelta(0) or granted > asked:
        return asked
    return granted


def renew_after(validity: timedelta) -> float:
    """Seconds after which an address of ``validity`` is renewed."""
    seconds = validity.total_seconds()
    return seconds - min(RENEW_MARGIN.total_seconds(), seconds / 4)

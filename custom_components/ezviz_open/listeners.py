"""Callbacks to tell of a change: add one (and get its undo), call them all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, callback

if TYPE_CHECKING:
    from collections.abc import Callable


class Listeners[*Ts]:
    """The callbacks of one kind of change, called with ``Ts``."""

    def __init__(self) -> None:
        """Start with none."""
        self._callbacks: list[Callable[[*Ts], None]] = []

    @callback
    def async_add(self, listener: Callable[[*Ts], None]) -> CALLBACK_TYPE:
        """Call ``listener`` at each change; return the undo."""
        self._callbacks.append(listener)

        @callback
        def _remove() -> None:
            self._callbacks.remove(listener)

        return _remove

    @callback
    def async_call(self, *args: *Ts) -> None:
        """Tell every listener, those added while telling excepted."""
        for listener in list(self._callbacks):
            listener(*args)

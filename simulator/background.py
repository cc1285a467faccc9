"""Run a simulator in a background thread with its own event loop.

Usable from synchronous code or from any other event loop::

    with BackgroundSimulator(fleet="demo") as sim:
        print(sim.base_url)        # the Simulator instance is ``sim.sim``
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
import threading
from typing import TYPE_CHECKING, Any, Self

from .app import Simulator

if TYPE_CHECKING:
    from types import TracebackType


class BackgroundSimulator:
    """A ``Simulator`` served from a daemon thread."""

    def __init__(
        self, *args: Any, host: str = "127.0.0.1", port: int = 0, **kwargs: Any
    ) -> None:
        """Arguments are those of ``Simulator``; ``host``/``port`` those of ``start``."""
        self._args = args
        self._kwargs = kwargs
        self._host = host
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._sim: Simulator | None = None

    @property
    def sim(self) -> Simulator:
        """The running simulator (mutate its state/faults from any thread with care)."""
        if self._sim is None:
            raise RuntimeError("simulator not started")
        return self._sim

    @property
    def base_url(self) -> str:
        """The base URL of the running simulator."""
        return self.sim.base_url

    def start(self) -> str:
        """Start the thread and the server; return the base URL."""
        ready: Future[str] = Future()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                sim = Simulator(*self._args, **self._kwargs)
                self._sim = sim
                url = loop.run_until_complete(sim.start(self._host, self._port))
            except Exception as err:
                ready.set_exception(err)
                loop.close()
                return
            ready.set_result(url)
            loop.run_forever()
            loop.run_until_complete(sim.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="ezviz-simulator", daemon=True)
        self._thread.start()
        return ready.result(timeout=30)

    def call(self, func: Any, *args: Any) -> Any:
        """Run ``func(*args)`` on the simulator's loop and return its result."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("simulator not started")
        done: Future[Any] = Future()

        def runner() -> None:
            try:
                done.set_result(func(*args))
            except Exception as err:
                done.set_exception(err)

        loop.call_soon_threadsafe(runner)
        return done.result(timeout=30)

    def stop(self) -> None:
        """Stop the server and join the thread."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
        self._loop = None
        self._thread = None

    def __enter__(self) -> Self:
        """Start."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        self.stop()

"""The route table: endpoint handlers register here, the simulator dispatches from it.

Each handler is registered with ``@route(path, method, family)`` and receives
a ``RequestContext``; it returns the reply's ``data`` (``NO_DATA`` for none,
a ``Paged`` for list calls) or raises ``ApiError``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .context import Family, RequestContext

Handler = Callable[[RequestContext], Awaitable[Any]]


@dataclass(frozen=True)
class Route:
    """One endpoint of the API."""

    path: str
    method: str
    family: Family
    handler: Handler


ROUTES: dict[str, Route] = {}


def route(
    path: str, method: str = "POST", family: Family = "lapp"
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``path``."""

    def decorator(handler: Handler) -> Handler:
        ROUTES[path] = Route(path=path, method=method, family=family, handler=handler)
        return handler

    return decorator

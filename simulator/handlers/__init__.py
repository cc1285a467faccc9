"""Endpoint handlers, one module per area of the reference.

Each handler registers itself with ``simulator.routes.route``; ``load_all``
imports every handler module and returns the filled route table. Handler
modules import ``simulator.routes``, never this package.
"""

from __future__ import annotations

from ..routes import ROUTES, Route


def load_all() -> dict[str, Route]:
    """Import every handler module and return the route table."""
    from . import (  # noqa: F401
        alarms,
        detectors,
        device_config,
        devices,
        live,
        ptz,
        ram,
        settings,
        storage,
        system,
    )

    return ROUTES

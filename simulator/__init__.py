"""A stateful EZVIZ Open Platform simulator on loopback (tests, benchmarks, demo).

Imports nothing from ``custom_components``. See ``simulator/README.md``.
"""

from __future__ import annotations

from .app import Simulator
from .background import BackgroundSimulator
from .errors import ApiError
from .faults import FaultRule, Faults
from .fleet import generate_fleet
from .records import RecordedRequest, TokenRecord

__all__ = [
    "ApiError",
    "BackgroundSimulator",
    "FaultRule",
    "Faults",
    "RecordedRequest",
    "Simulator",
    "TokenRecord",
    "generate_fleet",
]

"""What the simulator keeps a record of: the tokens it hands out, the requests it gets."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class TokenRecord:
    """An access token handed out by the simulator."""

    token: str
    area: str | None
    expire_ms: int
    app_key: str
    sub_account: str | None = None


@dataclass
class RecordedRequest:
    """One API request as the simulator received it."""

    method: str
    path: str  # without the area prefix
    area: str | None  # the area name, None at the root
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    json: Any
    time: float
    raw_path: str = ""
    family: str | None = None
    status: int | None = None  # HTTP status answered
    code: int | None = None  # envelope code answered (None: no envelope)
    fault: int | None = None  # id of the fault rule that answered

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly copy."""
        return asdict(self)

"""Fault injection: errors, HTTP failures, latency, bad bodies, rate limits.

Rules are matched per API path (without the area prefix) or ``"*"``. The
first matching rule that fires decides the answer; latency of every matching
rule is added.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field
import itertools
import random
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

BodyKind = Literal["malformed", "truncated", "html", "empty", "non_json"]
BODY_KINDS: tuple[str, ...] = ("malformed", "truncated", "html", "empty", "non_json")

TOKEN_PATH = "/api/lapp/token/get"  # noqa: S105 - a path, not a secret


@dataclass
class FaultRule:
    """One fault injection rule.

    * ``path``: the API path (``/api/lapp/device/list``) or ``"*"`` (every API
      path except ``token/get``, unless ``include_token``).
    * ``code``: answer this error code (lapp: in the envelope with HTTP 200;
      v3: in ``meta.code`` with ``http_status`` or the code's usual status).
    * ``http_status``: answer this HTTP status with an HTML error page
      (unless ``code`` is also set, then it is the v3 status).
    * ``latency``: sleep this many real seconds before answering.
    * ``body``: answer HTTP 200 with a broken body: ``malformed`` (invalid
      JSON), ``truncated`` (a valid reply cut in half), ``html``, ``empty``,
      ``non_json`` (plain text).
    * ``rate_limit_after``: answer 10029 once more than N calls were made
      within ``window`` seconds (simulator clock).
    * ``quota_after``: answer 10007 once more than N calls were made in total.
    * ``times``: apply to the next K matching requests only (None = forever).
    * ``probability``: fire with this probability (seeded RNG, see
      ``Faults.seed``).
    """

    path: str = "*"
    code: int | None = None
    http_status: int | None = None
    latency: float = 0.0
    body: str | None = None
    rate_limit_after: int | None = None
    window: float = 60.0
    quota_after: int | None = None
    times: int | None = None
    probability: float = 1.0
    include_token: bool = False
    message: str | None = None
    id: int = 0
    fired: int = 0
    calls: deque[float] = field(default_factory=deque, repr=False)
    total_calls: int = 0

    def matches(self, path: str) -> bool:
        """Whether this rule applies to ``path``."""
        if self.path == "*":
            return path != TOKEN_PATH or self.include_token
        return self.path == path

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly description (for GET /_sim/faults)."""
        data = asdict(self)
        data.pop("calls", None)
        return data


@dataclass
class FaultDecision:
    """What the app must do for one request."""

    latency: float = 0.0
    rule: FaultRule | None = None
    code: int | None = None
    http_status: int | None = None
    body: str | None = None
    message: str | None = None


class Faults:
    """The fault injection handle (``sim.faults``)."""

    def __init__(self, clock: Callable[[], float], seed: int = 0) -> None:
        """Create an empty rule set using ``clock`` for rate-limit windows."""
        self._clock = clock
        self._rng = random.Random(seed)
        self._ids = itertools.count(1)
        self.rules: list[FaultRule] = []

    def seed(self, seed: int) -> None:
        """Re-seed the RNG used by ``probability``."""
        self._rng = random.Random(seed)

    def add(
        self,
        path: str = "*",
        *,
        code: int | None = None,
        http_status: int | None = None,
        latency: float = 0.0,
        body: str | None = None,
        rate_limit_after: int | None = None,
        window: float = 60.0,
        quota_after: int | None = None,
        times: int | None = None,
        probability: float = 1.0,
        include_token: bool = False,
        message: str | None = None,
    ) -> FaultRule:
        """Add a rule (see ``FaultRule``) and return it."""
        if body is not None and body not in BODY_KINDS:
            raise ValueError(f"body must be one of {BODY_KINDS}")
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be within 0..1")
        rule = FaultRule(
            path=path,
            code=code,
            http_status=http_status,
            latency=latency,
            body=body,
            rate_limit_after=rate_limit_after,
            window=window,
            quota_after=quota_after,
            times=times,
            probability=probability,
            include_token=include_token,
            message=message,
            id=next(self._ids),
        )
        self.rules.append(rule)
        return rule

    def error(
        self, path: str, code: int, *, times: int | None = None, **kw: Any
    ) -> FaultRule:
        """Shortcut: answer ``code`` on ``path``."""
        return self.add(path, code=code, times=times, **kw)

    def http_error(
        self, path: str, status: int = 500, *, times: int | None = None
    ) -> FaultRule:
        """Shortcut: answer an HTML error page with HTTP ``status``."""
        return self.add(path, http_status=status, times=times)

    def latency(
        self, path: str, seconds: float, *, times: int | None = None
    ) -> FaultRule:
        """Shortcut: delay answers by ``seconds`` real seconds."""
        return self.add(path, latency=seconds, times=times)

    def bad_body(self, path: str, kind: str, *, times: int | None = None) -> FaultRule:
        """Shortcut: answer a broken body of ``kind``."""
        return self.add(path, body=kind, times=times)

    def rate_limit(
        self, path: str = "*", *, after: int, window: float = 60.0
    ) -> FaultRule:
        """Shortcut: 10029 once more than ``after`` calls happen within ``window``."""
        return self.add(path, rate_limit_after=after, window=window)

    def quota(self, path: str = "*", *, after: int) -> FaultRule:
        """Shortcut: 10007 once more than ``after`` calls were made."""
        return self.add(path, quota_after=after)

    def remove(self, rule: FaultRule | int) -> None:
        """Remove one rule (object or id)."""
        rule_id = rule if isinstance(rule, int) else rule.id
        self.rules = [r for r in self.rules if r.id != rule_id]

    def clear(self) -> None:
        """Remove every rule."""
        self.rules.clear()

    def decide(self, path: str) -> FaultDecision:
        """Evaluate the rules for one request to ``path``."""
        decision = FaultDecision()
        now = self._clock()
        for rule in list(self.rules):
            if not rule.matches(path):
                continue
            fire, code = self._evaluate(rule, now)
            if not fire:
                continue
            decision.latency += rule.latency
            if decision.rule is None and (
                code is not None
                or rule.http_status is not None
                or rule.body is not None
            ):
                decision.rule = rule
                decision.code = code
                decision.http_status = rule.http_status
                decision.body = rule.body
                decision.message = rule.message
            rule.fired += 1
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self.remove(rule)
        return decision

    def _evaluate(self, rule: FaultRule, now: float) -> tuple[bool, int | None]:
        rule.total_calls += 1
        if rule.rate_limit_after is not None or rule.quota_after is not None:
            rule.calls.append(now)
            while rule.calls and now - rule.calls[0] >= rule.window:
                rule.calls.popleft()
            if rule.quota_after is not None and rule.total_calls > rule.quota_after:
                return self._chance(rule), 10007
            if (
                rule.rate_limit_after is not None
                and len(rule.calls) > rule.rate_limit_after
            ):
                return self._chance(rule), 10029
            return False, None
        return self._chance(rule), rule.code

    def _chance(self, rule: FaultRule) -> bool:
        if rule.probability >= 1.0:
            return True
        return self._rng.random() < rule.probability

"""What a loaded entry holds: the runtime data, and the entry typed with it.

Imported by the modules that read an entry's runtime data (the platforms,
diagnostics, flows, push, repairs); the modules it names (the client, the
coordinators, the governor, the counter) do not import it, so no import,
type-only ones included, runs back up to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from types import MappingProxyType

    from .api import EzvizOpenClient
    from .coordinator.account import AccountCoordinator
    from .coordinator.alarms import AlarmCoordinator
    from .coordinator.capabilities import CapabilityStore
    from .coordinator.detail import DetailCoordinator
    from .metering.allowance import Allowance
    from .metering.governor import BudgetGovernor
    from .metering.push_health import PushHealth
    from .metering.usage import RequestCounter


@dataclass
class EzvizOpenData:
    """What an entry holds while it is loaded."""

    client: EzvizOpenClient
    account: AccountCoordinator
    detail: DetailCoordinator
    capabilities: CapabilityStore
    #: May a request be sent now, and how often each cadence polls.
    allowance: Allowance
    alarms: AlarmCoordinator
    #: Whether presence and alarms come by push (polling may relax).
    push_health: PushHealth
    #: Keeps the cadences to the plan that fits the request budget.
    governor: BudgetGovernor
    #: Requests sent this budget period, by kind.
    usage: RequestCounter
    #: The options the entry was set up with (a change reloads the entry).
    options: MappingProxyType[str, Any]


type EzvizOpenConfigEntry = ConfigEntry[EzvizOpenData]

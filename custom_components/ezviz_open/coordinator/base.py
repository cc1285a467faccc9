"""The base of every cadence: one mapping of the client's errors to outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ..api.errors import EzvizAuthError, EzvizError, EzvizRateLimitError
from ..const import DOMAIN, LOGGER
from ..metering.usage import counting_as

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from ..api import EzvizOpenClient
    from ..metering.allowance import Allowance
    from ..metering.planner import CadenceKey


class EzvizCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Base: polls at the allowance's interval and maps client errors.

    Authentication errors start reauth; rate and quota refusals keep the
    last data and back off; other failures are retried at the next cadence.
    The interval is the allowance's (``metering/allowance.py``), read after
    each poll and again whenever the plan changes.
    """

    config_entry: ConfigEntry
    #: The cadence this coordinator is, and what its requests count as.
    cadence: CadenceKey
    #: Whether an accepted poll clears the shared standing (a refusal seen
    #: by any cadence); the alarm poll leaves that to the account cadence.
    clears_standing = True

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EzvizOpenClient,
        allowance: Allowance,
        *,
        name: str,
    ) -> None:
        """Set up a cadence at the allowance's interval."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=name,
            update_interval=allowance.interval(self.cadence),
        )
        self.client = client
        self.allowance = allowance
        entry.async_on_unload(allowance.async_add_plan_listener(self._follow_plan))

    @callback
    def _follow_plan(self) -> None:
        """Poll at the interval the allowance gives now."""
        self.update_interval = self.allowance.interval(self.cadence)

    async def _async_fetch(self) -> DataT:
        """Read this cadence's data from the cloud."""
        raise NotImplementedError

    async def _async_update_data(self) -> DataT:
        try:
            with counting_as(self.cadence):
                data = await self._async_fetch()
        except EzvizAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except EzvizRateLimitError as err:
            self.allowance.hit(err)
            self._follow_plan()
            if self.data is None:
                raise UpdateFailed(
                    translation_domain=DOMAIN, translation_key="rate_limited"
                ) from err
            return self.data
        except EzvizError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        if self.clears_standing:
            self.allowance.clear()
        self._follow_plan()
        return data

"""Run the simulator alone: ``python -m simulator --port 8765 [--fleet demo|N]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from typing import Any

from .app import Simulator
from .fleet import generate_fleet


async def _serve(args: argparse.Namespace) -> None:
    fleet: Any = args.fleet
    if fleet.isdigit():
        fleet = generate_fleet(int(fleet), seed=args.seed)
    sim = Simulator(
        fleet,
        app_key=args.app_key,
        app_secret=args.app_secret,
        token_lifetime=args.token_lifetime,
        area=args.area,
    )
    base_url = await sim.start(args.host, args.port)
    print(f"EZVIZ Open Platform simulator on {base_url}")
    print(f"  base URL   : {base_url}")
    print(f"  app key    : {sim.app_key}")
    print(f"  app secret : {sim.app_secret}")
    print(f"  devices    : {len(sim.state.devices)}")
    print(f"  control    : {base_url}/_sim/state")
    try:
        await asyncio.Event().wait()
    finally:
        await sim.stop()


def main() -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--fleet", default="demo", help="demo, a JSON path, or a device count"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for a generated fleet"
    )
    parser.add_argument("--app-key", default="sim-app-key")
    parser.add_argument("--app-secret", default="sim-app-secret")
    parser.add_argument("--token-lifetime", type=float, default=7 * 86400)
    parser.add_argument("--area", default="eu")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()

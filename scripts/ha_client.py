"""A small client of a running Home Assistant's HTTP and websocket APIs.

Used by the demo run (``scripts/develop_run.py``) and what follows it (the
checks and the browser run): onboarding (``/api/onboarding/...``), the login
flow and tokens (``/auth/...``), config and options flows, states,
templates, services, and websocket commands. It knows nothing of the
integration or the simulator.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiohttp


WS_TIMEOUT = 30.0  # seconds for one websocket message


class DemoError(Exception):
    """A step against Home Assistant failed; the message says why."""


class HomeAssistantApi:
    """Home Assistant's REST and websocket APIs, as one logged-in user."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Use that session against that Home Assistant."""
        self.session = session
        self.base_url = base_url
        self.client_id = f"{base_url}/"
        self.redirect_uri = f"{base_url}/?auth_callback=1"
        self.tokens: dict[str, Any] = {}

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    async def request(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        ok: tuple[int, ...] = (200, 201),
        **kwargs: Any,
    ) -> Any:
        """Call the API; answer the JSON (or text) body; DemoError on a bad status."""
        headers = self._headers if auth else {}
        async with self.session.request(
            method, f"{self.base_url}{path}", headers=headers, **kwargs
        ) as resp:
            text = await resp.text()
            if resp.status not in ok:
                raise DemoError(
                    f"{method} {path} answered HTTP {resp.status}: {text[:300]}"
                )
            if resp.content_type == "application/json":
                return json.loads(text) if text else None
            return text

    async def fetch(self, path: str) -> bytes:
        """GET a path that needs no token (e.g. an HLS URL, which carries its own)."""
        async with self.session.get(f"{self.base_url}{path}") as resp:
            body = await resp.read()
            if resp.status != 200:
                raise DemoError(f"GET {path.split('?')[0]} answered HTTP {resp.status}")
            return body

    async def ws_command(self, command: dict[str, Any]) -> Any:
        """Send one websocket command on a new connection; answer its result."""
        async with self.session.ws_connect(f"{self.base_url}/api/websocket") as ws:
            hello = await ws.receive_json(timeout=WS_TIMEOUT)
            if hello.get("type") != "auth_required":
                raise DemoError(f"the websocket API greeted with {hello}")
            await ws.send_json(
                {"type": "auth", "access_token": self.tokens["access_token"]}
            )
            auth = await ws.receive_json(timeout=WS_TIMEOUT)
            if auth.get("type") != "auth_ok":
                raise DemoError(f"the websocket API refused the token: {auth}")
            await ws.send_json({"id": 1, **command})
            while True:
                reply = await ws.receive_json(timeout=WS_TIMEOUT)
                if reply.get("id") == 1 and reply.get("type") == "result":
                    break
        if not reply.get("success"):
            raise DemoError(f"{command['type']}: {reply.get('error')}")
        return reply.get("result")

    async def _exchange(self, code: str) -> None:
        """Trade an authorization code for tokens."""
        self.tokens = await self.request(
            "POST",
            "/auth/token",
            auth=False,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        )

    async def login(self, username: str, password: str) -> None:
        """Log in through the login flow (the homeassistant auth provider)."""
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            auth=False,
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.redirect_uri,
            },
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            auth=False,
            json={
                "client_id": self.client_id,
                "username": username,
                "password": password,
            },
        )
        if result.get("type") != "create_entry":
            raise DemoError(
                f"cannot log in as {username!r}: {result.get('errors') or result}. "
                "Onboarding was completed with another user or password; remove "
                "the config directory's .storage/ (config/.storage) to start afresh"
            )
        await self._exchange(result["result"])

    async def onboard_and_login(self, name: str, username: str, password: str) -> bool:
        """Finish whatever onboarding step is open; log in. True if the user is new."""
        # Once onboarded, Home Assistant no longer serves the onboarding views.
        steps = await self.request("GET", "/api/onboarding", auth=False, ok=(200, 404))
        done = {
            step["step"]: step["done"] for step in steps or [] if isinstance(step, dict)
        }
        created = False
        if not done.get("user", True):
            reply = await self.request(
                "POST",
                "/api/onboarding/users",
                auth=False,
                json={
                    "client_id": self.client_id,
                    "name": name,
                    "username": username,
                    "password": password,
                    "language": "en",
                },
            )
            await self._exchange(reply["auth_code"])
            created = True
        else:
            await self.login(username, password)
        if not done.get("core_config", True):
            await self.request("POST", "/api/onboarding/core_config", json={})
        if not done.get("analytics", True):
            await self.request("POST", "/api/onboarding/analytics", json={})
        if not done.get("integration", True):
            await self.request(
                "POST",
                "/api/onboarding/integration",
                json={"client_id": self.client_id, "redirect_uri": self.redirect_uri},
            )
        return created

    async def entries(self, domain: str | None = None) -> list[dict[str, Any]]:
        """The config entries (of one domain)."""
        query = f"?domain={domain}" if domain else ""
        result: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry{query}"
        )
        return result

    async def delete_entry(self, entry_id: str) -> None:
        """Remove a config entry."""
        await self.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")

    async def flow(
        self, kind: str, handler: str, answers: dict[str, dict[str, Any] | None]
    ) -> dict[str, Any]:
        """Run a config (``kind`` "flow") or options ("options/flow") flow to its end.

        ``answers`` maps each step the flow may show to what is entered
        there; ``None`` keeps the form's own values (suggested, else default).
        Answers the final result; DemoError on an abort, an error or an
        unknown step.
        """
        base = f"/api/config/config_entries/{kind}"
        answers = dict(answers)
        result: dict[str, Any] = await self.request(
            "POST", base, json={"handler": handler, "show_advanced_options": False}
        )
        for _ in range(len(answers) + 1):
            step_type = result.get("type")
            if step_type == "create_entry":
                return result
            if step_type == "abort":
                raise DemoError(f"the {kind} aborted: {result.get('reason')}")
            if step_type != "form":
                raise DemoError(f"unexpected {kind} step: {result}")
            step = result.get("step_id")
            if result.get("errors"):
                raise DemoError(f"the {kind}'s step {step} answered {result['errors']}")
            if step not in answers:
                raise DemoError(f"the {kind} asks for an unknown step {step!r}")
            answer = answers.pop(step)
            if answer is None:
                answer = form_values(result.get("data_schema") or [])
            result = await self.request(
                "POST", f"{base}/{result['flow_id']}", json=answer
            )
        raise DemoError(f"the {kind} did not finish: {result}")

    async def template(self, template: str) -> str:
        """Render a template."""
        text: str = await self.request(
            "POST", "/api/template", json={"template": template}
        )
        return text

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """One entity's state object, None when it has none."""
        result: dict[str, Any] | None = await self.request(
            "GET", f"/api/states/{entity_id}", ok=(200, 404)
        )
        if result is None or "entity_id" not in result:
            return None
        return result

    async def states(self) -> dict[str, dict[str, Any]]:
        """Every state object by entity id."""
        items = await self.request("GET", "/api/states")
        return {item["entity_id"]: item for item in items}

    async def call(self, domain: str, service: str, data: dict[str, Any]) -> None:
        """Call a service."""
        await self.request("POST", f"/api/services/{domain}/{service}", json=data)


def form_values(schema: list[dict[str, Any]]) -> dict[str, Any]:
    """What a form holds before anyone types: suggested values, else defaults."""
    values = {}
    for field in schema:
        suggested = (field.get("description") or {}).get("suggested_value")
        if suggested is not None:
            values[field["name"]] = suggested
        elif "default" in field:
            values[field["name"]] = field["default"]
    return values

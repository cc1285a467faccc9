"""Generate translations/en.json from strings.json.

Custom integrations do not get ``[%key:...%]`` references resolved at
runtime, so this resolves them against Home Assistant's own strings.json
(``common::...``) and our strings.json (``component::ezviz_open::...``).
``--check`` exits non-zero when en.json is out of date.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys
from typing import Any

import homeassistant

ROOT = Path(__file__).resolve().parent.parent
COMPONENT = ROOT / "custom_components" / "ezviz_open"
DOMAIN = "ezviz_open"
KEY_RE = re.compile(r"\[%key:([a-zA-Z0-9_:\-]+)%\]")


def _lookup(path: str, common: dict[str, Any], own: dict[str, Any]) -> str:
    parts = path.split("::")
    if parts[0] == "component" and len(parts) > 1 and parts[1] == DOMAIN:
        node: Any = own
        parts = parts[2:]
    else:
        node = common
    for part in parts:
        node = node[part]
    if not isinstance(node, str):
        raise TypeError(f"{path} is not a string")
    return _resolve(node, common, own)


def _resolve(value: Any, common: dict[str, Any], own: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _resolve(item, common, own) for key, item in value.items()}
    if isinstance(value, str):
        return KEY_RE.sub(lambda match: _lookup(match[1], common, own), value)
    return value


def build() -> str:
    """Return the text of en.json."""
    common = json.loads(
        (Path(homeassistant.__file__).parent / "strings.json").read_text("utf-8")
    )
    own = json.loads((COMPONENT / "strings.json").read_text("utf-8"))
    return json.dumps(_resolve(own, common, own), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    """Write or check en.json."""
    target = COMPONENT / "translations" / "en.json"
    text = build()
    if "--check" in sys.argv[1:]:
        if not target.exists() or target.read_text("utf-8") != text:
            print("translations/en.json is out of date: run scripts/translations")
            return 1
        return 0
    target.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

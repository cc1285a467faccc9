"""Every row of endpoints.tsv: in the client and served by the simulator.

That each is also exercised through the client is checked after every other
test has run (``tests/zz_endpoints``).
"""

import json
import re

from simulator.handlers import load_all
from tests.reference import ROOT, endpoint_rows, endpoints as _rows

CLIENT = ROOT / "custom_components" / "ezviz_open" / "api"
EXAMPLES = ROOT / "tests" / "api" / "reference_examples.json"


def test_checklist_has_every_row() -> None:
    """As many rows as the reference has endpoints; a path twice only as two operations."""
    rows = endpoint_rows()
    assert len(rows) == json.loads(EXAMPLES.read_text("utf-8"))["endpoints"]
    assert all(row[0].startswith("/api/") and row[1] and row[3] for row in rows)
    operations = [(row[0], row[1], row[3]) for row in rows]
    assert len(set(operations)) == len(operations)
    assert len(_rows()) == len({(row[0], row[1]) for row in rows})


def test_client_implements_every_path() -> None:
    source = "\n".join(path.read_text("utf-8") for path in CLIENT.glob("*.py"))
    quoted = set(re.findall(r'"(/api/[A-Za-z0-9/]+)"', source))
    missing = [path for path, _ in _rows() if path not in quoted]
    assert missing == []


def test_simulator_serves_every_path() -> None:
    served = {(path, route.method) for path, route in load_all().items()}
    # The token endpoint is served by the app itself (it has no area prefix).
    missing = [
        row for row in _rows() if row not in served and row[0] != "/api/lapp/token/get"
    ]
    assert missing == []

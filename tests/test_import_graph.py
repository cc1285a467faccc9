"""The integration's modules, and the simulator's, import each other without a cycle.

Every import counts, those under ``TYPE_CHECKING`` and inside functions
included: a cycle of type-only imports still ties the modules together for
whoever reads or moves them. ``from . import name`` is an import of the
submodule ``name`` when there is one, else of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "custom_components" / "ezviz_open"
SIMULATOR = ROOT / "simulator"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports."""
    files = {_module(path): path for path in package.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        parts = name.split(".")
        here = parts if path.name == "__init__.py" else parts[:-1]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                source = ".".join([*base, *([node.module] if node.module else [])])
                targets = [
                    f"{source}.{alias.name}"
                    if f"{source}.{alias.name}" in files
                    else source
                    for alias in node.names
                ]
            else:
                continue
            graph[name] |= {target for target in targets if target in files} - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycles_are_found() -> None:
    """The check finds a cycle where there is one, and none where there is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    ("package", "module", "importer"),
    [
        (
            PACKAGE,
            "custom_components.ezviz_open.data",
            "custom_components.ezviz_open.sensor",
        ),
        (SIMULATOR, "simulator.handlers.live", "simulator.app"),
    ],
    ids=["integration", "simulator"],
)
def test_no_import_cycle(package: Path, module: str, importer: str) -> None:
    graph = import_graph(package)
    assert module in graph  # modules are found
    assert graph[importer]  # imports are read
    assert cycles(graph) == []

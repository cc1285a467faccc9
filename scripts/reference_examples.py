"""Extract every reply example of the API reference into tests/api/reference_examples.json.

The reference (``../shared/spec/ezviz-open-api.txt``) shows one reply example
per endpoint, under headings such as "Return Data", "Returned Data", "Return
example", "Returned Value", and twice under a mislabelled "HTTP Request
Message". ``endpoints.tsv`` gives each endpoint's line; an endpoint's section
runs from that line to the next endpoint's (or to a chapter that is no
endpoint, see ``NOT_ENDPOINT_CHAPTERS``), and every JSON block in it is a
reply example: request messages are form-encoded, never JSON.

Examples are kept as the reference writes them. Only what is not JSON at all
is repaired, and each repair is recorded with its line, before and after:
``//`` comments, unquoted keys (the v3 samples), trailing commas, a string
left unterminated, ellipsis lines. Nothing else is touched: odd values,
wrappers and doc notation stay for the client to cope with.

    .venv/bin/python scripts/reference_examples.py           # regenerate
    .venv/bin/python scripts/reference_examples.py --check   # exit 1 if stale
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import hashlib
import json
from pathlib import Path
import re
import sys
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT.parent / "shared" / "spec"
REFERENCE_NAME = "ezviz-open-api.txt"
ENDPOINTS_NAME = "endpoints.tsv"
OUTPUT = ROOT / "tests" / "api" / "reference_examples.json"
#: The endpoint checklist, copied as it is, so that the tests need nothing
#: outside the repository (they compare it with ../shared when it is there).
ENDPOINTS_COPY = ROOT / "tests" / "api" / ENDPOINTS_NAME

# Chapters between endpoint sections that belong to no endpoint: a section
# ends where one of these titles starts. (The webhook chapter has its own
# request and reply samples; they describe the push, not an API call.)
NOT_ENDPOINT_CHAPTERS = (
    "Device capability set description",
    "Push Message System (webhook)",
    "1. Error code description:",
)

_KEY_RE = re.compile(r"([{,]\s*|^\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*:)")
_ELLIPSIS_RE = re.compile(r"^\s*(\.\.\.|…)\s*,?\s*$")


@dataclass(frozen=True)
class Endpoint:
    """One row of endpoints.tsv."""

    path: str
    method: str
    family: str
    operation: str
    doc_line: int


class ExtractError(Exception):
    """The reference does not look as this script expects."""


def read_endpoints(spec_dir: Path) -> list[Endpoint]:
    """The rows of endpoints.tsv, in reference order."""
    lines = (spec_dir / ENDPOINTS_NAME).read_text(encoding="utf-8").splitlines()
    rows = []
    for line in lines[1:]:
        if not line.strip():
            continue
        path, method, family, operation, doc_line = line.split("\t")
        rows.append(Endpoint(path, method, family, operation, int(doc_line)))
    return sorted(rows, key=lambda row: row.doc_line)


def _scan(line: str) -> tuple[int, bool, int | None]:
    """Brace depth change of a line, whether a string is left open, comment start.

    Strings never span lines in JSON, so the string state starts afresh on
    each line; ``//`` outside a string starts a comment.
    """
    depth = 0
    in_string = False
    escaped = False
    for index, char in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == "/" and line[index + 1 : index + 2] == "/":
            return depth, False, index
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return depth, in_string, None


def _blocks(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(first, last) 0-based line indexes of the JSON blocks in [start, end)."""
    blocks = []
    index = start
    while index < end:
        if not lines[index].lstrip().startswith(("{", "[")):
            index += 1
            continue
        first = index
        depth = 0
        while index < end:
            change, _, _ = _scan(lines[index])
            depth += change
            if depth <= 0:
                break
            index += 1
        if depth > 0:
            msg = f"line {first + 1}: JSON block never closes"
            raise ExtractError(msg)
        blocks.append((first, index))
        index += 1
    return blocks


def _heading(lines: list[str], first: int) -> str:
    """The nearest non-blank line above a block (its heading)."""
    index = first - 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    return lines[index].strip() if index >= 0 else ""


def _unquoted_keys(text: str) -> str:
    """Quote bare object keys outside strings (``status:200`` -> ``"status":200``)."""
    parts = re.split(r'("(?:[^"\\]|\\.)*")', text)
    for number in range(0, len(parts), 2):  # the even parts lie outside strings
        parts[number] = _KEY_RE.sub(r'\1"\2"\3', parts[number])
    return "".join(parts)


def repair(lines: list[str], first_line: int) -> tuple[str, list[dict[str, Any]]]:
    """Make a block JSON; return the text and the repairs made.

    ``first_line`` is the 1-based reference line of ``lines[0]``.
    """
    repairs: list[dict[str, Any]] = []
    fixed: list[str | None] = []

    def record(index: int, kind: str, before: str, after: str | None) -> None:
        repairs.append(
            {
                "line": first_line + index,
                "kind": kind,
                "before": before.strip(),
                "after": None if after is None else after.strip(),
            }
        )

    for index, original in enumerate(lines):
        line = original.rstrip()
        if _ELLIPSIS_RE.match(line):
            record(index, "ellipsis removed", line, None)
            fixed.append(None)
            continue
        _, open_string, comment = _scan(line)
        if comment is not None:
            new = line[:comment].rstrip()
            record(index, "comment removed", line, new)
            line = new
            _, open_string, _ = _scan(line)
        if open_string:
            body = line.rstrip()
            new = body[:-1] + '",' if body.endswith(",") else body + '"'
            record(index, "unterminated string closed", line, new)
            line = new
        new = _unquoted_keys(line)
        if new != line:
            record(index, "keys quoted", line, new)
            line = new
        fixed.append(line)

    # Trailing commas: a comma ending a line whose next significant line closes.
    kept = [(index, line) for index, line in enumerate(fixed) if line is not None]
    for position, (index, line) in enumerate(kept):
        stripped = line.rstrip()
        if not stripped.endswith(","):
            continue
        following = next(
            (text.strip() for _, text in kept[position + 1 :] if text.strip()), ""
        )
        if following.startswith(("}", "]")):
            new = stripped[:-1]
            record(index, "trailing comma removed", line, new)
            fixed[index] = new
    repairs.sort(key=lambda item: item["line"])
    return "\n".join(line for line in fixed if line is not None), repairs


def _duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        msg = f"duplicate keys {duplicates}"
        raise ExtractError(msg)
    return dict(pairs)


def _sections(
    lines: list[str], endpoints: list[Endpoint]
) -> list[tuple[Endpoint, int, int]]:
    """(endpoint, start, end) 0-based line ranges of each endpoint's section."""
    cuts = []
    for title in NOT_ENDPOINT_CHAPTERS:
        found = [index for index, line in enumerate(lines) if line.strip() == title]
        if len(found) != 1:
            msg = f"chapter title {title!r} found {len(found)} times"
            raise ExtractError(msg)
        cuts.append(found[0])
    bounds = sorted({row.doc_line - 1 for row in endpoints} | set(cuts))
    sections = []
    for row in endpoints:
        start = row.doc_line - 1
        if row.path.rsplit("/api/", 1)[-1] not in lines[start]:
            msg = f"line {row.doc_line} does not name {row.path}"
            raise ExtractError(msg)
        end = next((bound for bound in bounds if bound > start), len(lines))
        # The address line itself ("{areaDomain}/api/...") is no JSON.
        sections.append((row, start + 1, end))
    return sections


def extract(spec_dir: Path = SPEC_DIR) -> dict[str, Any]:
    """Build the data file's content from the reference."""
    reference = spec_dir / REFERENCE_NAME
    raw = reference.read_bytes()
    lines = raw.decode("utf-8").splitlines()
    endpoints = read_endpoints(spec_dir)
    examples = []
    for row, start, end in _sections(lines, endpoints):
        for first, last in _blocks(lines, start, end):
            text, repairs = repair(lines[first : last + 1], first + 1)
            try:
                value = json.loads(text, object_pairs_hook=_duplicate_keys)
            except ValueError as err:
                msg = f"{row.path} line {first + 1}: still not JSON after repair: {err}"
                raise ExtractError(msg) from err
            examples.append(
                {
                    "path": row.path,
                    "method": row.method,
                    "family": row.family,
                    "operation": row.operation,
                    "doc_line": row.doc_line,
                    "line": first + 1,
                    "end_line": last + 1,
                    "heading": _heading(lines, first),
                    "repairs": repairs,
                    "json": value,
                }
            )
    without = [
        f"{row.path} (line {row.doc_line})"
        for row in endpoints
        if not any(example["doc_line"] == row.doc_line for example in examples)
    ]
    return {
        "about": (
            "Every reply example of the API reference, one per JSON block of "
            "each endpoint's section. Generated by scripts/reference_examples.py "
            "(--check verifies it); do not edit by hand."
        ),
        "reference": REFERENCE_NAME,
        "reference_sha256": hashlib.sha256(raw).hexdigest(),
        "endpoints": len(endpoints),
        "endpoints_without_example": without,
        "example_count": len(examples),
        "repaired_count": sum(1 for example in examples if example["repairs"]),
        "examples": examples,
    }


def render(content: dict[str, Any]) -> str:
    """The data file's text (stable: the committed file is compared byte for byte)."""
    return json.dumps(content, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Regenerate the data file, or with --check compare it with the reference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if stale")
    parser.add_argument("--spec", type=Path, default=SPEC_DIR, help="spec directory")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--endpoints", type=Path, default=ENDPOINTS_COPY)
    args = parser.parse_args(argv)
    try:
        text = render(extract(args.spec))
        endpoints = (args.spec / ENDPOINTS_NAME).read_text("utf-8")
    except (OSError, ExtractError) as err:
        print(f"reference_examples: {err}", file=sys.stderr)
        return 2
    if args.check:
        stale = [
            str(path)
            for path, want in ((args.output, text), (args.endpoints, endpoints))
            if (path.read_text("utf-8") if path.exists() else "") != want
        ]
        if stale:
            print(
                f"{', '.join(stale)}: not what the reference gives; "
                "run scripts/reference_examples.py",
                file=sys.stderr,
            )
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    args.endpoints.write_text(endpoints, encoding="utf-8")
    content = json.loads(text)
    print(
        f"{content['example_count']} examples ({content['repaired_count']} repaired) "
        f"for {content['endpoints']} endpoints -> {args.output.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

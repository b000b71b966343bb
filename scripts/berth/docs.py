"""Chart README values tables, generated from `# --` comments in values.yaml (helm-docs style).

    # -- How many manager replicas run; more than one needs leader election.
    replicas: 1

A comment starting with `# --` documents the key below it; following `#` lines continue it. The
table lists every documented key with its type and default; a documented map covers the keys under
it. `berth docs` rewrites the table between the README's markers and a test fails when it drifts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

START, END = "<!-- values-table:start -->", "<!-- values-table:end -->"
_KEY = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z0-9_.\-/]+|\"[^\"]+\"|'[^']+')\s*:(?:\s|$)")


@dataclass(frozen=True)
class ValueDoc:
    path: tuple[str, ...]
    description: str
    default: Any

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def type(self) -> str:
        d = self.default
        return {bool: "bool", int: "int", float: "float", str: "string", list: "list", dict: "object"}.get(type(d), "null" if d is None else type(d).__name__)


def _lookup(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def documented_values(values_file: Path) -> list[ValueDoc]:
    text = values_file.read_text()
    data = yaml.safe_load(text) or {}
    docs: list[ValueDoc] = []
    stack: list[tuple[int, str]] = []  # (indent, key) of the enclosing maps
    pending: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# --"):
            pending = [stripped[4:].strip()]
            continue
        if stripped.startswith("#"):
            if pending is not None:
                pending.append(stripped[1:].strip())
            continue
        match = _KEY.match(line)
        if not match or stripped.startswith("-"):
            if stripped:
                pending = None
            continue
        indent, key = len(match["indent"]), match["key"].strip("\"'")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = tuple(k for _, k in stack) + (key,)
        stack.append((indent, key))
        if pending is not None:
            docs.append(ValueDoc(path, " ".join(p for p in pending if p), _lookup(data, path)))
            pending = None
    return docs


def undocumented_leaves(values_file: Path) -> list[str]:
    """Leaf keys of values.yaml that neither they nor any enclosing map documents."""
    documented = {d.path for d in documented_values(values_file)}
    data = yaml.safe_load(values_file.read_text()) or {}
    missing: list[str] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if any(path[:i] in documented for i in range(1, len(path) + 1)):
            return
        if isinstance(node, dict) and node:
            for k, v in node.items():
                walk(v, path + (str(k),))
        else:
            missing.append(".".join(path))

    walk(data, ())
    return missing


def _cell(value: Any) -> str:
    text = json.dumps(value, separators=(", ", ": "))
    if len(text) > 80:
        text = text[:77] + "…"
    return "`" + text.replace("|", "\\|") + "`"


def values_table(values_file: Path) -> str:
    rows = ["| Key | Type | Default | Description |", "|-----|------|---------|-------------|"]
    for doc in documented_values(values_file):
        description = doc.description.replace("|", "\\|")
        rows.append(f"| `{doc.key}` | {doc.type} | {_cell(doc.default)} | {description} |")
    return "\n".join(rows)


def readme_with_table(chart_dir: Path) -> str:
    readme = (chart_dir / "README.md").read_text()
    if START not in readme or END not in readme:
        raise ValueError(f"{chart_dir / 'README.md'} has no {START} … {END} markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{values_table(chart_dir / 'values.yaml')}\n{END}{tail}"


def update_readme(chart_dir: Path) -> bool:
    """Rewrite the chart README's values table; True when it changed."""
    new = readme_with_table(chart_dir)
    path = chart_dir / "README.md"
    if path.read_text() == new:
        return False
    path.write_text(new)
    return True

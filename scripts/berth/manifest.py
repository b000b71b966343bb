"""Parsed Kubernetes objects with the lookups tests and reports need."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

Obj = dict[str, Any]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: CRDs are megabytes
    """SafeLoader that reads a bare `=` as the string "=" (PyYAML otherwise refuses it; CRDs use it)."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def load_all(text: str) -> list[Any]:
    """Every non-empty YAML document in `text`."""
    return [d for d in yaml.load_all(text, Loader=_Loader) if d]


def object_ref(obj: Obj) -> str:
    """`Kind/namespace/name` (namespace omitted for cluster-scoped or namespace-less objects)."""
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace")
    name = meta.get("name", "<unnamed>")
    return f"{obj.get('kind')}/{ns}/{name}" if ns else f"{obj.get('kind')}/{name}"


def api_group(obj: Obj) -> str:
    api_version = obj.get("apiVersion", "")
    return api_version.split("/")[0] if "/" in api_version else ""


@dataclass
class Manifest:
    """The objects one render produced, in order, with `source` naming the render (for messages)."""

    objects: list[Obj]
    source: str = ""
    text: str = field(default="", repr=False)
    #: what the rendering tool printed on stderr while succeeding (deprecations, ignored files, …)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_yaml(cls, text: str, source: str = "", warnings: list[str] | None = None) -> "Manifest":
        docs = load_all(text)
        for doc in docs:
            if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
                raise ValueError(f"{source}: not a Kubernetes object: {str(doc)[:120]}")
        return cls(docs, source=source, text=text, warnings=list(warnings or []))

    def __iter__(self) -> Iterator[Obj]:
        return iter(self.objects)

    def __len__(self) -> int:
        return len(self.objects)

    def of_kind(self, kind: str, namespace: str | None = None) -> list[Obj]:
        return [
            o
            for o in self.objects
            if o["kind"] == kind and (namespace is None or o["metadata"].get("namespace") == namespace)
        ]

    def find(self, kind: str, name: str, namespace: str | None = None) -> Obj | None:
        for o in self.of_kind(kind, namespace):
            if o["metadata"].get("name") == name:
                return o
        return None

    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        """The object, or an AssertionError listing what the render does contain."""
        found = self.find(kind, name, namespace)
        if found is None:
            have = ", ".join(object_ref(o) for o in self.of_kind(kind)) or "none"
            raise AssertionError(f"{self.source}: no {kind} named {name!r}; {kind} objects: {have}")
        return found

    def one(self, kind: str, namespace: str | None = None) -> Obj:
        """The only object of a kind (AssertionError when there are none or several)."""
        found = self.of_kind(kind, namespace)
        if len(found) != 1:
            raise AssertionError(
                f"{self.source}: expected exactly one {kind}, found {[object_ref(o) for o in found]}"
            )
        return found[0]

    def kinds(self) -> Counter[str]:
        return Counter(o["kind"] for o in self.objects)

    def refs(self) -> list[str]:
        return [object_ref(o) for o in self.objects]

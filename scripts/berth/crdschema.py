"""Validate custom resources against the `openAPIV3Schema` of their CustomResourceDefinition.

The API server prunes unknown fields of structural schemas silently; Berth treats them as errors
(as `kubectl apply --validate=strict` does), so a misspelt field in a template fails the tests
instead of vanishing on the cluster. CEL rules (`x-kubernetes-validations`) need an API server and
are not evaluated here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterable

import jsonschema

# metadata is the API server's business (validated against ObjectMeta by berth.validate), not the CRD's.
_META_PROPERTIES = {
    "apiVersion": {"type": "string"},
    "kind": {"type": "string"},
    "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
}


def to_json_schema(node: Any) -> Any:
    """Translate a Kubernetes structural schema into a strict JSON Schema (draft 4 semantics,
    which OpenAPI v3.0 follows, e.g. boolean `exclusiveMinimum`)."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items() if not k.startswith("x-kubernetes-")}
    for key in ("properties", "patternProperties", "definitions"):
        if key in node:
            out[key] = {name: to_json_schema(sub) for name, sub in node[key].items()}
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    out.pop("nullable", None)
    if node.get("x-kubernetes-embedded-resource"):
        out.setdefault("properties", {})
        for name, sub in _META_PROPERTIES.items():
            out["properties"].setdefault(name, sub)
    preserve = node.get("x-kubernetes-preserve-unknown-fields")
    if out.get("type") == "object" and "additionalProperties" not in node and not preserve:
        out["additionalProperties"] = False  # unknown fields are errors, not silently pruned
    return out


@dataclass
class CRDRegistry:
    """Custom resource schemas by (group, version, kind)."""

    schemas: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    _validators: dict[tuple[str, str, str], Any] = field(default_factory=dict, repr=False)

    def add(self, crd: dict[str, Any]) -> None:
        spec = crd["spec"]
        for version in spec.get("versions") or []:
            if not version.get("served", True):
                continue
            schema = copy.deepcopy((version.get("schema") or {}).get("openAPIV3Schema") or {"type": "object"})
            schema.setdefault("properties", {}).update(_META_PROPERTIES)
            key = (spec["group"], version["name"], spec["names"]["kind"])
            self.schemas[key] = schema
            self._validators.pop(key, None)

    def extend(self, crds: Iterable[dict[str, Any]]) -> "CRDRegistry":
        for crd in crds:
            self.add(crd)
        return self

    def knows(self, api_version: str, kind: str) -> bool:
        return self._key(api_version, kind) in self.schemas

    @staticmethod
    def _key(api_version: str, kind: str) -> tuple[str, str, str]:
        group, _, version = api_version.rpartition("/")
        return (group, version, kind)

    def validate(self, obj: dict[str, Any]) -> list[str]:
        """Problems with a custom resource; empty when valid. KeyError when its CRD is unknown."""
        key = self._key(obj["apiVersion"], obj["kind"])
        if key not in self._validators:
            self._validators[key] = jsonschema.Draft4Validator(to_json_schema(self.schemas[key]))
        problems = []
        for error in sorted(self._validators[key].iter_errors(obj), key=lambda e: list(map(str, e.path))):
            where = ".".join(str(p) for p in error.path) or "<root>"
            problems.append(f"{where}: {error.message}")
        return problems


def structural_problems(node: Any, path: str = "openAPIV3Schema", root: bool = True) -> list[str]:
    """Where a CRD schema breaks the API server's structural-schema rules (what it would refuse):
    every node typed (unless int-or-string or preserve-unknown-fields), no `additionalProperties`
    beside `properties`, no metadata constraints beyond name/generateName at the root."""
    problems: list[str] = []
    if not isinstance(node, dict):
        return [f"{path}: not a schema object"]
    typed = "type" in node or node.get("x-kubernetes-int-or-string") or node.get("x-kubernetes-preserve-unknown-fields")
    if not typed:
        problems.append(f"{path}: no type")
    if "properties" in node and "additionalProperties" in node:
        problems.append(f"{path}: properties and additionalProperties are mutually exclusive")
    if node.get("x-kubernetes-int-or-string") and node.get("type"):
        problems.append(f"{path}: int-or-string must not set a type")
    for name, sub in (node.get("properties") or {}).items():
        if root and name == "metadata" and set(sub.get("properties") or {}) - {"name", "generateName"}:
            problems.append(f"{path}.properties.metadata: only name and generateName may be constrained")
        problems += structural_problems(sub, f"{path}.properties.{name}", root=False)
    if isinstance(node.get("items"), dict):
        problems += structural_problems(node["items"], f"{path}.items", root=False)
    if isinstance(node.get("additionalProperties"), dict):
        problems += structural_problems(node["additionalProperties"], f"{path}.additionalProperties", root=False)
    return problems

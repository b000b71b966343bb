"""Helpers for the berth-gateway tests: where the chart renders, and Istio's authorization semantics for
the few fields the chart uses, so tests can ask what happens to a request rather than read YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

CHART = "berth-gateway"
NAMESPACE = "istio-ingress"
CI = Path(__file__).parents[3] / "charts" / CHART / "ci"


def ci_values(name: str) -> dict:
    return yaml.safe_load((CI / f"{name}-values.yaml").read_text()) or {}


@dataclass
class Request:
    path: str
    principal: str | None = None  # set when a JWT was verified
    headers: dict[str, str] = field(default_factory=dict)


def path_matches(pattern: str, path: str) -> bool:
    """Istio's path match: exact, `prefix*`, `*suffix` or `*`."""
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return path.endswith(pattern[1:])
    return path == pattern


def _field_matches(values: list[str] | None, not_values: list[str] | None, actual: str | None) -> bool:
    present = actual is not None
    if values is not None and not (present and any(path_matches(v, actual) for v in values)):
        return False
    if not_values is not None and present and any(path_matches(v, actual) for v in not_values):
        return False
    return True


def rule_matches(rule: dict, request: Request) -> bool:
    """All of a rule's from/to/when must match (each list is an OR of its entries)."""
    for source in [f["source"] for f in rule.get("from", [])] or [None]:
        if source is None:
            break
        if _field_matches(source.get("requestPrincipals"), source.get("notRequestPrincipals"), request.principal):
            break
    else:
        return False
    operations = [t["operation"] for t in rule.get("to", [])]
    if operations and not any(_field_matches(op.get("paths"), op.get("notPaths"), request.path) for op in operations):
        return False
    for condition in rule.get("when", []):
        key = condition["key"]
        assert key.startswith("request.headers["), key
        header = request.headers.get(key[len("request.headers["):-1].lower())
        if not _field_matches(condition.get("values"), condition.get("notValues"), header):
            return False
    return True


def policy_applies(policy: dict, request: Request) -> bool:
    return any(rule_matches(rule, request) for rule in policy["spec"].get("rules", []))

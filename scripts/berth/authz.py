"""Istio AuthorizationPolicy semantics for the fields Berth's charts use, so tests can ask what happens to
a request ("is a tenant-B token admitted into tenant A?") instead of reading YAML.

Covered: `from.source.{requestPrincipals,notRequestPrincipals,namespaces,notNamespaces}`,
`to.operation.{paths,notPaths,methods,notMethods}`, `when` on `request.headers[...]` and
`request.auth.claims[...]` (values/notValues). Matching follows Istio: exact, `prefix*`, `*suffix`, `*`;
the entries of one list are OR-ed, the parts of a rule AND-ed; a claim that is a list matches when any
element matches. An unknown field fails loudly, so a policy using more than this is never misjudged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SOURCE_FIELDS = {"requestPrincipals", "notRequestPrincipals", "namespaces", "notNamespaces"}
OPERATION_FIELDS = {"paths", "notPaths", "methods", "notMethods"}


@dataclass
class Request:
    path: str
    method: str = "GET"
    principal: str | None = None  # set when a JWT was verified
    namespace: str | None = None  # the peer's namespace (mTLS identity)
    headers: dict[str, str] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)  # of the verified JWT


def matches(pattern: str, value: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return value == pattern


def _field(values: list[str] | None, not_values: list[str] | None, actual: Any) -> bool:
    candidates = [str(a) for a in actual] if isinstance(actual, list) else ([] if actual is None else [str(actual)])
    if values is not None and not any(matches(v, a) for v in values for a in candidates):
        return False
    if not_values is not None and any(matches(v, a) for v in not_values for a in candidates):
        return False
    return True


def _source(source: dict, request: Request) -> bool:
    unknown = set(source) - SOURCE_FIELDS
    assert not unknown, f"authz: source fields {unknown} are not modelled"
    return (_field(source.get("requestPrincipals"), source.get("notRequestPrincipals"), request.principal)
            and _field(source.get("namespaces"), source.get("notNamespaces"), request.namespace))


def _operation(op: dict, request: Request) -> bool:
    unknown = set(op) - OPERATION_FIELDS
    assert not unknown, f"authz: operation fields {unknown} are not modelled"
    return (_field(op.get("paths"), op.get("notPaths"), request.path)
            and _field(op.get("methods"), op.get("notMethods"), request.method))


def _condition(condition: dict, request: Request) -> bool:
    key = condition["key"]
    if key.startswith("request.headers["):
        actual = request.headers.get(key[len("request.headers["):-1].lower())
    elif key.startswith("request.auth.claims["):
        actual = request.claims.get(key[len("request.auth.claims["):-1])
    else:
        raise AssertionError(f"authz: condition key {key} is not modelled")
    return _field(condition.get("values"), condition.get("notValues"), actual)


def rule_matches(rule: dict, request: Request) -> bool:
    sources = [f["source"] for f in rule.get("from", [])]
    if sources and not any(_source(s, request) for s in sources):
        return False
    operations = [t["operation"] for t in rule.get("to", [])]
    if operations and not any(_operation(op, request) for op in operations):
        return False
    return all(_condition(c, request) for c in rule.get("when", []))


def policy_applies(policy: dict, request: Request) -> bool:
    """True when any rule of the policy matches the request (for ALLOW: admitted; DENY: refused)."""
    return any(rule_matches(rule, request) for rule in policy["spec"].get("rules", []))

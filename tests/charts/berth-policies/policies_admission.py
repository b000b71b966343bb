"""An offline model of the API server's ValidatingAdmissionPolicy plugin, for the policies a render contains.

It does what the API server does with a request, in the same order: match the policy's resourceRules,
the binding's namespaceSelector (read against the namespace, or for a Namespace request against the
Namespace itself) and objectSelector (old or new object), then the policy's matchConditions, then load
the binding's parameter, evaluate the variables and the validations with cel-python, and apply the
failurePolicy and validationActions. The CEL activation has the variables the API server provides:
`object`, `oldObject`, `request`, `params`, `namespaceObject` and `variables`.

cel-python implements standard CEL. The Kubernetes CEL environment adds extension libraries; the few
functions the chart uses are implemented below (SHIMS) with the semantics of cel-go and Kubernetes:

  <string>.split(<string>) -> list       cel-go ext/strings
  <string>.trim() -> string              cel-go ext/strings (Unicode White_Space)
  <list>.join([<string>]) -> string      cel-go ext/strings
  <list>.sum() -> int|uint|double        Kubernetes library/lists

and one correction to cel-python itself: `==` and `!=` between values of different types (`oldObject !=
null` with an object, `1 == null`) raise "no matching overload" in cel-python 0.5.0, where CEL's
heterogeneous equality (cel-go, and so Kubernetes) makes them false and true.

Everything else (has, dyn, map/filter/all/exists, in, size, startsWith, contains, int, string) is
standard CEL. A policy that uses any other function fails here with "undeclared reference", so a new
extension function cannot slip past the tests unmodelled.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import celpy
import celpy.celtypes as ct
from celpy.evaluation import CELEvalError, bool_eq

# --- Kubernetes CEL extension functions ------------------------------------------------------------

#: Unicode White_Space (what Go's unicode.IsSpace, used by cel-go's trim, treats as space).
_WHITE_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _error(message: str) -> CELEvalError:
    return CELEvalError(message, TypeError, None)


def cel_split(text: Any, separator: Any) -> Any:
    """strings.Split: an empty separator splits into characters; "".split(",") is [""]."""
    if not isinstance(text, str) or not isinstance(separator, str):
        return _error(f"no such overload: split({type(text).__name__}, {type(separator).__name__})")
    parts = list(text) if separator == "" else text.split(separator)
    return ct.ListType([ct.StringType(p) for p in parts])


def cel_trim(text: Any) -> Any:
    if not isinstance(text, str):
        return _error(f"no such overload: trim({type(text).__name__})")
    return ct.StringType(text.strip(_WHITE_SPACE))


def cel_join(items: Any, separator: Any = ct.StringType("")) -> Any:
    """list(string).join([separator]); any element that is not a string is an error."""
    if not isinstance(items, list) or not isinstance(separator, str):
        return _error(f"no such overload: join({type(items).__name__})")
    if not all(isinstance(i, str) for i in items):
        return _error("join: list elements must be strings")
    return ct.StringType(str(separator).join(str(i) for i in items))


def cel_sum(items: Any) -> Any:
    """Kubernetes lists library: the sum of a list of int, uint or double (all of one type); [].sum() is 0."""
    if not isinstance(items, list):
        return _error(f"no such overload: sum({type(items).__name__})")
    if not items:
        return ct.IntType(0)
    kinds = {type(i) for i in items}
    if len(kinds) != 1 or not kinds <= {ct.IntType, ct.UintType, ct.DoubleType}:
        return _error(f"no such overload: sum over {sorted(k.__name__ for k in kinds)}")
    total = items[0]
    for item in items[1:]:
        total = total + item  # IntType/UintType raise on 64-bit overflow, as cel-go does
    return total


_NUMBERS = (ct.IntType, ct.UintType, ct.DoubleType)


def cel_equals(left: Any, right: Any) -> Any:
    """CEL heterogeneous equality: numbers compare by value across int, uint and double; values of
    different types are otherwise unequal (not an error)."""
    for value in (left, right):
        if isinstance(value, CELEvalError):
            return value
    if isinstance(left, _NUMBERS) and isinstance(right, _NUMBERS):
        return ct.BoolType(float(left) == float(right) if ct.DoubleType in (type(left), type(right)) else int(left) == int(right))
    try:
        return bool_eq(left, right)
    except TypeError:
        return ct.BoolType(False)


def cel_not_equals(left: Any, right: Any) -> Any:
    equal = cel_equals(left, right)
    return equal if isinstance(equal, CELEvalError) else ct.BoolType(not equal)


SHIMS = {"split": cel_split, "trim": cel_trim, "join": cel_join, "sum": cel_sum,
         "_==_": cel_equals, "_!=_": cel_not_equals}

_ENV = celpy.Environment()


@functools.cache
def compile_cel(expression: str) -> Any:
    """A runnable program for an expression (cached: the same policy text is evaluated many times)."""
    return _ENV.program(_ENV.compile(expression), functions=SHIMS)


def evaluate(expression: str, activation: dict[str, Any]) -> Any:
    """The expression's value; CELEvalError when it fails (no such key, no such overload, …)."""
    return compile_cel(expression).evaluate(activation)


def to_cel(value: Any) -> Any:
    return None if value is None else celpy.json_to_cel(value)


# --- requests -------------------------------------------------------------------------------------

#: kind -> (group, resource) for the kinds the samples and tests use.
RESOURCES = {
    "Pod": ("", "pods"), "Service": ("", "services"), "Namespace": ("", "namespaces"),
    "ResourceQuota": ("", "resourcequotas"), "LimitRange": ("", "limitranges"), "ConfigMap": ("", "configmaps"),
    "Deployment": ("apps", "deployments"), "ReplicaSet": ("apps", "replicasets"),
    "StatefulSet": ("apps", "statefulsets"), "DaemonSet": ("apps", "daemonsets"),
    "Job": ("batch", "jobs"), "CronJob": ("batch", "cronjobs"),
    "NetworkPolicy": ("networking.k8s.io", "networkpolicies"), "RoleBinding": ("rbac.authorization.k8s.io", "rolebindings"),
    "AuthorizationPolicy": ("security.istio.io", "authorizationpolicies"),
    "SeldonDeployment": ("machinelearning.seldon.io", "seldondeployments"),
}


@dataclass
class Request:
    """One admission request. `kind` is the object's unless given (the scale subresource sends a Scale
    for a SeldonDeployment: kind "Scale", resource "seldondeployments", subresource "scale")."""

    operation: str
    object: dict | None
    old_object: dict | None
    user: dict
    namespace_object: dict | None = None
    subresource: str = ""
    resource: tuple[str, str, str] | None = None  # (group, version, resource) when not derivable from the kind

    @property
    def subject(self) -> dict:
        return self.object if self.object is not None else self.old_object

    @property
    def gvr(self) -> tuple[str, str, str]:
        if self.resource:
            return self.resource
        api_version = self.subject["apiVersion"]
        group, version = api_version.split("/") if "/" in api_version else ("", api_version)
        return group, version, RESOURCES[self.subject["kind"]][1]

    @property
    def namespace(self) -> str:
        return self.subject["metadata"].get("namespace", "")

    def as_cel(self) -> dict:
        group, version, resource = self.gvr
        api_version = self.subject["apiVersion"]
        kind_group, kind_version = api_version.split("/") if "/" in api_version else ("", api_version)
        request = {
            "uid": "00000000-0000-0000-0000-000000000000",
            "kind": {"group": kind_group, "version": kind_version, "kind": self.subject["kind"]},
            "resource": {"group": group, "version": version, "resource": resource},
            "name": self.subject["metadata"].get("name", ""),
            "operation": self.operation,
            "userInfo": self.user,
            "dryRun": True,
        }
        if self.subresource:
            request["subResource"] = self.subresource
        if self.namespace:
            request["namespace"] = self.namespace
        return request


# --- selectors ------------------------------------------------------------------------------------

def selector_matches(selector: dict | None, labels: dict[str, str] | None) -> bool:
    """metav1.LabelSelector semantics; an empty or absent selector matches everything."""
    labels = labels or {}
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        ok = {"In": key in labels and labels[key] in values,
              "NotIn": key not in labels or labels[key] not in values,
              "Exists": key in labels,
              "DoesNotExist": key not in labels}[op]
        if not ok:
            return False
    return True


def _labels(obj: dict | None) -> dict[str, str]:
    return ((obj or {}).get("metadata") or {}).get("labels") or {}


def _rule_matches(rule: dict, request: Request) -> bool:
    group, version, resource = request.gvr
    wanted = f"{resource}/{request.subresource}" if request.subresource else resource

    def any_of(values: list[str], value: str) -> bool:
        return "*" in values or value in values

    resources = rule.get("resources") or []
    return (any_of(rule.get("apiGroups") or [], group) and any_of(rule.get("apiVersions") or [], version)
            and any_of(rule.get("operations") or [], request.operation)
            and (wanted in resources or "*" in resources or (request.subresource and f"{resource}/*" in resources)))


def _match_resources(match: dict | None, request: Request) -> bool:
    match = match or {}
    if "namespaceSelector" in match:
        if request.subject["kind"] == "Namespace":
            # The API server reads a Namespace request against the Namespace itself: the new object on
            # CREATE and UPDATE (so a label being removed no longer counts), the stored one on DELETE.
            labels = _labels(request.object if request.operation in ("CREATE", "UPDATE") else request.old_object)
            if not selector_matches(match["namespaceSelector"], labels):
                return False
        elif request.namespace:
            if not selector_matches(match["namespaceSelector"], _labels(request.namespace_object)):
                return False
    if "objectSelector" in match:
        candidates = [o for o in (request.object, request.old_object) if o is not None]
        if not any(selector_matches(match["objectSelector"], _labels(o)) for o in candidates):
            return False
    rules = match.get("resourceRules")
    if rules is not None and not any(_rule_matches(r, request) for r in rules):
        return False
    return True


# --- policies -------------------------------------------------------------------------------------

@dataclass
class Decision:
    policy: str
    denied: bool
    #: messages of the failed validations, in order (the API server reports the first)
    messages: list[str] = field(default_factory=list)
    #: indexes (in spec.validations) of the validations that failed
    failed: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped_by: str | None = None  # the matchCondition that evaluated to false


def _message(validation: dict, activation: dict) -> str:
    """messageExpression's value; else `message`; else the API server's default."""
    if "messageExpression" in validation:
        try:
            value = evaluate(validation["messageExpression"], activation)
            if isinstance(value, str) and value.strip() and "\n" not in value:
                return str(value)
        except CELEvalError:
            pass
    return validation.get("message") or f"failed expression: {validation['expression']}"


class AdmissionPolicies:
    """The ValidatingAdmissionPolicies, bindings and parameter objects of a render."""

    def __init__(self, manifest: Any, extra_objects: list[dict] = ()) -> None:
        objects = list(manifest) + list(extra_objects)
        self.policies = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ValidatingAdmissionPolicy"}
        self.bindings = [o for o in objects if o["kind"] == "ValidatingAdmissionPolicyBinding"]
        self.objects = objects

    def _param(self, policy: dict, binding: dict) -> tuple[bool, Any]:
        kind = policy["spec"].get("paramKind")
        if not kind:
            return True, None
        ref = binding["spec"]["paramRef"]
        for o in self.objects:
            if (o["kind"] == kind["kind"] and o["apiVersion"] == kind["apiVersion"]
                    and o["metadata"]["name"] == ref["name"] and o["metadata"].get("namespace") == ref.get("namespace")):
                return True, o
        return ref.get("parameterNotFoundAction") == "Allow", None

    def decide(self, request: Request, binding: dict) -> Decision | None:
        """What one binding (and its policy) decides; None when it does not match the request."""
        policy = self.policies[binding["spec"]["policyName"]]
        spec = policy["spec"]
        name = policy["metadata"]["name"]
        if not _match_resources(spec.get("matchConstraints"), request):
            return None
        if not _match_resources(binding["spec"].get("matchResources"), request):
            return None
        fail = spec.get("failurePolicy", "Fail") == "Fail"
        actions = binding["spec"]["validationActions"]
        found, param = self._param(policy, binding)
        if not found:
            return self._result(name, actions, [f"no params found for policy binding with `Deny` parameterNotFoundAction"])
        activation: dict[str, Any] = {
            "object": to_cel(request.object), "oldObject": to_cel(request.old_object),
            "request": to_cel(request.as_cel()), "namespaceObject": to_cel(request.namespace_object),
            "params": to_cel(param),
        }
        for condition in spec.get("matchConditions") or []:
            try:
                matched = evaluate(condition["expression"], activation)
            except CELEvalError as e:
                if fail:
                    return self._result(name, actions, [f"matchCondition {condition['name']} failed: {e.args[0]}"])
                return Decision(name, False, skipped_by=condition["name"])
            if not isinstance(matched, ct.BoolType):
                return self._result(name, actions, [f"matchCondition {condition['name']} is not a bool: {matched!r}"])
            if not matched:
                return Decision(name, False, skipped_by=condition["name"])
        variables: dict[str, Any] = {}
        activation["variables"] = ct.MapType({})
        for variable in spec.get("variables") or []:
            try:
                value = evaluate(variable["expression"], activation)
            except CELEvalError as e:
                value = e  # lazily: an error only matters to the expressions that read the variable
            variables[variable["name"]] = value
            activation["variables"] = ct.MapType({ct.StringType(k): v for k, v in variables.items()})
        failures, failed = [], []
        for index, validation in enumerate(spec.get("validations") or []):
            try:
                ok = evaluate(validation["expression"], activation)
            except CELEvalError as e:
                if fail:
                    failures.append(f"expression '{validation['expression']}' resulted in error: {e.args[0]}")
                    failed.append(index)
                continue
            if not isinstance(ok, ct.BoolType):
                failures.append(f"expression '{validation['expression']}' did not evaluate to a bool: {ok!r}")
                failed.append(index)
            elif not ok:
                failures.append(_message(validation, activation))
                failed.append(index)
        return self._result(name, actions, failures, failed)

    @staticmethod
    def _result(name: str, actions: list[str], failures: list[str], failed: list[int] = ()) -> Decision:
        return Decision(name, bool(failures) and "Deny" in actions, messages=failures, failed=list(failed),
                        warnings=failures if "Warn" in actions else [])

    def decisions(self, request: Request) -> list[Decision]:
        return [d for b in self.bindings if (d := self.decide(request, b)) is not None]

    def denials(self, request: Request) -> list[Decision]:
        return [d for d in self.decisions(request) if d.denied]

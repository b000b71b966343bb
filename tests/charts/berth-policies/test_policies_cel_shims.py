"""The offline CEL evaluator: the Kubernetes CEL extension functions it implements behave as cel-go's and
Kubernetes' do, and the policies use no function it does not know."""

from __future__ import annotations

import re

import pytest
from celpy.evaluation import CELEvalError

from berth.testing import render_validated
from policies_admission import SHIMS, evaluate, to_cel
from policies_chart import CHART, NAMESPACE

STANDARD = {"has", "dyn", "size", "int", "string", "filter", "map", "all", "exists", "startsWith", "endsWith", "contains"}


@pytest.mark.parametrize(("expression", "value"), [
    ("'a,b,,c'.split(',')", ["a", "b", "", "c"]),
    ("''.split(',')", [""]),  # Go's strings.Split
    ("'abc'.split('')", ["a", "b", "c"]),
    ("' \\t a100 \\n'.trim()", "a100"),
    ("['a', 'b'].join(', ')", "a, b"),
    ("['a', 'b'].join()", "ab"),
    ("[].join(', ')", ""),
    ("[1, 2, 3].sum()", 6),
    ("[].sum()", 0),
    ("[1.5, 2.5].sum()", 4.0),
    ("{'a': 1} != null", True),  # heterogeneous equality: different types are unequal, not an error
    ("1 == null", False),
    ("'1' == 1", False),
    ("1 == 1.0", True),
    ("[1, [2]] == [1, [2]]", True),
])
def test_shim_semantics(expression: str, value) -> None:
    assert evaluate(expression, {}) == value


@pytest.mark.parametrize("expression", ["[1, 'a'].sum()", "['a', 1].join(',')", "['a'].sum()", "'a'.indexOf('a')", "quantity('1')"])
def test_what_kubernetes_refuses_or_the_evaluator_does_not_model_is_an_error(expression: str) -> None:
    with pytest.raises(CELEvalError):
        evaluate(expression, {})


def test_errors_stay_lazy_as_in_kubernetes() -> None:
    """A failing sub-expression only matters when the result depends on it (CEL's commutative && and ||)."""
    obj = to_cel({"spec": {}})
    assert evaluate("has(object.spec.x) && object.spec.x.y == 1", {"object": obj}) == False  # noqa: E712
    assert evaluate("object.spec.x.y == 1 || true", {"object": obj}) == True  # noqa: E712
    with pytest.raises(CELEvalError):
        evaluate("object.spec.x.y == 1", {"object": obj})


def test_policies_use_only_standard_cel_and_the_modelled_extensions() -> None:
    manifest = render_validated(CHART, helm=4, namespace=NAMESPACE)
    used: set[str] = set()
    for policy in manifest.of_kind("ValidatingAdmissionPolicy"):
        spec = policy["spec"]
        texts = [c["expression"] for c in spec.get("matchConditions") or []]
        texts += [v["expression"] for v in spec.get("variables") or []]
        texts += [v[k] for v in spec.get("validations") or [] for k in ("expression", "messageExpression") if k in v]
        for text in texts:
            code = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)  # string literals out
            used |= set(re.findall(r"([A-Za-z_]\w*)\s*\(", code))
    assert used <= STANDARD | set(SHIMS), f"not modelled offline: {sorted(used - STANDARD - set(SHIMS))}"
    assert {"split", "trim", "join", "sum"} <= used, "a shim nothing uses should be removed"

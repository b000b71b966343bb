"""The offline Istio analyzer must find what istioctl finds, across texts, and honour suppressions."""

from __future__ import annotations

import pytest

from berth.analyze import AnalyzerMessage, analyze

NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: istio-ingress
  labels:
    istio-injection: enabled
"""

VIRTUAL_SERVICE = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: istio-ingress
spec:
  hosts: ["web.example.com"]
  gateways: ["berth-gateway"]
  http:
    - route:
        - destination:
            host: web.istio-ingress.svc.cluster.local
            port: {number: 80}
"""

GATEWAY = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: berth-gateway
  namespace: istio-ingress
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["web.example.com"]
"""

GATEWAY_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: ingressgateway
  namespace: istio-ingress
  labels:
    istio: ingressgateway
spec:
  containers:
    - name: istio-proxy
      image: istio/proxyv2
"""

# Rule #1 repeats rule #0's match: IST0130 (Warning) for the rule, IST0131 (Info) for the match.
SHADOWED_RULE = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shadowed
  namespace: istio-ingress
spec:
  hosts: ["web.example.com"]
  gateways: ["berth-gateway"]
  http:
    - match: [{uri: {prefix: /a}}]
      route: [{destination: {host: web.istio-ingress.svc.cluster.local}}]
    - match: [{uri: {prefix: /a}}]
      route: [{destination: {host: web.istio-ingress.svc.cluster.local}}]
"""

MISSING_GATEWAY = AnalyzerMessage(
    "IST0101", "Error", "VirtualService istio-ingress/web", 'Referenced gateway not found: "berth-gateway"')


def codes(messages: list[AnalyzerMessage]) -> list[str]:
    return [m.code for m in messages]


def test_missing_gateway_is_an_error():
    messages = analyze({"routes": NAMESPACE + "---\n" + VIRTUAL_SERVICE})
    assert MISSING_GATEWAY in messages
    # istioctl adds IST0132 (hosts not in the gateway) for the same missing gateway.
    assert codes(messages) == ["IST0101", "IST0132"]
    assert str(MISSING_GATEWAY) == (
        'Error [IST0101] (VirtualService istio-ingress/web) Referenced gateway not found: "berth-gateway"')


def test_texts_are_analysed_together():
    assert analyze({"routes": NAMESPACE + "---\n" + VIRTUAL_SERVICE, "gateway": GATEWAY}) == []


def test_suppression_removes_exactly_the_suppressed_message():
    texts = {"routes": NAMESPACE + "---\n" + VIRTUAL_SERVICE}
    everything = analyze(texts)
    reason = "the gateway comes from another chart"
    suppressed = analyze(texts, suppress={"IST0101=VirtualService istio-ingress/web": reason})
    assert MISSING_GATEWAY in everything
    assert suppressed == [m for m in everything if m != MISSING_GATEWAY]
    assert suppressed  # IST0132 for the same object stays


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_suppression_needs_a_reason(reason):
    with pytest.raises(ValueError, match="reason"):
        analyze({"routes": VIRTUAL_SERVICE}, suppress={"IST0101=VirtualService *": reason})


def test_unknown_suppression_code_is_refused():
    with pytest.raises(ValueError, match="IST9999"):
        analyze({"routes": VIRTUAL_SERVICE}, suppress={"IST9999=VirtualService *": "typo"})


def test_info_messages_are_not_returned():
    messages = analyze({"routes": SHADOWED_RULE, "gateway": GATEWAY})
    assert [(m.code, m.level) for m in messages] == [("IST0130", "Warning")]


@pytest.mark.parametrize("workload", [None, GATEWAY_POD], ids=["no-workload", "stub-pod"])
def test_gateway_selector_is_not_checked_offline(workload):
    """Offline, istioctl does not read Pods, so a Gateway selecting no pods is clean, stub or not
    (see berth.analyze). If this starts failing, istioctl has started checking selectors offline:
    update the docstring there."""
    texts = {"namespace": NAMESPACE, "gateway": GATEWAY}
    if workload:
        texts["workload"] = workload
    assert analyze(texts) == []


def test_unparsable_yaml_is_a_crash():
    with pytest.raises(RuntimeError, match="could not|adding files"):
        analyze({"broken": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n  bad: [\n", "gateway": GATEWAY})


def test_no_texts_no_messages():
    assert analyze({}) == []

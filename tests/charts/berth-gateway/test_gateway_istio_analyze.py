"""`istioctl analyze` (offline) over every ci render, together with berth-operator's default render (whose
istio.gateway names the Gateway) and the VirtualService + DestinationRules the Seldon operator writes for
a SeldonDeployment with a canary: no errors, no warnings.

Offline analysis drops Pods and Services, so it cannot tell whether the gateway selector matches pods
(see scripts/berth/analyze.py); the chart's tests check selectors instead. The suppressions below are
listed and explained in charts/berth-gateway/README.md (a test keeps the two in step).
"""

from __future__ import annotations

import pytest
import yaml

from berth.analyze import analyze
from berth.testing import render_validated
from gateway_chart import CHART, CI, NAMESPACE

# What Seldon Core 1.17's operator creates for SeldonDeployment "iris" in namespace team-a with predictors
# "main" (75%) and "canary" (25%): one VirtualService per protocol bound to its configured gateway, routing
# the /seldon/<namespace>/<name>/ prefix by weight, and one DestinationRule per predictor service.
SELDON_OBJECTS = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: iris-http, namespace: team-a}
spec:
  gateways: [istio-ingress/berth-gateway]
  hosts: ["*"]
  http:
    - match:
        - uri: {prefix: /seldon/team-a/iris/}
      rewrite: {uri: /}
      route:
        - destination: {host: iris-main.team-a.svc.cluster.local, port: {number: 8000}, subset: main}
          weight: 75
        - destination: {host: iris-canary.team-a.svc.cluster.local, port: {number: 8000}, subset: canary}
          weight: 25
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: iris-main, namespace: team-a}
spec:
  host: iris-main.team-a.svc.cluster.local
  subsets:
    - name: main
      labels: {seldon-deployment-id: iris, predictor: main}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: iris-canary, namespace: team-a}
spec:
  host: iris-canary.team-a.svc.cluster.local
  subsets:
    - name: canary
      labels: {seldon-deployment-id: iris, predictor: canary}
"""

SUPPRESSIONS = {
    "IST0133=EnvoyFilter */*": "Every EnvoyFilter gets this generic caution. Envoy's local rate limit and the "
                               "identity-header strip have no higher-level Istio API; both are pinned to the Istio "
                               "release Berth targets and checked on upgrade.",
    "IST0133=AuthorizationPolicy */*-require-jwt": "The ingress gateway serves only HTTP(S) servers, so the DENY "
                               "rule refusing plain TCP under its scope is intended: no TCP route may bypass the JWT check.",
}

CI_FILES = sorted(p.name for p in CI.glob("*-values.yaml"))


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_istioctl_analyze_is_clean(ci_file: str) -> None:
    gateway = render_validated(CHART, namespace=NAMESPACE, values_files=[CI / ci_file])
    texts = {"berth-gateway": gateway.text}
    if not yaml.safe_load((CI / ci_file).read_text() or "{}").get("gatewayAPI", {}).get("enabled"):
        # Istio Gateway mode: the operator's models bind to this gateway
        texts["berth-operator"] = render_validated("berth-operator", namespace="seldon-system").text
        texts["seldon-objects"] = SELDON_OBJECTS
    messages = analyze(texts, suppress=SUPPRESSIONS)
    assert messages == [], "\n".join(map(str, messages))


def test_the_analysis_catches_a_gateway_mismatch() -> None:
    """The same check fails when the operator points at a gateway this chart does not render."""
    gateway = render_validated(CHART, namespace=NAMESPACE, values={"gateway": {"name": "edge"}})
    messages = analyze({"berth-gateway": gateway.text, "seldon-objects": SELDON_OBJECTS})
    assert [m.code for m in messages if m.level == "Error"] == ["IST0101"]


def test_every_suppression_is_explained_in_the_chart_readme() -> None:
    readme = (CI.parent / "README.md").read_text()
    for key in SUPPRESSIONS:
        code, _, origin = key.partition("=")
        assert f"`{code}`" in readme and f"`{origin}`" in readme, f"{key} is not listed in the chart README"

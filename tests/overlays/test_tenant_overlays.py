"""Tenant overlays (overlays/tenants/*): build with kustomize under Helm 3 and 4, pass every validation,
keep each tenant isolated, and render exactly what `helm template berth-tenant` renders from the same values."""

from __future__ import annotations

import itertools

import pytest

from berth.authz import Request, policy_applies
from berth.manifest import object_ref
from berth.render import build_overlay, render_chart
from berth.tenants import RELEASE_NAMESPACE, TENANTS_DIR, overlay_values
from berth.testing import RENDER_LOG
from berth.validate import validate_manifest

OVERLAYS = sorted(p.parent.name for p in TENANTS_DIR.glob("*/kustomization.yaml"))
HELM_LABELS = ("helm.sh/chart", "app.kubernetes.io/managed-by")


def build(name: str, helm: int):
    manifest = build_overlay(TENANTS_DIR / name, helm=helm)
    validate_manifest(manifest).raise_for_problems()
    RENDER_LOG.record(manifest)  # checkov scans it at the end of the session
    return manifest


def test_there_are_three_sample_tenants() -> None:
    assert {"team-fraud", "team-web", "team-risk"} <= set(OVERLAYS)


@pytest.mark.parametrize("name", OVERLAYS)
def test_overlay_builds_validates_and_isolates(name: str, helm: int) -> None:
    m = build(name, helm)
    values = overlay_values(TENANTS_DIR / name)
    ns = values.get("namespace") or values["tenant"]
    for obj in m:
        assert obj["metadata"]["labels"]["berth.dev/tenant"] == values["tenant"], object_ref(obj)
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == ns, object_ref(obj)
    labels = m.one("Namespace")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline" and labels["istio-injection"] == "enabled"
    hard = m.get("ResourceQuota", "berth-tenant", ns)["spec"]["hard"]
    gpus = values.get("gpu", {}).get("count", 0) if values.get("gpu", {}).get("enabled") else 0
    assert hard["requests.nvidia.com/gpu"] == str(gpus)
    assert hard["services.loadbalancers"] == hard["services.nodeports"] == "0"
    assert "count/seldondeployments.machinelearning.seldon.io" in hard
    assert m.get("LimitRange", "berth-tenant", ns)["spec"]["limits"][0]["defaultRequest"]["cpu"]
    policies = {p["metadata"]["name"]: p["spec"] for p in m.of_kind("NetworkPolicy")}
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert {"allow-dns", "allow-ingress-gateway"} <= set(policies)
    for binding in m.of_kind("RoleBinding"):
        assert binding["roleRef"]["name"] in ("admin", "edit", "view")
        assert not any(s["name"].startswith("system:") for s in binding["subjects"])
    assert m.of_kind("ClusterRoleBinding") == []


def test_gpu_tenant_gets_its_pools_and_cpu_tenants_none() -> None:
    fraud = build("team-fraud", 4)
    assert fraud.one("Namespace")["metadata"]["annotations"]["berth.dev/gpu-pools"] == "a100,l4"
    assert fraud.get("ResourceQuota", "berth-tenant", "team-fraud")["spec"]["hard"]["requests.nvidia.com/gpu"] == "8"
    web = build("team-web", 4)
    assert web.one("Namespace")["metadata"]["labels"]["berth.dev/gpu-access"] == "false"


def test_custom_quota_and_extra_patch() -> None:
    risk = build("team-risk", 3)
    assert risk.get("ResourceQuota", "berth-tenant", "team-risk")["spec"]["hard"]["pods"] == "300"
    extra = risk.get("NetworkPolicy", "allow-extra-egress", "team-risk")
    assert extra["spec"]["egress"] == [{"ports": [{"port": 8443, "protocol": "TCP"}], "to": [{"ipBlock": {"cidr": "10.40.12.0/24"}}]}]
    assert extra["metadata"]["labels"]["berth.dev/managed-by"] == "platform", "tenants cannot change it"


def test_no_tenant_claim_opens_another_tenant() -> None:
    builds = {name: build(name, 4) for name in OVERLAYS}
    for a, b in itertools.permutations(OVERLAYS, 2):
        values_a = overlay_values(TENANTS_DIR / a)
        policy_b = builds[b].get("AuthorizationPolicy", "berth-tenant-access", b)
        for value in values_a["access"]["values"]:
            request = Request(f"/seldon/{b}/m/api/v1.0/predictions", "POST", namespace="istio-ingress", claims={"groups": [value]})
            assert not policy_applies(policy_b, request), f"{a}'s claim {value} opens {b}"
        own = Request(f"/seldon/{b}/m/", "POST", namespace="istio-ingress",
                      claims={"groups": overlay_values(TENANTS_DIR / b)["access"]["values"][:1]})
        assert policy_applies(policy_b, own)


def test_overlay_renders_what_helm_template_renders_from_the_same_values() -> None:
    """Parity: the web overlay (no components, no patches) equals the chart with the merged values,
    modulo Helm's own labels and the label kustomize adds (which the chart sets already)."""
    overlay = build("team-web", 4)
    chart = render_chart("berth-tenant", helm=4, release="team-web", namespace=RELEASE_NAMESPACE,
                         values=overlay_values(TENANTS_DIR / "team-web"))

    def comparable(m):
        out = {}
        for obj in m:
            labels = {k: v for k, v in (obj["metadata"].get("labels") or {}).items() if k not in HELM_LABELS}
            out[object_ref(obj)] = {**obj, "metadata": {**obj["metadata"], "labels": labels}}
        return out

    assert comparable(overlay) == comparable(chart)

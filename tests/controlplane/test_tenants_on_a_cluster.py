"""Two sample tenants on a real API server (with the controllers that compute quota usage and aggregate
roles): what a tenant-A developer and admin can and cannot do, and what admission enforces."""

from __future__ import annotations

import json
import time

import pytest
import yaml

from berth.cluster import ClusterError, install_release
from berth.platform import Release, load_profile
from berth.render import build_overlay
from berth.tenants import TENANTS_DIR

A, B = "team-fraud", "team-web"  # A has GPUs (8, pools a100/l4), B is CPU-only


@pytest.fixture(scope="module")
def tenants(cluster_with_upstream_crds, controlplane):
    cluster = cluster_with_upstream_crds
    releases = {r.name: r for r in load_profile("default").releases}
    for name in ("berth-crds", "berth-operator"):  # the CRD, and the roles aggregated into admin/edit/view
        install_release(cluster, releases[name], embedded=True)
    install_release(cluster, Release("berth-policies", "berth-policies", "berth-system", {}, ()), embedded=True)
    for tenant in (A, B):
        cluster.apply(build_overlay(TENANTS_DIR / tenant, helm=4).text)
    # Quota admission refuses what a quota's status does not yet cover; the quota controller discovers
    # CRD-backed counts (count/seldondeployments…) on its periodic resync, as on any cluster.
    deadline = time.monotonic() + 120
    for tenant in (A, B):
        while True:
            quota = json.loads(cluster.kubectl("get", "resourcequota", "berth-tenant", "-n", tenant, "-o", "json").stdout)
            status = quota.get("status") or {}
            if set(quota["spec"]["hard"]) <= set(status.get("hard") or {}) & set(status.get("used") or {}):
                break
            assert time.monotonic() < deadline, f"quota of {tenant} not computed: {quota.get('status')}"
            time.sleep(1)
    return cluster


@pytest.fixture(scope="module")
def developer(controlplane, tenants):
    return controlplane.user("dana", groups=("fraud-ds",))  # team-fraud developers (edit)


@pytest.fixture(scope="module")
def admin(controlplane, tenants):
    return controlplane.user("ada", groups=("fraud-admins",))  # team-fraud admins (admin)


def can(controlplane, user, verb: str, resource: str, namespace: str) -> bool:
    out = controlplane.kubectl("auth", "can-i", verb, resource, "-n", namespace, user=user, check=False)
    return out.stdout.strip() == "yes"


def pod(name: str, namespace: str, *, gpus: int = 0, containers: int = 1, resources: bool = True,
        privileged: bool = False) -> str:
    spec: dict = {"containers": []}
    for i in range(containers):
        c: dict = {"name": f"c{i}", "image": "docker.io/seldonio/sklearnserver:1.17.1"}
        if resources:
            c["resources"] = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}}
        if gpus:
            c.setdefault("resources", {}).setdefault("requests", {})["nvidia.com/gpu"] = gpus
            c["resources"].setdefault("limits", {})["nvidia.com/gpu"] = gpus
        if privileged:
            c["securityContext"] = {"privileged": True}
        spec["containers"].append(c)
    if gpus:
        spec["nodeSelector"] = {"berth.dev/gpu-pool": "a100"}
        spec["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    return yaml.safe_dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace}, "spec": spec})


def test_developer_works_in_its_namespace_and_nowhere_else(controlplane, developer) -> None:
    for verb, resource in (("create", "seldondeployments.machinelearning.seldon.io"), ("create", "deployments.apps"),
                           ("delete", "seldondeployments.machinelearning.seldon.io"), ("get", "pods")):
        assert can(controlplane, developer, verb, resource, A), f"cannot {verb} {resource} in {A}"
    for verb, resource in (("get", "secrets"), ("list", "pods"), ("get", "seldondeployments.machinelearning.seldon.io"),
                           ("create", "deployments.apps")):
        assert not can(controlplane, developer, verb, resource, B), f"may {verb} {resource} in {B}"
    for verb, resource in (("update", "resourcequotas"), ("delete", "limitranges"), ("create", "rolebindings.rbac.authorization.k8s.io"),
                           ("patch", "namespaces")):
        assert not can(controlplane, developer, verb, resource, A), f"may {verb} {resource} in {A}"
    # and for real: a SeldonDeployment in A is admitted, anything in B refused
    sdep = ("apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\nmetadata: {name: iris, namespace: %s}\n"
            "spec: {predictors: [{name: default, graph: {name: classifier, implementation: SKLEARN_SERVER, "
            "modelUri: 's3://models/iris'}}]}\n")
    controlplane.kubectl("create", "--dry-run=server", "-f", "-", input=sdep % A, user=developer)
    refused = controlplane.kubectl("create", "--dry-run=server", "-f", "-", input=sdep % B, user=developer, check=False)
    assert refused.returncode != 0 and "forbidden" in refused.stderr
    secrets = controlplane.kubectl("get", "secrets", "-n", B, user=developer, check=False)
    assert secrets.returncode != 0 and "forbidden" in secrets.stderr


def test_platform_objects_cannot_be_changed_by_the_tenant(controlplane, admin) -> None:
    """The tenant admin has the built-in admin role; RBAC alone would let it edit NetworkPolicies and
    RoleBindings. The berth-policies guardrail refuses changes to platform-managed objects."""
    for kind, name in (("networkpolicy", "default-deny"), ("rolebinding", "berth-tenant-developers")):
        patched = controlplane.kubectl("label", kind, name, "-n", A, "hacked=true", user=admin, check=False)
        assert patched.returncode != 0 and "denied" in patched.stderr.lower(), patched.stderr
        deleted = controlplane.kubectl("delete", kind, name, "-n", A, "--dry-run=server", user=admin, check=False)
        assert deleted.returncode != 0, f"{kind}/{name} deleted"
    quota = controlplane.kubectl("patch", "resourcequota", "berth-tenant", "-n", A, "--type=merge",
                                 "-p", '{"spec":{"hard":{"requests.nvidia.com/gpu":"100"}}}', user=admin, check=False)
    assert quota.returncode != 0 and "forbidden" in quota.stderr
    allow_all = yaml.safe_dump({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                                "metadata": {"name": "allow-all", "namespace": A},
                                "spec": {"podSelector": {}, "ingress": [{}], "egress": [{}], "policyTypes": ["Ingress", "Egress"]}})
    created = controlplane.kubectl("create", "--dry-run=server", "-f", "-", input=allow_all, user=admin, check=False)
    assert created.returncode != 0, "a tenant must not open its namespace with its own NetworkPolicy"
    labels = controlplane.kubectl("label", "namespace", A, "berth.dev/gpu-access=false", "--overwrite", user=admin, check=False)
    assert labels.returncode != 0


def test_quota_refuses_more_gpus_than_the_tenant_has(tenants) -> None:
    quota = json.loads(tenants.kubectl("get", "resourcequota", "berth-tenant", "-n", A, "-o", "json").stdout)
    assert quota["status"]["hard"]["requests.nvidia.com/gpu"] == "8", "the quota controller has computed status"
    tenants.kubectl("create", "--dry-run=server", "-f", "-", input=pod("one-gpu", A, gpus=1))
    with pytest.raises(ClusterError, match="exceeded quota"):
        tenants.kubectl("create", "--dry-run=server", "-f", "-", input=pod("nine-gpus", A, gpus=1, containers=9))
    with pytest.raises(ClusterError, match="exceeded quota|GPU|gpu"):
        tenants.kubectl("create", "--dry-run=server", "-f", "-", input=pod("gpu-in-b", B, gpus=1))


def test_limit_range_defaults_land_on_a_pod_without_resources(tenants) -> None:
    out = tenants.kubectl("create", "--dry-run=server", "-o", "json", "-f", "-", input=pod("bare", B, resources=False))
    resources = json.loads(out.stdout)["spec"]["containers"][0]["resources"]
    assert resources["requests"]["cpu"] == "100m" and resources["requests"]["memory"] == "256Mi"
    assert resources["limits"]["memory"] == "1Gi"


def test_pod_security_refuses_a_privileged_pod(tenants) -> None:
    with pytest.raises(ClusterError, match="PodSecurity"):
        tenants.kubectl("create", "--dry-run=server", "-f", "-", input=pod("root", B, privileged=True))

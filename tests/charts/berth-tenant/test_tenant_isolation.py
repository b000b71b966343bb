"""For every tenant render: what keeps the tenant in its share and away from the others."""

from __future__ import annotations

import itertools

import pytest

from berth.authz import Request, policy_applies
from tenant_chart import CI_FILES, ci_values, tenant_namespace

SYSTEM_GROUPS = {"system:authenticated", "system:unauthenticated", "system:masters"}


@pytest.fixture(params=CI_FILES)
def case(request, tenant):
    values = ci_values(request.param)
    return values, tenant(values), tenant_namespace(values)


def test_everything_lives_in_the_tenant_namespace_and_is_platform_managed(case) -> None:
    values, m, ns = case
    for obj in m:
        assert obj["metadata"].get("namespace", ns) == ns or obj["kind"] == "Namespace"
        labels = obj["metadata"]["labels"]
        assert labels["berth.dev/tenant"] == values["tenant"] and labels["berth.dev/managed-by"] == "platform"
    assert m.one("Namespace")["metadata"]["name"] == ns


def test_namespace_labels_pod_security_and_mesh(case) -> None:
    values, m, _ = case
    labels = m.one("Namespace")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
    assert labels["pod-security.kubernetes.io/warn"] == labels["pod-security.kubernetes.io/audit"] == "restricted"
    mesh = values.get("mesh", {})
    if mesh.get("enabled", True):
        assert labels.get("istio.io/rev") == mesh["revision"] if mesh.get("revision") else labels["istio-injection"] == "enabled"
    else:
        assert "istio-injection" not in labels and "istio.io/rev" not in labels
    assert labels.get("seldon.io/controller-id") == values.get("controllerId")
    assert labels["berth.dev/gpu-access"] == str(values.get("gpu", {}).get("enabled", False)).lower()


def test_quota_caps_compute_gpus_and_objects(case) -> None:
    values, m, ns = case
    hard = m.get("ResourceQuota", "berth-tenant", ns)["spec"]["hard"]
    for key in ("requests.cpu", "limits.cpu", "requests.memory", "limits.memory", "requests.ephemeral-storage", "pods",
                "services", "configmaps", "secrets", "persistentvolumeclaims", "count/seldondeployments.machinelearning.seldon.io"):
        assert key in hard, key
    assert hard["services.loadbalancers"] == hard["services.nodeports"] == "0"
    gpu = values.get("gpu", {})
    assert hard["requests.nvidia.com/gpu"] == str(gpu.get("count", 0) if gpu.get("enabled") else 0)
    assert "limits.nvidia.com/gpu" not in hard, "extended resources take only the requests. form"


def test_limit_range_defaults_and_maxima(case) -> None:
    values, m, ns = case
    (limits,) = m.get("LimitRange", "berth-tenant", ns)["spec"]["limits"]
    assert limits["type"] == "Container"
    assert {"cpu", "memory"} <= set(limits["defaultRequest"]) and {"cpu", "memory"} <= set(limits["default"])
    gpu = values.get("gpu", {})
    assert limits["max"]["nvidia.com/gpu"] == str(gpu.get("maxPerContainer", 1) if gpu.get("enabled") else 0)


def network_policies(m, ns) -> dict[str, dict]:
    return {p["metadata"]["name"]: p["spec"] for p in m.of_kind("NetworkPolicy", ns)}


def test_network_default_deny_with_only_the_listed_exceptions(case) -> None:
    values, m, ns = case
    policies = network_policies(m, ns)
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    dns = policies["allow-dns"]["egress"][0]
    assert dns["to"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "kube-system"}
    assert sorted((p["port"], p["protocol"]) for p in dns["ports"]) == [(53, "TCP"), (53, "UDP")]
    gateway = policies["allow-ingress-gateway"]["ingress"][0]["from"]
    assert gateway == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "istio-ingress"}}}]
    expected = {"default-deny", "allow-dns", "allow-same-namespace", "allow-ingress-gateway", "allow-metrics-scrape"}
    if values.get("mesh", {}).get("enabled", True):
        expected.add("allow-istiod")
    if values.get("network", {}).get("storageEgress"):
        expected.add("allow-model-storage")
    assert set(policies) == expected, "nothing else is allowed"
    # no rule opens to everyone: every peer is a namespace, the tenant's own pods, or a listed CIDR
    for name, spec in policies.items():
        for rule in spec.get("ingress", []) + spec.get("egress", []):
            for peer in rule.get("from", []) + rule.get("to", []):
                if "ipBlock" in peer:
                    assert peer["ipBlock"]["cidr"] not in ("0.0.0.0/0", "::/0"), name
                else:
                    assert peer.get("namespaceSelector") or peer == {"podSelector": {}}, f"{name}: {peer}"


def test_rbac_binds_groups_to_builtin_roles_in_the_namespace_only(case) -> None:
    values, m, ns = case
    assert m.of_kind("ClusterRoleBinding") == [] and m.of_kind("ClusterRole") == [] and m.of_kind("Role") == []
    bindings = {b["roleRef"]["name"]: b for b in m.of_kind("RoleBinding", ns)}
    groups = values.get("groups", {})
    for role, key in (("admin", "admins"), ("edit", "developers"), ("view", "viewers")):
        if groups.get(key):
            assert bindings[role]["roleRef"]["kind"] == "ClusterRole"
            assert [s["name"] for s in bindings[role]["subjects"]] == groups[key]
            assert all(s["kind"] == "Group" for s in bindings[role]["subjects"])
    assert not ({"cluster-admin"} & set(bindings))
    for b in bindings.values():
        assert not ({s["name"] for s in b["subjects"]} & SYSTEM_GROUPS)


def test_service_accounts_mount_no_token(case) -> None:
    values, m, ns = case
    accounts = {sa["metadata"]["name"]: sa for sa in m.of_kind("ServiceAccount", ns)}
    assert "default" in accounts and set(values.get("serviceAccounts", ["models"])) <= set(accounts)
    assert all(sa["automountServiceAccountToken"] is False for sa in accounts.values())


def access_policy(m, ns):
    return m.get("AuthorizationPolicy", "berth-tenant-access", ns)


def test_ingress_is_admitted_only_with_the_tenants_claim(case) -> None:
    values, m, ns = case
    if not values.get("mesh", {}).get("enabled", True):
        assert m.of_kind("AuthorizationPolicy") == []
        return
    policy = access_policy(m, ns)
    assert policy["spec"]["action"] == "ALLOW"
    path = f"/seldon/{ns}/model/api/v1.0/predictions"
    mine = values.get("access", {}).get("values", [])
    for value in mine:
        assert policy_applies(policy, Request(path, "POST", namespace="istio-ingress", claims={"groups": ["x", value]}))
    assert not policy_applies(policy, Request(path, "POST", namespace="istio-ingress", claims={"groups": ["someone-else"]}))
    assert not policy_applies(policy, Request(path, "POST", namespace="istio-ingress")), "no token, no entry"
    assert policy_applies(policy, Request(path, "POST", namespace=ns)), "calls within the namespace"
    assert not policy_applies(policy, Request(path, "POST", namespace="other-tenant"))
    assert policy_applies(policy, Request("/health/ping", "GET", namespace="monitoring"))
    assert not policy_applies(policy, Request("/health/ping", "POST", namespace="monitoring"))


def test_no_tenants_claim_values_open_another_tenant(tenant) -> None:
    renders = {name: (ci_values(name), tenant(ci_values(name))) for name in CI_FILES}
    meshed = {n: r for n, r in renders.items() if r[0].get("mesh", {}).get("enabled", True)}
    assert len(meshed) >= 2
    for (a, (va, _)), (b, (vb, mb)) in itertools.permutations(meshed.items(), 2):
        policy = access_policy(mb, tenant_namespace(vb))
        for value in va.get("access", {}).get("values", []):
            request = Request(f"/seldon/{tenant_namespace(vb)}/m/", "POST", namespace="istio-ingress", claims={"groups": [value]})
            assert not policy_applies(policy, request), f"{a}'s claim {value!r} opens {b}"


def test_gpu_tenant_pools_and_priority_class_quota(tenant) -> None:
    values = ci_values("gpu")
    m = tenant(values)
    ns = m.one("Namespace")
    assert ns["metadata"]["annotations"]["berth.dev/gpu-pools"] == "a100,l4"
    scoped = m.get("ResourceQuota", "berth-tenant-gpu-gpu-preemptible", "fraud")["spec"]
    assert scoped["hard"] == {"requests.nvidia.com/gpu": "4"}
    assert scoped["scopeSelector"]["matchExpressions"] == [{"scopeName": "PriorityClass", "operator": "In", "values": ["gpu-preemptible"]}]
    cpu_only = tenant(ci_values("cpu-only")).one("Namespace")
    assert "berth.dev/gpu-pools" not in (cpu_only["metadata"].get("annotations") or {})


def test_platform_labels_cannot_be_overridden_by_namespace_labels(tenant) -> None:
    values = {**ci_values("cpu-only"), "namespaceLabels": {"pod-security.kubernetes.io/enforce": "privileged",
                                                            "berth.dev/gpu-access": "true", "cost-center": "42"}}
    labels = tenant(values).one("Namespace")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline" and labels["berth.dev/gpu-access"] == "false"
    assert labels["cost-center"] == "42"


def test_storage_credentials_are_references_or_external_secrets(tenant) -> None:
    assert tenant(ci_values("cpu-only")).of_kind("Secret") == []
    m = tenant(ci_values("gpu"))
    assert m.of_kind("Secret") == []
    (es,) = m.of_kind("ExternalSecret")
    data = es["spec"]["target"]["template"]["data"]
    assert data["RCLONE_CONFIG_S3_TYPE"] == "s3"
    assert data["RCLONE_CONFIG_S3_ACCESS_KEY_ID"] == "{{ .access_key_id }}"
    assert {d["secretKey"] for d in es["spec"]["data"]} == {"access_key_id", "secret_access_key"}

"""berth-operator on a real API server: the webhook certificate across upgrades, and what the manager's
ServiceAccount may do (SubjectAccessReviews) in cluster-wide and single-namespace modes."""

from __future__ import annotations

import json

import pytest

from berth.cluster import install_release
from berth.platform import load_profile

NAMESPACE = "seldon-system"


@pytest.fixture(scope="module")
def operator_release():
    return next(r for r in load_profile("default").releases if r.name == "berth-operator")


@pytest.fixture(scope="module")
def installed(cluster_with_upstream_crds):
    """berth-crds installed once for the module. The upstream CRDs are there so that kubectl can resolve
    Istio resource names (virtualservices.networking.istio.io) in access reviews."""
    crds = next(r for r in load_profile("default").releases if r.name == "berth-crds")
    install_release(cluster_with_upstream_crds, crds, embedded=True)
    return cluster_with_upstream_crds


def webhook_certificate(cluster, release: str = "berth-operator") -> tuple[str, set[str]]:
    secret = json.loads(cluster.kubectl("get", "secret", f"{release}-webhook-cert", "-n", NAMESPACE, "-o", "json").stdout)
    config = json.loads(cluster.kubectl("get", "validatingwebhookconfiguration", f"{release}-{NAMESPACE}", "-o", "json").stdout)
    return secret["data"]["tls.crt"], {h["clientConfig"]["caBundle"] for h in config["webhooks"]}


def test_webhook_certificate_survives_upgrades_and_rotates_on_request(installed, operator_release, helm: int) -> None:
    cluster = installed
    install_release(cluster, operator_release, helm=helm, embedded=True)
    cert, bundles = webhook_certificate(cluster)
    assert len(bundles) == 1

    install_release(cluster, operator_release, helm=helm, embedded=True, extra_values={"manager": {"logLevel": "DEBUG"}})
    assert webhook_certificate(cluster) == (cert, bundles), "an upgrade must not rotate the webhook certificate"

    install_release(cluster, operator_release, helm=helm, embedded=True,
                    extra_values={"webhook": {"certificate": {"generation": 2}}})
    rotated, rotated_bundles = webhook_certificate(cluster)
    assert rotated != cert and rotated_bundles != bundles and len(rotated_bundles) == 1

    install_release(cluster, operator_release, helm=helm, embedded=True,
                    extra_values={"webhook": {"certificate": {"generation": 2}}, "manager": {"logLevel": "WARN"}})
    assert webhook_certificate(cluster) == (rotated, rotated_bundles), "the rotated certificate is kept from then on"
    cluster.helm(helm, "uninstall", "berth-operator", "-n", NAMESPACE)
    cluster.kubectl("delete", "secret", "berth-operator-webhook-cert", "-n", NAMESPACE)  # kept by policy


def can(cluster, sa: str, verb: str, resource: str, namespace: str | None) -> bool:
    scope = ["-n", namespace] if namespace else ["--all-namespaces"]
    out = cluster.kubectl("auth", "can-i", verb, resource, *scope, f"--as=system:serviceaccount:{NAMESPACE}:{sa}", check=False)
    return out.stdout.strip() == "yes"


# (verb, resource, namespace or None for cluster-wide): what the Seldon manager needs to reconcile a model.
NEEDED = [
    ("watch", "seldondeployments.machinelearning.seldon.io"),
    ("update", "seldondeployments.machinelearning.seldon.io/status"),
    ("create", "deployments.apps"),
    ("delete", "deployments.apps"),
    ("create", "services"),
    ("create", "horizontalpodautoscalers.autoscaling"),
    ("create", "poddisruptionbudgets.policy"),
    ("create", "virtualservices.networking.istio.io"),
    ("create", "destinationrules.networking.istio.io"),
    ("get", "secrets"),
    ("create", "events"),
]
# What it must never be able to do.
FORBIDDEN = [
    ("create", "secrets"),
    ("delete", "secrets"),
    ("create", "pods/exec"),
    ("create", "clusterroles.rbac.authorization.k8s.io"),
    ("create", "rolebindings.rbac.authorization.k8s.io"),
    ("delete", "namespaces"),
    ("update", "customresourcedefinitions.apiextensions.k8s.io"),
    ("create", "validatingwebhookconfigurations.admissionregistration.k8s.io"),
]


def test_cluster_wide_manager_has_what_it_needs_and_no_more(installed, operator_release) -> None:
    cluster = installed
    install_release(cluster, operator_release, embedded=True)
    for verb, resource in NEEDED:
        assert can(cluster, "berth-operator", verb, resource, None), f"cannot {verb} {resource} cluster-wide"
    for verb, resource in FORBIDDEN:
        assert not can(cluster, "berth-operator", verb, resource, "models"), f"may {verb} {resource}"
    assert can(cluster, "berth-operator", "update", "leases.coordination.k8s.io", NAMESPACE)
    assert not can(cluster, "berth-operator", "update", "leases.coordination.k8s.io", "kube-system")
    cluster.helm(4, "uninstall", "berth-operator", "-n", NAMESPACE)


def test_single_namespace_manager_is_confined_to_its_namespace(installed, operator_release) -> None:
    cluster = installed
    cluster.kubectl("create", "namespace", "team-a")
    install_release(cluster, operator_release, embedded=True, extra_values={
        "fullnameOverride": "team-a-operator", "watch": {"scope": "namespace", "namespace": "team-a"},
        "manager": {"leaderElection": {"id": "team-a.machinelearning.seldon.io"}}})
    for verb, resource in NEEDED:
        assert can(cluster, "team-a-operator", verb, resource, "team-a"), f"cannot {verb} {resource} in team-a"
        assert not can(cluster, "team-a-operator", verb, resource, "team-b"), f"may {verb} {resource} in team-b"
    for verb, resource in FORBIDDEN:
        assert not can(cluster, "team-a-operator", verb, resource, "team-a"), f"may {verb} {resource}"
    assert can(cluster, "team-a-operator", "get", "configmaps", NAMESPACE), "reads seldon-config in its own namespace"
    assert can(cluster, "team-a-operator", "list", "namespaces", None)

"""What `berth up` does: on the embedded control plane it installs everything; on a cluster named by a
kubeconfig it checks prerequisites first and refuses, changing nothing, when one is missing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from berth.cli import app
from berth.cluster import Target, check_prerequisites, install_platform, install_upstream_crds, status
from berth.platform import load_profile

runner = CliRunner()


def helm_releases(target: Target) -> list[str]:
    return sorted(r["name"] for r in json.loads(target.helm(4, "list", "-A", "-o", "json").stdout or "[]"))


def test_a_cluster_without_istio_is_refused_before_anything_changes(controlplane) -> None:
    namespaces_before = controlplane.kubectl("get", "namespaces", "-o", "name").stdout
    result = runner.invoke(app, ["up", "--kubeconfig", str(controlplane.kubeconfig)])
    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.output
    assert "gateways.networking.istio.io" in result.output and "servicemonitors.monitoring.coreos.com" in result.output
    assert controlplane.kubectl("get", "namespaces", "-o", "name").stdout == namespaces_before
    assert helm_releases(Target(kubeconfig=controlplane.kubeconfig)) == []


def test_a_user_without_rights_is_told_which_are_missing(controlplane) -> None:
    admin = Target(kubeconfig=controlplane.kubeconfig)
    install_upstream_crds(admin)  # what a real cluster would already have
    viewer = controlplane.user("jane", groups=("platform-viewers",))
    admin.kubectl("create", "clusterrolebinding", "platform-viewers", "--clusterrole=view", "--group=platform-viewers")
    admin.kubectl("create", "clusterrole", "crd-reader", "--verb=get,list", "--resource=customresourcedefinitions")
    admin.kubectl("create", "clusterrolebinding", "crd-reader", "--clusterrole=crd-reader", "--group=platform-viewers")
    problems = check_prerequisites(Target(kubeconfig=viewer.kubeconfig), load_profile("default"))
    assert "missing permission: create namespaces" in problems
    assert "missing permission: create customresourcedefinitions.apiextensions.k8s.io" in problems
    assert any(p.startswith("missing permission: create deployments.apps in namespace seldon-system") for p in problems)
    assert not any(p.startswith("CRD ") for p in problems), problems
    # the admin has everything
    assert check_prerequisites(admin, load_profile("default")) == []


def test_too_old_a_cluster_is_refused(controlplane, monkeypatch) -> None:
    target = Target(kubeconfig=controlplane.kubeconfig)
    monkeypatch.setattr(Target, "server_version", lambda self: "v1.29.8-eks-1234567")
    problems = check_prerequisites(target, load_profile("default"))
    assert "Kubernetes v1.29.8-eks-1234567: chart berth-operator needs kubeVersion >=1.30.0-0" in problems


def test_embedded_install_brings_up_the_whole_platform(controlplane) -> None:
    target = Target(kubeconfig=controlplane.kubeconfig, embedded=True)
    steps: list[str] = []
    install_platform(target, load_profile("default"), embedded=True, progress=steps.append)
    assert steps[0] == "install upstream CRDs"
    assert (steps.index("helm install berth-crds") < steps.index("helm install berth-operator")
            < steps.index("helm install berth-gateway") < steps.index("helm install berth-policies"))
    s = status(target)
    assert {(r["name"], r["status"]) for r in s.releases} == {
        ("berth-crds", "deployed"), ("berth-operator", "deployed"), ("berth-gateway", "deployed"), ("berth-policies", "deployed")}
    assert s.crds_total > 20 and s.crds_established == s.crds_total
    assert s.objects_per_namespace["seldon-system"] >= 10
    assert s.objects_per_namespace["istio-ingress"] >= 4 and s.objects_per_namespace["istio-system"] >= 1
    config = json.loads(target.kubectl("get", "validatingwebhookconfiguration", "-o", "json").stdout)["items"][0]
    assert {h["failurePolicy"] for h in config["webhooks"]} == {"Ignore"}, "embedded values apply on the embedded plane"
    # with the webhook unreachable (no pods run here), a model is still admitted
    target.kubectl("create", "namespace", "models")
    target.kubectl("apply", "-f", "-", input=(
        "apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\nmetadata: {name: iris, namespace: models}\n"
        "spec: {predictors: [{name: default, graph: {name: classifier, implementation: SKLEARN_SERVER}}]}\n"))
    # installing again is an upgrade, not an error
    install_platform(target, load_profile("default"), embedded=True)
    assert {str(r["revision"]) for r in status(target).releases} == {"2"}


@pytest.mark.parametrize(("args", "reason"), [
    (["--helm", "5"], "--helm must be one of 3, 4"),
    (["--profile", "nope"], "unknown profile 'nope'"),
    (["--kubeconfig", "/nonexistent/kubeconfig"], "kubeconfig /nonexistent/kubeconfig does not exist"),
])
def test_bad_arguments_are_refused_in_one_line(args, reason) -> None:
    result = runner.invoke(app, ["up", *args])
    assert result.exit_code == 2 and reason in result.output
    assert len(result.output.strip().splitlines()) == 1

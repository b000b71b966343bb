"""The tools in bin/ are the versions pinned in versions.env, and the upstream CRDs resolve."""

from __future__ import annotations

import subprocess

import pytest

import re

from berth.config import ETCD, HELM, ISTIOCTL, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBECTL, KUSTOMIZE, PROMTOOL, REPO_ROOT, versions
from berth.upstream import SOURCES, upstream_crds


def output(*cmd) -> str:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    ("tool", "args", "pin"),
    [
        (HELM[3], ["version", "--short"], "HELM3_VERSION"),
        (HELM[4], ["version", "--short"], "HELM4_VERSION"),
        (KUBECTL, ["version", "--client"], "KUBECTL_VERSION"),
        (KUSTOMIZE, ["version"], "KUSTOMIZE_VERSION"),
        (ISTIOCTL, ["version", "--remote=false"], "ISTIOCTL_VERSION"),
        (PROMTOOL, ["--version"], "PROMETHEUS_RELEASE"),
        (KUBE_APISERVER, ["--version"], "KUBERNETES_VERSION"),
        (KUBE_CONTROLLER_MANAGER, ["--version"], "KUBERNETES_VERSION"),
        (ETCD, ["--version"], "ETCD_VERSION"),
    ],
    ids=["helm3", "helm4", "kubectl", "kustomize", "istioctl", "promtool", "kube-apiserver", "kube-controller-manager", "etcd"],
)
def test_installed_tool_is_the_pinned_version(tool, args, pin) -> None:
    assert versions()[pin].lstrip("v") in output(tool.path, *args)


def test_helm_majors_are_3_and_4() -> None:
    assert output(HELM[3].path, "version", "--short").startswith("v3.")
    assert output(HELM[4].path, "version", "--short").startswith("v4.")


def test_kustomize_is_new_enough_for_helm4() -> None:
    major, minor, patch = (int(x) for x in versions()["KUSTOMIZE_VERSION"].lstrip("v").split("."))
    assert (major, minor, patch) >= (5, 8, 1)


def test_upstream_crds_come_from_every_pinned_module() -> None:
    groups = {crd["spec"]["group"] for crd in upstream_crds()}
    assert {"monitoring.coreos.com", "cert-manager.io", "gateway.networking.k8s.io",
            "networking.istio.io", "security.istio.io", "external-secrets.io"} <= groups
    assert len(SOURCES) == 5


def test_control_plane_module_pins_the_versions_in_versions_env() -> None:
    """scripts/tools/controlplane/go.mod is what gets built; versions.env is what people read. Same pins."""
    go_mod = (REPO_ROOT / "scripts" / "tools" / "controlplane" / "go.mod").read_text()
    assert re.search(rf"^\s*k8s\.io/kubernetes {re.escape(versions()['KUBERNETES_VERSION'])}$", go_mod, re.M)
    assert re.search(rf"^\s*go\.etcd\.io/etcd/server/v3 {re.escape(versions()['ETCD_VERSION'])}$", go_mod, re.M)
    staging = "v0." + versions()["KUBERNETES_VERSION"].removeprefix("v1.")
    replaced = re.findall(r"^\s*(k8s\.io/[a-z-]+) => \1 (\S+)$", go_mod, re.M)
    assert replaced and {v for _, v in replaced} == {staging}

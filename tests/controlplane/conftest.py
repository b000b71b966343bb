"""The control-plane tier: tests against a real kube-apiserver + etcd (no kubelet: pods are stored, never run).

Every test here is marked `controlplane` (`make test PYTEST_ARGS="-m controlplane"` runs the tier alone,
`-m "not controlplane"` skips it). Each test module gets its own control plane, started once and
stopped at the end of the module, also when a test fails; data lives under .berth/test/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from berth.cluster import Target, install_upstream_crds
from berth.config import REPO_ROOT
from berth.controlplane import ControlPlane

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.controlplane)


@pytest.fixture(scope="module")
def controlplane(request: pytest.FixtureRequest):
    root = REPO_ROOT / ".berth" / "test" / f"{request.module.__name__.rpartition('.')[2]}-{os.getpid()}"
    with ControlPlane(root) as plane:
        yield plane


@pytest.fixture(scope="module")
def cluster(controlplane: ControlPlane) -> Target:
    """The module's control plane as an install target (admin credentials)."""
    return Target(kubeconfig=controlplane.kubeconfig, embedded=True)


@pytest.fixture(scope="module")
def cluster_with_upstream_crds(cluster: Target) -> Target:
    """The same, with the upstream CRDs (Istio, prometheus-operator, cert-manager, Gateway API) installed."""
    install_upstream_crds(cluster)
    return cluster

"""Helm's release lifecycle for each chart, under Helm 3 and Helm 4, against a real API server:
install -> upgrade with changed values -> rollback -> uninstall; models survive the uninstall.

Both Helm majors run on the same control plane, one after the other, with the same release names:
the second install adopts the CRD the first uninstall kept, as a reinstall on a real cluster would.
"""

from __future__ import annotations

import json

import pytest

from berth.cluster import install_release
from berth.platform import load_profile

NAMESPACE = "seldon-system"
CRD = "seldondeployments.machinelearning.seldon.io"
MODEL = """
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: iris, namespace: models}
spec:
  predictors:
    - name: default
      replicas: 1
      graph: {name: classifier, implementation: SKLEARN_SERVER, modelUri: "gs://seldon-models/v1.17.1/sklearn/iris"}
"""


@pytest.fixture(scope="module")
def releases():
    return {r.name: r for r in load_profile("default").releases}


def history(cluster, helm: int, release: str) -> list[dict]:
    return json.loads(cluster.helm(helm, "history", release, "-n", NAMESPACE, "-o", "json").stdout)


def manager_env(cluster) -> dict[str, str]:
    deploy = json.loads(cluster.kubectl("get", "deployment", "berth-operator", "-n", NAMESPACE, "-o", "json").stdout)
    return {e["name"]: e.get("value") for e in deploy["spec"]["template"]["spec"]["containers"][0]["env"]}


def test_install_upgrade_rollback_uninstall_keeps_models(cluster, releases, helm: int) -> None:
    crds, operator = releases["berth-crds"], releases["berth-operator"]
    install_release(cluster, crds, helm=helm, embedded=True)
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", f"crd/{CRD}")
    install_release(cluster, operator, helm=helm, embedded=True)
    assert manager_env(cluster)["MANAGER_LOG_LEVEL"] == "INFO"

    cluster.kubectl("create", "namespace", "models", check=False)  # kept from the other Helm major's run
    cluster.kubectl("delete", "seldondeployment", "iris", "-n", "models", "--ignore-not-found")
    cluster.kubectl("create", "-f", "-", input=MODEL)

    # upgrade with changed values: a new revision that changes what the manager is told
    install_release(cluster, operator, helm=helm, embedded=True, extra_values={"manager": {"logLevel": "DEBUG"}})
    assert manager_env(cluster)["MANAGER_LOG_LEVEL"] == "DEBUG"
    assert [h["revision"] for h in history(cluster, helm, "berth-operator")] == [1, 2]

    # rollback to the first revision: a third revision with the first one's values
    cluster.helm(helm, "rollback", "berth-operator", "1", "-n", NAMESPACE)
    assert manager_env(cluster)["MANAGER_LOG_LEVEL"] == "INFO"
    assert history(cluster, helm, "berth-operator")[-1]["revision"] == 3

    # the CRD chart upgrades in place too (templates/, not crds/)
    install_release(cluster, crds, helm=helm, embedded=True, extra_values={"commonLabels": {"example.com/tier": "platform"}})
    crd = json.loads(cluster.kubectl("get", "crd", CRD, "-o", "json").stdout)
    assert crd["metadata"]["labels"]["example.com/tier"] == "platform"

    cluster.helm(helm, "uninstall", "berth-operator", "-n", NAMESPACE)
    cluster.helm(helm, "uninstall", "berth-crds", "-n", NAMESPACE)
    assert cluster.helm(helm, "list", "-n", NAMESPACE, "-q").stdout.strip() == ""
    assert cluster.kubectl("get", "deployment", "berth-operator", "-n", NAMESPACE, check=False).returncode != 0
    # keep policy: the CRD and the model created before the uninstall are still there and readable
    crd = json.loads(cluster.kubectl("get", "crd", CRD, "-o", "json").stdout)
    assert any(c["type"] == "Established" and c["status"] == "True" for c in crd["status"]["conditions"])
    model = json.loads(cluster.kubectl("get", "sdep", "iris", "-n", "models", "-o", "json").stdout)
    assert model["spec"]["predictors"][0]["graph"]["implementation"] == "SKLEARN_SERVER"


# The other charts: (release namespace, values, an upgrade that changes something observable, how to observe it).
OTHER_CHARTS = {
    "berth-gateway": ("istio-ingress", {}, {"rateLimit": {"tokensPerFill": 10, "maxTokens": 20}},
                      ("envoyfilter", "berth-gateway-ratelimit", "istio-ingress",
                       "{.spec.configPatches[0].patch.value.typed_config.token_bucket.tokens_per_fill}"), ("100", "10")),
    "berth-policies": ("berth-system", {}, {"validationActions": ["Warn"]},
                       ("validatingadmissionpolicybinding", "berth-host-access", None, "{.spec.validationActions[0]}"), ("Deny", "Warn")),
    "berth-tenant": ("berth-system", {"tenant": "team-life"}, {"quota": {"requestsCpu": "4"}},
                     ("resourcequota", "berth-tenant", "team-life", "{.spec.hard.requests\\.cpu}"), ("8", "4")),
}


@pytest.mark.parametrize("chart", sorted(OTHER_CHARTS))
def test_every_other_chart_installs_upgrades_rolls_back_and_uninstalls(cluster_with_upstream_crds, chart: str, helm: int) -> None:
    from berth.platform import Release

    cluster = cluster_with_upstream_crds
    namespace, values, upgrade, (kind, name, obj_ns, path), (before, after) = OTHER_CHARTS[chart]
    release = Release(chart, chart, namespace, values, ())

    def observed() -> str:
        return cluster.kubectl("get", kind, name, *(["-n", obj_ns] if obj_ns else []), "-o", f"jsonpath={path}").stdout

    from berth.cluster import create_namespaces, release_namespaces

    # What a real cluster already has (istio-system for the mesh-wide PeerAuthentication), and the tenant's
    # namespace created first: Kubernetes gives it a default ServiceAccount at once, which --take-ownership
    # then adopts (created in the same release, the two would race).
    create_namespaces(cluster, release_namespaces(release, embedded=True) | ({"team-life"} if chart == "berth-tenant" else set()))
    install_release(cluster, release, helm=helm, embedded=True, take_ownership=True)
    assert observed() == before
    install_release(cluster, release, helm=helm, embedded=True, extra_values=upgrade, take_ownership=True)
    assert observed() == after
    cluster.helm(helm, "rollback", chart, "1", "-n", namespace)
    assert observed() == before
    assert [h["revision"] for h in json.loads(cluster.helm(helm, "history", chart, "-n", namespace, "-o", "json").stdout)] == [1, 2, 3]
    cluster.helm(helm, "uninstall", chart, "-n", namespace, "--wait")
    gone = cluster.kubectl("get", kind, name, *(["-n", obj_ns] if obj_ns else []), check=False)
    assert gone.returncode != 0 and "NotFound" in gone.stderr
    if chart == "berth-tenant":  # the namespace goes too; let the namespace controller finish before the next run
        cluster.kubectl("wait", "--for=delete", "namespace/team-life", "--timeout=120s", check=False)

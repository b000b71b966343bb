"""The validation every render gets must catch what it claims to catch."""

from __future__ import annotations

import copy

import pytest

from berth.crdschema import CRDRegistry
from berth.manifest import Manifest
from berth.security import scan
from berth.validate import default_registry, validate_manifest

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "apps"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}

SERVICE_MONITOR = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "ServiceMonitor",
    "metadata": {"name": "web", "namespace": "apps"},
    "spec": {"selector": {"matchLabels": {"app": "web"}}, "endpoints": [{"port": "metrics", "interval": "30s"}]},
}


def problems(*objects) -> list[str]:
    return [str(p) for p in validate_manifest(Manifest(list(objects), source="test")).problems]


def test_valid_objects_pass_every_minor() -> None:
    report = validate_manifest(Manifest([DEPLOYMENT, SERVICE_MONITOR], source="test"))
    assert report.ok, report.problems
    assert report.checked["kubernetes 1.30"] == 1 and report.checked["kubernetes 1.37"] == 1
    assert report.checked["crd"] == 1


def test_unknown_field_in_builtin_kind_is_an_error_at_every_minor() -> None:
    bad = copy.deepcopy(DEPLOYMENT)
    bad["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    found = problems(bad)
    assert len(found) == 8 and all("imagePullPolcy" in p for p in found)


def test_wrong_type_in_builtin_kind_is_an_error() -> None:
    bad = copy.deepcopy(DEPLOYMENT)
    bad["spec"]["replicas"] = "two"
    assert any("spec.replicas" in p for p in problems(bad))


def test_api_not_served_by_a_supported_minor_is_an_error() -> None:
    # flowcontrol v1beta3 was removed in Kubernetes 1.32
    fs = {"apiVersion": "flowcontrol.apiserver.k8s.io/v1beta3", "kind": "FlowSchema", "metadata": {"name": "x"},
          "spec": {"priorityLevelConfiguration": {"name": "global-default"}}}
    found = problems(fs)
    assert any("not served by Kubernetes 1.37" in p for p in found)


def test_unknown_field_in_custom_resource_is_an_error() -> None:
    bad = copy.deepcopy(SERVICE_MONITOR)
    bad["spec"]["endpoints"][0]["intervall"] = "30s"
    assert any("intervall" in p and "[crd]" in p for p in problems(bad))


def test_wrong_type_in_custom_resource_is_an_error() -> None:
    bad = copy.deepcopy(SERVICE_MONITOR)
    bad["spec"]["endpoints"] = {"port": "metrics"}
    assert any("spec.endpoints" in p for p in problems(bad))


def test_kind_without_any_schema_is_an_error() -> None:
    unknown = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    assert any("no Kubernetes schema and no CRD" in p for p in problems(unknown))


def test_crd_in_the_same_render_validates_its_custom_resources() -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
                 "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                     "type": "object", "properties": {"spec": {"type": "object", "properties": {
                         "size": {"type": "integer"}, "port": {"x-kubernetes-int-or-string": True},
                         "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}}}}}]},
    }
    good = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"size": 3, "port": "http", "extra": {"anything": [1]}}}
    assert problems(crd, good) == []
    assert any("spec.size" in p for p in problems(crd, {**good, "spec": {"size": "3"}}))
    assert any("colour" in p for p in problems(crd, {**good, "spec": {"colour": "red"}}))


def test_registry_knows_upstream_and_berth_crds() -> None:
    registry = default_registry()
    assert registry.knows("monitoring.coreos.com/v1", "ServiceMonitor")
    assert registry.knows("cert-manager.io/v1", "Certificate")
    assert registry.knows("networking.istio.io/v1", "Gateway")
    assert registry.knows("machinelearning.seldon.io/v1", "SeldonDeployment")
    assert not CRDRegistry().knows("machinelearning.seldon.io/v1", "SeldonDeployment")


def test_checkov_reports_failures_and_annotated_skips_per_render() -> None:
    import yaml

    skipped = copy.deepcopy(DEPLOYMENT)
    skipped["metadata"]["annotations"] = {"checkov.io/skip1": "CKV_K8S_43=pinned by tag in this test"}
    results = scan({"plain": yaml.safe_dump(DEPLOYMENT), "annotated": yaml.safe_dump(skipped)})
    plain_ids = {c.check_id for c in results["plain"].failed}
    assert {"CKV_K8S_43", "CKV_K8S_22", "CKV_K8S_8"} <= plain_ids  # digest, read-only root fs, liveness probe
    assert "CKV_K8S_43" not in {c.check_id for c in results["annotated"].failed}
    assert [(c.check_id, c.reason) for c in results["annotated"].skipped] == [("CKV_K8S_43", "pinned by tag in this test")]


def test_checkov_judges_each_render_on_its_own() -> None:
    """A NetworkPolicy in one render must not count for the pods of another (one graph per render)."""
    import yaml

    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "web", "namespace": "apps"},
              "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]}}
    results = scan({"pods-only": yaml.safe_dump(DEPLOYMENT), "policy-only": yaml.safe_dump(policy),
                    "both": yaml.safe_dump_all([DEPLOYMENT, policy])}, workers=2)
    assert "CKV2_K8S_6" in {c.check_id for c in results["pods-only"].failed}
    assert "CKV2_K8S_6" not in {c.check_id for c in results["both"].failed}


def test_misspelt_metadata_of_custom_resource_is_an_error() -> None:
    bad = copy.deepcopy(SERVICE_MONITOR)
    bad["metadata"]["lables"] = {"release": "kube-prometheus-stack"}
    assert any("lables" in p for p in problems(bad))


def test_kustomize_overlay_inflates_a_chart_with_helm4() -> None:
    from pathlib import Path

    from berth.render import build_overlay, ensure_dependencies

    here = Path(__file__).parent
    ensure_dependencies(here.parent / "charts" / "berth-common" / "probe-chart")
    for helm in (3, 4):
        manifest = build_overlay(here / "overlay", helm=helm)
        cm = manifest.one("ConfigMap")
        assert cm["metadata"]["namespace"] == "team-a"
        assert cm["metadata"]["labels"]["tenant"] == "team-a"
        assert cm["metadata"]["annotations"]["berth.dev/overlay"] == "harness-test"

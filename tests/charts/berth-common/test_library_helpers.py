"""berth-common's helpers, exercised through a probe chart that prints what each one renders."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from berth.testing import render_validated

PROBE = Path(__file__).parent / "probe-chart"


@pytest.fixture
def probe(helm):
    def _probe(release: str = "rel", **values) -> dict:
        manifest = render_validated(PROBE, helm=helm, release=release, namespace="ns", values=values)
        cm = manifest.one("ConfigMap")
        return {"labels": cm["metadata"]["labels"], **{k: v for k, v in cm["data"].items()}}

    return _probe


def test_fullname_avoids_repeating_the_chart_name(probe) -> None:
    assert probe(release="probe")["fullname"] == "probe"
    assert probe(release="prod")["fullname"] == "prod-probe"
    assert probe(fullnameOverride="custom")["fullname"] == "custom"


def test_names_fit_dns_labels(probe) -> None:
    out = probe(release="r" * 53)  # the longest release name Helm accepts
    assert len(out["fullname"]) <= 63 and len(out["componentName"]) <= 63
    assert out["componentName"].endswith("-webhook-server-cert")


def test_labels_follow_the_recommendations(probe) -> None:
    labels = probe(commonLabels={"team": "platform"})["labels"]
    assert labels["app.kubernetes.io/name"] == "probe"
    assert labels["app.kubernetes.io/instance"] == "rel"
    assert labels["app.kubernetes.io/component"] == "probe"
    assert labels["app.kubernetes.io/version"] == "9.9.9"
    assert labels["app.kubernetes.io/part-of"] == "berth"
    assert labels["helm.sh/chart"] == "probe-0.0.1"
    assert labels["team"] == "platform"


def test_selector_labels_hold_only_immutable_keys(probe) -> None:
    selector = yaml.safe_load(probe(commonLabels={"team": "x"})["selectorLabels"])
    assert selector == {"app.kubernetes.io/name": "probe", "app.kubernetes.io/instance": "rel"}


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ({"repository": "example/app"}, "example/app:9.9.9"),
        ({"repository": "example/app", "tag": "1.2.3"}, "example/app:1.2.3"),
        ({"registry": "registry.example.com", "repository": "example/app", "tag": "1"}, "registry.example.com/example/app:1"),
        ({"repository": "example/app", "tag": "1", "digest": "sha256:" + "a" * 64}, "example/app@sha256:" + "a" * 64),
    ],
)
def test_image_reference_by_tag_or_digest(probe, image, expected) -> None:
    assert probe(image=image)["image"] == expected


def test_security_contexts_are_restricted_and_overridable_field_by_field(probe) -> None:
    out = probe(securityContext={"runAsUser": 12345}, podSecurityContext={"fsGroup": 2000})
    container = yaml.safe_load(out["containerSecurityContext"])
    assert container == {
        "allowPrivilegeEscalation": False, "privileged": False, "readOnlyRootFilesystem": True,
        "runAsNonRoot": True, "runAsUser": 12345, "runAsGroup": 65532,
        "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"},
    }
    pod = yaml.safe_load(out["podSecurityContext"])
    assert pod["fsGroup"] == 2000 and pod["runAsNonRoot"] is True and pod["seccompProfile"] == {"type": "RuntimeDefault"}


def test_scheduling_renders_only_what_is_set(probe) -> None:
    assert probe()["scheduling"].strip() == ""
    out = yaml.safe_load(probe(scheduling={"priorityClassName": "critical", "nodeSelector": {"pool": "gpu"},
                                            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists"}]})["scheduling"])
    assert out == {"priorityClassName": "critical", "nodeSelector": {"pool": "gpu"},
                   "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists"}]}


def test_image_pull_secrets(probe) -> None:
    assert probe()["imagePullSecrets"].strip() == ""
    assert yaml.safe_load(probe(imagePullSecrets=["regcred"])["imagePullSecrets"]) == {"imagePullSecrets": [{"name": "regcred"}]}

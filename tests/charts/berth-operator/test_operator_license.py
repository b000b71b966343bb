"""Seldon Core >= 1.18.0 is Business Source License 1.1: it renders only when acknowledged."""

from __future__ import annotations

import pytest

from operator_chart import ci_values, container


@pytest.mark.parametrize(("values", "field"), [
    ({"image": {"tag": "1.18.0"}}, "image.tag"),
    ({"image": {"tag": "v1.19.2"}}, "image.tag"),
    ({"executor": {"image": {"tag": "1.18.1"}}}, "executor.image.tag"),
    ({"storageInitializer": {"image": {"tag": "1.18.0"}}}, "storageInitializer.image.tag"),
    ({"explainer": {"image": {"tag": "1.18.2"}}}, "explainer.image.tag"),
    ({"predictorServers": {"SKLEARN_SERVER": {"protocols": {"seldon": {"image": "seldonio/sklearnserver", "defaultImageVersion": "1.18.0"}}}}},
     "predictorServers.SKLEARN_SERVER.protocols.seldon.defaultImageVersion"),
])
def test_bsl_versions_are_refused_without_acknowledgement(operator_error, values: dict, field: str) -> None:
    message = operator_error(values)
    assert field in message
    assert "Business Source License 1.1" in message and "license.acceptBusinessSourceLicense" in message
    assert "1.17.1" in message


def test_acknowledged_bsl_version_renders(operator) -> None:
    m = operator(ci_values("business-source-license"))
    assert container(m)["image"].startswith("registry.example.com/seldonio/seldon-core-operator@sha256:")


def test_default_and_older_versions_need_no_acknowledgement(operator) -> None:
    assert container(operator())["image"].endswith(":1.17.1")
    assert container(operator({"image": {"tag": "1.16.0"}}))["image"].endswith(":1.16.0")


def test_mlserver_tags_are_not_seldon_core_versions(operator) -> None:
    values = {"predictorServers": {"SKLEARN_SERVER": {"protocols": {"v2": {"image": "seldonio/mlserver", "defaultImageVersion": "1.6.1-sklearn"}}}}}
    assert operator(values).one("ConfigMap")

"""Bad berth-policies values are refused by `helm template` with a message naming the field (Helm 3 and 4)."""

from __future__ import annotations

import pytest

CASES = [
    ("misspelt-top-level", {"validationAction": ["Deny"]}, "validationAction"),
    ("unknown-action", {"validationActions": ["Reject"]}, "/validationActions/0"),
    ("deny-and-warn", {"validationActions": ["Deny", "Warn"]}, "/validationActions"),
    ("no-actions", {"validationActions": []}, "/validationActions"),
    ("policy-action", {"gpuAccess": {"validationActions": ["Block"]}}, "/gpuAccess/validationActions"),
    ("failure-policy", {"failurePolicy": "Deny"}, "/failurePolicy"),
    ("toggle-not-bool", {"hostAccess": {"enabled": "yes"}}, "/hostAccess/enabled"),
    ("misspelt-policy-key", {"podResources": {"enable": False}}, "enable"),
    ("name-prefix-not-dns", {"namePrefix": "Berth_Policies"}, "/namePrefix"),
    ("no-registries", {"imageRegistries": {"allowed": []}}, "/imageRegistries/allowed"),
    ("registry-without-host", {"imageRegistries": {"allowed": ["seldonio/"]}}, "/imageRegistries/allowed/0"),
    ("registry-with-scheme", {"imageRegistries": {"allowed": ["https://quay.io/"]}}, "/imageRegistries/allowed/0"),
    ("registry-with-comma", {"imageRegistries": {"allowed": ["quay.io/a,ghcr.io/"]}}, "/imageRegistries/allowed/0"),
    ("scheme-without-slashes", {"seldonDeployments": {"allowedModelUriSchemes": ["s3"]}}, "/seldonDeployments/allowedModelUriSchemes/0"),
    ("max-replicas-zero", {"seldonDeployments": {"maxReplicas": 0}}, "/seldonDeployments/maxReplicas"),
    ("max-replicas-string", {"seldonDeployments": {"maxReplicas": "ten"}}, "/seldonDeployments/maxReplicas"),
    ("negative-gpus", {"seldonDeployments": {"maxGpusPerPredictor": -1}}, "/seldonDeployments/maxGpusPerPredictor"),
    ("no-platform-group", {"platform": {"groups": []}}, "/platform/groups"),
    ("group-with-quote", {"platform": {"groups": ["it's-us"]}}, "/platform/groups/0"),
    ("sa-namespace-not-dns", {"platform": {"serviceAccountNamespaces": ["Berth System"]}}, "/platform/serviceAccountNamespaces/0"),
    ("tenant-label-unprotected", {"namespaceLabels": {"protectedLabels": ["berth.dev/gpu-access"]}}, "/namespaceLabels/protectedLabels"),
    ("label-key-invalid", {"namespaceLabels": {"protectedAnnotations": ["not a key"]}}, "/namespaceLabels/protectedAnnotations/0"),
]


@pytest.mark.parametrize(("values", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_value_is_refused_naming_the_field(policies_error, values: dict, field: str) -> None:
    message = policies_error(values)
    assert field in message, message

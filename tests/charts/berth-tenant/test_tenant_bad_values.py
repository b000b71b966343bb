"""Bad berth-tenant values are refused by `helm template` with a message naming the field."""

from __future__ import annotations

import pytest

BASE = {"tenant": "team-a"}

CASES = [
    ("tenant-missing", {}, "tenant"),
    ("tenant-not-dns", {"tenant": "Team_A"}, "/tenant"),
    ("tenant-system-namespace", {"tenant": "kube-system"}, "/tenant"),
    ("namespace-system", {**BASE, "namespace": "istio-system"}, "/namespace"),
    ("pod-security-privileged", {**BASE, "podSecurity": {"enforce": "privileged"}}, "/podSecurity/enforce"),
    ("pod-security-enum", {**BASE, "podSecurity": {"warn": "strict"}}, "/podSecurity/warn"),
    ("quota-cpu-quantity", {**BASE, "quota": {"requestsCpu": "eight"}}, "/quota/requestsCpu"),
    ("quota-memory-negative", {**BASE, "quota": {"limitsMemory": "-1Gi"}}, "/quota/limitsMemory"),
    ("quota-objects-negative", {**BASE, "quota": {"objects": {"pods": -1, "services": 1, "configmaps": 1, "secrets": 1,
                                                               "persistentvolumeclaims": 1, "seldondeployments": 1}}}, "/quota/objects/pods"),
    ("quota-misspelt", {**BASE, "quota": {"requestCpu": "1"}}, "requestCpu"),
    ("gpu-count-without-access", {**BASE, "gpu": {"count": 2}}, "gpu.count"),
    ("gpu-without-pools", {**BASE, "gpu": {"enabled": True, "count": 2}}, "gpu.pools"),
    ("gpu-max-above-total", {**BASE, "gpu": {"enabled": True, "count": 1, "pools": ["a100"], "maxPerContainer": 2}}, "gpu.maxPerContainer"),
    ("gpu-count-type", {**BASE, "gpu": {"enabled": True, "count": "2", "pools": ["a100"]}}, "/gpu/count"),
    ("group-system-authenticated", {**BASE, "groups": {"viewers": ["system:authenticated"]}}, "/groups/viewers/0"),
    ("group-system-unauthenticated", {**BASE, "groups": {"admins": ["system:unauthenticated"]}}, "/groups/admins/0"),
    ("group-not-a-list", {**BASE, "groups": {"developers": "team-a"}}, "/groups/developers"),
    ("claim-value-wildcard", {**BASE, "access": {"values": ["*"]}}, "/access/values/0"),
    ("issuer-http", {**BASE, "access": {"issuers": [{"issuer": "x", "jwksUri": "http://idp/jwks"}]}}, "/access/issuers/0/jwksUri"),
    ("storage-cidr", {**BASE, "network": {"storageEgress": [{"cidr": "s3.amazonaws.com", "ports": [443]}]}}, "/network/storageEgress/0/cidr"),
    ("metrics-port-range", {**BASE, "network": {"metricsPorts": [70000]}}, "/network/metricsPorts/0"),
    ("external-secret-without-store", {**BASE, "storage": {"externalSecret": {"enabled": True}}}, "storage.externalSecret.storeRef.name"),
    ("external-secret-type", {**BASE, "storage": {"externalSecret": {"enabled": True, "storeRef": {"name": "v"},
                              "remotes": [{"name": "s", "remote": "s3", "type": "ftp", "keys": {"a": "b"}}]}}}, "/storage/externalSecret/remotes/0/type"),
    ("service-account-name", {**BASE, "serviceAccounts": ["Models"]}, "/serviceAccounts/0"),
]


@pytest.mark.parametrize(("values", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_value_is_refused_naming_the_field(tenant_error, values: dict, field: str) -> None:
    message = tenant_error(values)
    assert field in message, message

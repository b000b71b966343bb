"""Bad values are refused by `helm template` with a message that names the field (Helm 3 and 4)."""

from __future__ import annotations

import pytest

CASES = [
    # (id, values, what the message must name)
    ("misspelt-top-level", {"replicaCount": 2}, "replicaCount"),
    ("misspelt-nested", {"manager": {"replcas": 2}}, "replcas"),
    ("replicas-string", {"manager": {"replicas": "two"}}, "/manager/replicas"),
    ("replicas-zero", {"manager": {"replicas": 0}}, "/manager/replicas"),
    ("log-level-enum", {"manager": {"logLevel": "verbose"}}, "/manager/logLevel"),
    ("lease-duration-type", {"manager": {"leaderElection": {"leaseDurationSeconds": "15s"}}}, "/manager/leaderElection/leaseDurationSeconds"),
    ("resources-quantity", {"manager": {"resources": {"limits": {"memory": "300 MB"}}}}, "/manager/resources/limits/memory"),
    ("resources-unknown-key", {"manager": {"resources": {"limit": {"cpu": "1"}}}}, "limit"),
    ("probe-unknown-key", {"manager": {"livenessProbe": {"httpGet": {"path": "/metrics", "port": 8080}, "periodSecond": 5}}}, "periodSecond"),
    ("tolerations-type", {"manager": {"tolerations": {"key": "x"}}}, "/manager/tolerations"),
    ("node-selector-values-strings", {"manager": {"nodeSelector": {"gpu": True}}}, "/manager/nodeSelector/gpu"),
    ("pdb-percent-pattern", {"podDisruptionBudget": {"maxUnavailable": "half"}}, "/podDisruptionBudget/maxUnavailable"),
    ("host-network-type", {"hostNetwork": "yes"}, "/hostNetwork"),
    ("webhook-port-range", {"ports": {"webhook": 70000}}, "/ports/webhook"),
    ("metrics-port-type", {"ports": {"metrics": "8080"}}, "/ports/metrics"),
    ("image-digest-pattern", {"image": {"digest": "sha256:abc"}}, "/image/digest"),
    ("image-pull-policy-enum", {"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
    ("image-tag-type", {"image": {"tag": 1.17}}, "/image/tag"),
    ("pull-secrets-shape", {"imagePullSecrets": [{"name": "creds"}]}, "/imagePullSecrets/0"),
    ("watch-scope-enum", {"watch": {"scope": "cluster-wide"}}, "/watch/scope"),
    ("watch-namespace-dns", {"watch": {"scope": "namespace", "namespace": "Team_A"}}, "/watch/namespace"),
    ("controller-id-label-value", {"watch": {"controllerId": "shard a"}}, "/watch/controllerId"),
    ("service-account-name-dns", {"serviceAccount": {"name": "Seldon Manager"}}, "/serviceAccount/name"),
    ("fullname-override-dns", {"fullnameOverride": "Berth_Operator"}, "/fullnameOverride"),
    ("istio-tls-mode-enum", {"istio": {"tlsMode": "STRICT"}}, "/istio/tlsMode"),
    ("istio-gateway-namespace-name", {"istio": {"gateway": "berth-gateway"}}, "/istio/gateway"),
    ("keda-enabled-type", {"keda": {"enabled": "true"}}, "/keda/enabled"),
    ("webhook-failure-policy-enum", {"webhook": {"failurePolicy": "Retry"}}, "/webhook/failurePolicy"),
    ("webhook-timeout-range", {"webhook": {"timeoutSeconds": 60}}, "/webhook/timeoutSeconds"),
    ("webhook-selector-operator", {"webhook": {"namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "Equals"}]}}},
     "/webhook/namespaceSelector/matchExpressions/0/operator"),
    ("certificate-source-enum", {"webhook": {"certificate": {"source": "vault"}}}, "/webhook/certificate/source"),
    ("issuer-kind-enum", {"webhook": {"certificate": {"issuerRef": {"kind": "Vault"}}}}, "/webhook/certificate/issuerRef/kind"),
    ("certificate-generation-zero", {"webhook": {"certificate": {"generation": 0}}}, "/webhook/certificate/generation"),
    ("certificate-duration", {"webhook": {"certificate": {"duration": "1 year"}}}, "/webhook/certificate/duration"),
    ("service-monitor-interval", {"metrics": {"serviceMonitor": {"interval": 30}}}, "/metrics/serviceMonitor/interval"),
    ("service-monitor-labels-strings", {"metrics": {"serviceMonitor": {"labels": {"release": None, "tier": 1}}}}, "/metrics/serviceMonitor/labels/tier"),
    ("network-policy-peer-unknown", {"networkPolicy": {"metricsFrom": [{"namespace": "monitoring"}]}}, "namespace"),
    ("server-name-pattern", {"predictorServers": {"sklearn": {"protocols": {"v2": {"image": "a/b", "defaultImageVersion": "1"}}}}}, "sklearn"),
    ("server-protocol-enum", {"predictorServers": {"MY_SERVER": {"protocols": {"rest": {"image": "a/b", "defaultImageVersion": "1"}}}}}, "rest"),
    ("server-missing-version", {"predictorServers": {"MY_SERVER": {"protocols": {"v2": {"image": "a/b"}}}}}, "defaultImageVersion"),
    ("executor-resources-incomplete", {"executor": {"resources": {"requests": {"cpu": None}}}}, "/executor/resources/requests"),
    ("request-logger-url", {"executor": {"requestLogger": {"defaultEndpoint": "default-broker"}}}, "/executor/requestLogger/defaultEndpoint"),
    ("extra-env-misspelt", {"manager": {"extraEnv": [{"name": "HTTP_PROXY", "valu": "http://proxy:3128"}]}}, "valu"),
    ("extra-env-value-type", {"manager": {"extraEnv": [{"name": "WORKERS", "value": 4}]}}, "/manager/extraEnv/0/value"),
    ("license-type", {"license": {"acceptBusinessSourceLicense": "yes"}}, "/license/acceptBusinessSourceLicense"),
]


@pytest.mark.parametrize(("values", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_value_is_refused_naming_the_field(operator_error, values: dict, field: str) -> None:
    message = operator_error(values)
    assert field in message, message

"""The validating webhook: selectors per scope, policy knobs, and where its certificate comes from."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509

from operator_chart import NAMESPACE, ci_values

VERSIONS = ("v1", "v1alpha2", "v1alpha3")


def webhook_config(m) -> dict:
    return m.one("ValidatingWebhookConfiguration")


def test_one_webhook_per_served_version_through_the_webhook_service(operator) -> None:
    m = operator()
    hooks = webhook_config(m)["webhooks"]
    assert [h["name"] for h in hooks] == [f"{v}.vseldondeployment.kb.io" for v in VERSIONS]
    service = m.get("Service", "berth-operator-webhook", NAMESPACE)
    for version, hook in zip(VERSIONS, hooks):
        assert hook["rules"][0]["apiVersions"] == [version]
        assert hook["rules"][0]["operations"] == ["CREATE", "UPDATE"]
        assert hook["clientConfig"]["service"] == {
            "name": service["metadata"]["name"], "namespace": NAMESPACE,
            "path": f"/validate-machinelearning-seldon-io-{version}-seldondeployment", "port": 443}
        assert hook["failurePolicy"] == "Fail" and hook["sideEffects"] == "None"


@pytest.mark.parametrize("kube_version", ["v1.34.6-eks-ab12cd3", "v1.33.5-gke.1000"])
def test_selectors_render_on_provider_kube_versions(operator, kube_version: str) -> None:
    values = ci_values("sharded-ha")
    values["webhook"]["namespaceSelector"] = {"matchLabels": {"berth.dev/tenant": "true"}}
    for hook in webhook_config(operator(values, kube_version=kube_version))["webhooks"]:
        assert hook["namespaceSelector"] == {
            "matchExpressions": [{"key": "seldon.io/controller-id", "operator": "In", "values": ["shard-a"]}],
            "matchLabels": {"berth.dev/tenant": "true"}}
        assert hook["objectSelector"] == values["webhook"]["objectSelector"]


def test_namespace_selector_follows_the_watch_scope(operator) -> None:
    cluster = webhook_config(operator())["webhooks"][0]["namespaceSelector"]
    assert cluster == {"matchExpressions": [{"key": "seldon.io/controller-id", "operator": "DoesNotExist"}]}
    single = webhook_config(operator(ci_values("namespace-scope")))["webhooks"][0]["namespaceSelector"]
    assert single == {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["team-a"]}]}


def test_failure_policy_and_timeout(operator) -> None:
    for hook in webhook_config(operator(ci_values("eks-calico")))["webhooks"]:
        assert hook["failurePolicy"] == "Ignore" and hook["timeoutSeconds"] == 5


def test_helm_generated_certificate_is_signed_by_the_ca_bundle_for_the_service_name(operator) -> None:
    m = operator()
    secret = m.get("Secret", "berth-operator-webhook-cert", NAMESPACE)
    assert secret["type"] == "kubernetes.io/tls"
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    # upgrades reuse the Secret while this matches webhook.certificate.generation (tested on a real API server
    # in tests/controlplane/test_operator_on_a_cluster.py)
    assert secret["metadata"]["annotations"]["berth.dev/certificate-generation"] == "1"
    assert operator({"webhook": {"certificate": {"generation": 3}}}).get("Secret", "berth-operator-webhook-cert", NAMESPACE)[
        "metadata"]["annotations"]["berth.dev/certificate-generation"] == "3"
    for hook in webhook_config(m)["webhooks"]:
        assert hook["clientConfig"]["caBundle"] == secret["data"]["ca.crt"]
    ca = x509.load_pem_x509_certificate(base64.b64decode(secret["data"]["ca.crt"]))
    leaf = x509.load_pem_x509_certificate(base64.b64decode(secret["data"]["tls.crt"]))
    leaf.verify_directly_issued_by(ca)
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert f"berth-operator-webhook.{NAMESPACE}.svc" in names
    assert (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days >= 3649


def test_cert_manager_self_signed_issuer(operator) -> None:
    m = operator(ci_values("cert-manager-monitoring"))
    assert m.find("Secret", "berth-operator-webhook-cert", NAMESPACE) is None, "cert-manager owns the Secret"
    issuer = m.one("Issuer")
    assert issuer["spec"] == {"selfSigned": {}}
    cert = m.one("Certificate")
    assert cert["spec"]["secretName"] == "berth-operator-webhook-cert"
    assert cert["spec"]["issuerRef"] == {"name": issuer["metadata"]["name"], "kind": "Issuer", "group": "cert-manager.io"}
    assert f"berth-operator-webhook.{NAMESPACE}.svc" in cert["spec"]["dnsNames"]
    config = webhook_config(m)
    assert config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"] == f"{NAMESPACE}/{cert['metadata']['name']}"
    assert all("caBundle" not in h["clientConfig"] for h in config["webhooks"])


def test_cert_manager_external_issuer(operator) -> None:
    m = operator(ci_values("cert-manager-issuer"))
    assert m.of_kind("Issuer") == []
    cert = m.one("Certificate")
    assert cert["spec"]["issuerRef"] == {"name": "internal-ca", "kind": "ClusterIssuer", "group": "cert-manager.io"}
    assert cert["spec"]["duration"] == "2160h" and cert["spec"]["renewBefore"] == "360h"


def test_two_installs_do_not_share_a_webhook_configuration(operator) -> None:
    first = webhook_config(operator(namespace="seldon-a"))["metadata"]["name"]
    second = webhook_config(operator(namespace="seldon-b"))["metadata"]["name"]
    assert first != second

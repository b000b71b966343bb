"""The Gateway itself: HTTPS only, TLS floor, certificates, the link to berth-operator, Gateway API mode."""

from __future__ import annotations

import pytest
import yaml

from gateway_chart import NAMESPACE, ci_values

OPERATOR_VALUES = __import__("pathlib").Path(__file__).parents[3] / "charts" / "berth-operator" / "values.yaml"


def servers(m) -> dict[str, dict]:
    gw = m.get("Gateway", "berth-gateway", NAMESPACE)
    return {s["port"]["name"]: s for s in gw["spec"]["servers"]}


def test_https_only_and_http_never_serves_content(gateway) -> None:
    s = servers(gateway())
    assert set(s) == {"https", "http"}
    assert s["https"]["port"] == {"number": 443, "name": "https", "protocol": "HTTPS"}
    assert s["https"]["tls"] == {"mode": "SIMPLE", "credentialName": "berth-gateway-tls", "minProtocolVersion": "TLSV1_2"}
    assert s["http"]["tls"] == {"httpsRedirect": True}, "port 80 only redirects"
    assert s["http"]["hosts"] == s["https"]["hosts"] == ["models.example.com"]


def test_tls_floor_hosts_and_selector_are_configurable(gateway) -> None:
    values = ci_values("jwt-ratelimit")
    s = servers(gateway(values))
    assert s["https"]["tls"]["minProtocolVersion"] == "TLSV1_3"
    assert s["https"]["hosts"] == values["hosts"]
    # Helm merges maps: null removes the default label
    gw = gateway({"gateway": {"selector": {"istio": None, "app": "edge"}}}).get("Gateway", "berth-gateway", NAMESPACE)
    assert gw["spec"]["selector"] == {"app": "edge"}


def test_cert_manager_certificate_covers_every_host(gateway) -> None:
    values = ci_values("jwt-ratelimit")
    cert = gateway(values).one("Certificate")
    assert cert["metadata"]["namespace"] == NAMESPACE, "Istio reads credentialName from the gateway's namespace"
    assert cert["spec"]["secretName"] == "berth-gateway-tls"
    assert cert["spec"]["dnsNames"] == values["hosts"]
    assert cert["spec"]["issuerRef"] == {"name": "internal-ca", "kind": "ClusterIssuer", "group": "cert-manager.io"}
    assert gateway().of_kind("Certificate") == []


def test_operator_default_points_at_this_gateway(gateway) -> None:
    """berth-operator's istio.gateway default names the Gateway this chart renders by default."""
    operator_gateway = yaml.safe_load(OPERATOR_VALUES.read_text())["istio"]["gateway"]
    gw = gateway().one("Gateway")
    assert operator_gateway == f"{NAMESPACE}/{gw['metadata']['name']}"


def test_gateway_api_mode(gateway) -> None:
    m = gateway(ci_values("gateway-api"))
    assert m.find("Gateway", "berth-gateway", NAMESPACE)["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert not [g for g in m.of_kind("Gateway") if g["apiVersion"].startswith("networking.istio.io")]
    listeners = {l["name"]: l for l in m.one("Gateway")["spec"]["listeners"]}
    assert listeners["http"]["allowedRoutes"] == {"namespaces": {"from": "Same"}}, "only the redirect attaches to port 80"
    https = listeners["https-0"]
    assert https["tls"]["certificateRefs"] == [{"kind": "Secret", "group": "", "name": "berth-gateway-tls", "namespace": "certificates"}]
    assert https["allowedRoutes"]["namespaces"] == {"from": "Selector", "selector": {"matchLabels": {"berth.dev/tenant": "true"}}}
    redirect = m.get("HTTPRoute", "berth-gateway-https-redirect", NAMESPACE)
    assert redirect["spec"]["parentRefs"] == [{"name": "berth-gateway", "sectionName": "http"}]
    assert redirect["spec"]["rules"] == [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}]}]
    grant = m.one("ReferenceGrant")
    assert grant["metadata"]["namespace"] == "certificates"
    assert grant["spec"]["to"] == [{"group": "", "kind": "Secret", "name": "berth-gateway-tls"}]
    assert grant["spec"]["from"] == [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": NAMESPACE}]


def test_no_reference_grant_when_the_secret_is_local(gateway) -> None:
    values = ci_values("gateway-api")
    values["gatewayAPI"]["certificateNamespace"] = ""
    assert gateway(values).of_kind("ReferenceGrant") == []

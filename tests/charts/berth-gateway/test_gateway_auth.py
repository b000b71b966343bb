"""Nothing reaches a model without a verified identity: JWT issuers, deny-by-default, identity headers,
browser login, and strict mTLS."""

from __future__ import annotations

import pytest
import yaml

from berth.authz import Request, policy_applies
from gateway_chart import NAMESPACE, ci_values

MODEL_PATH = "/seldon/team-a/iris/api/v1.0/predictions"


def deny_policy(m) -> dict:
    (policy,) = [p for p in m.of_kind("AuthorizationPolicy") if p["spec"]["action"] == "DENY"]
    return policy


def test_every_seldon_route_requires_a_verified_jwt(gateway) -> None:
    for ci in ("default", "jwt-ratelimit", "browser-login", "gateway-api"):
        policy = deny_policy(gateway(ci_values(ci)))
        for path in (MODEL_PATH, "/seldon/team-b/x/v2/models/x/infer", "/seldon/", "/"):
            anonymous = Request(path, headers={"authorization": "Bearer forged"})
            assert policy_applies(policy, anonymous), f"{ci}: {path} reachable without a verified JWT"
            assert not policy_applies(policy, Request(path, principal="https://idp/sub", headers={"authorization": "Bearer ok"}))


def test_public_paths_are_exactly_the_configured_ones(gateway) -> None:
    values = ci_values("jwt-ratelimit")
    policy = deny_policy(gateway(values))
    assert policy["spec"]["rules"][0]["to"][0]["operation"]["notPaths"] == values["authorization"]["publicPaths"]
    for path in ("/healthz/ready", "/docs/index.html"):
        assert not policy_applies(policy, Request(path)), f"{path} is configured public"
    for path in ("/healthz/ready/../../seldon/x", "/healthz", "/doc", MODEL_PATH):
        assert policy_applies(policy, Request(path)), f"{path} is not configured public"
    # browser login adds only oauth2-proxy's own prefix
    browser = deny_policy(gateway(ci_values("browser-login")))
    assert browser["spec"]["rules"][0]["to"][0]["operation"]["notPaths"] == ["/healthz/ready", "/oauth2/*"]


def test_without_issuers_everything_but_public_paths_is_refused(gateway) -> None:
    m = gateway()
    assert m.of_kind("RequestAuthentication") == []
    assert policy_applies(deny_policy(m), Request(MODEL_PATH, headers={"authorization": "Bearer x"}))


def test_one_request_authentication_per_issuer_on_the_gateway(gateway) -> None:
    values = ci_values("jwt-ratelimit")
    m = gateway(values)
    rules = {ra["metadata"]["name"]: ra for ra in m.of_kind("RequestAuthentication")}
    assert set(rules) == {"berth-gateway-jwt-corp", "berth-gateway-jwt-ci"}
    corp = rules["berth-gateway-jwt-corp"]
    assert corp["spec"]["selector"] == {"matchLabels": {"istio": "ingress"}}
    (rule,) = corp["spec"]["jwtRules"]
    assert rule["issuer"] == "https://login.example.com/realms/corp" and rule["audiences"] == ["berth"]
    assert rule["jwksUri"].endswith("/certs") and "jwks" not in rule
    assert rule["forwardOriginalToken"] is False
    (ci_rule,) = rules["berth-gateway-jwt-ci"]["spec"]["jwtRules"]
    assert "jwks" in ci_rule and "jwksUri" not in ci_rule and ci_rule["forwardOriginalToken"] is True
    assert ci_rule["fromHeaders"] == [{"name": "X-Ci-Token"}]
    for r in (rule, ci_rule):
        assert r["outputClaimToHeaders"] == [{"header": "x-berth-user", "claim": "sub"}, {"header": "x-berth-groups", "claim": "groups"}]


def test_identity_headers_are_removed_before_jwt_claims_are_copied(gateway) -> None:
    """Overwritten, not appended: the first filter on the gateway drops caller-supplied identity headers."""
    m = gateway(ci_values("jwt-ratelimit"))
    strip = m.get("EnvoyFilter", "berth-gateway-identity-headers", NAMESPACE)
    assert strip["spec"]["workloadSelector"]["labels"] == {"istio": "ingress"}
    (patch,) = strip["spec"]["configPatches"]
    assert patch["applyTo"] == "HTTP_FILTER" and patch["match"]["context"] == "GATEWAY"
    assert patch["patch"]["operation"] == "INSERT_FIRST", "must run before jwt_authn and every other filter"
    lua = patch["patch"]["value"]["typed_config"]["default_source_code"]["inline_string"]
    claim_headers = {h["header"] for ra in m.of_kind("RequestAuthentication")
                     for r in ra["spec"]["jwtRules"] for h in r["outputClaimToHeaders"]}
    for header in claim_headers:
        assert f'headers:remove("{header}")' in lua
    assert "function envoy_on_request" in lua


def test_browser_login_only_sees_requests_without_authorization(gateway) -> None:
    m = gateway(ci_values("browser-login"))
    (custom,) = [p for p in m.of_kind("AuthorizationPolicy") if p["spec"]["action"] == "CUSTOM"]
    assert custom["spec"]["provider"] == {"name": "berth-oauth2-proxy"}
    browser = Request(MODEL_PATH)
    machine = Request(MODEL_PATH, headers={"authorization": "Bearer eyJ"})
    assert policy_applies(custom, browser) and not policy_applies(custom, machine), "machine clients never see a redirect"
    assert not policy_applies(custom, Request("/oauth2/callback")), "the login callback itself is not sent to login"
    deny = deny_policy(m)
    assert policy_applies(deny, machine), "a bearer token that does not verify is refused"
    assert not policy_applies(deny, browser), "browser requests are left to oauth2-proxy"
    # the provider the policy names is the one the rendered istiod values register
    istiod = m.get("ConfigMap", "berth-gateway-istiod-values", NAMESPACE)["data"]["istiod-values.yaml"]

    (provider,) = yaml.safe_load(istiod)["meshConfig"]["extensionProviders"]
    assert provider["name"] == custom["spec"]["provider"]["name"]
    assert provider["envoyExtAuthzHttp"]["service"] == f"berth-gateway-oauth2-proxy.{NAMESPACE}.svc.cluster.local"
    assert "authorization" in provider["envoyExtAuthzHttp"]["headersToUpstreamOnAllow"]


def test_oauth2_proxy_secrets_come_from_a_secret_reference(gateway) -> None:
    m = gateway(ci_values("browser-login"))
    deploy = m.get("Deployment", "berth-gateway-oauth2-proxy", NAMESPACE)
    container = deploy["spec"]["template"]["spec"]["containers"][0]
    assert "env" not in container, "secrets are mounted as files, never passed in the environment"
    volume = {v["name"]: v for v in deploy["spec"]["template"]["spec"]["volumes"]}["secrets"]["secret"]
    assert volume["secretName"] == "berth-oauth2-proxy"
    assert volume["items"] == [{"key": "client-secret", "path": "client-secret"}, {"key": "cookie-secret", "path": "cookie-secret"}]
    assert "--client-secret-file=/etc/oauth2-proxy/secrets/client-secret" in container["args"]
    assert "--cookie-secret-file=/etc/oauth2-proxy/secrets/cookie-secret" in container["args"]
    assert not any(a.startswith(("--client-secret=", "--cookie-secret=")) for a in container["args"])
    assert container["image"] == "quay.io/oauth2-proxy/oauth2-proxy:v7.8.1"
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] and sc["runAsNonRoot"] and sc["capabilities"] == {"drop": ["ALL"]}
    assert m.get("PodDisruptionBudget", "berth-gateway-oauth2-proxy", NAMESPACE)["spec"]["maxUnavailable"] == 1
    policy = m.get("NetworkPolicy", "berth-gateway-oauth2-proxy", NAMESPACE)
    assert policy["spec"]["ingress"][0]["from"] == [{"podSelector": {"matchLabels": {"istio": "ingress"}}}]


def test_strict_mtls_mesh_wide_with_port_exemptions(gateway) -> None:
    m = gateway(ci_values("jwt-ratelimit"))
    mesh = m.get("PeerAuthentication", "default", "istio-system")
    assert mesh["spec"] == {"mtls": {"mode": "STRICT"}}
    legacy = m.get("PeerAuthentication", "legacy-scorer-metrics", "team-a")
    assert legacy["spec"]["selector"] == {"matchLabels": {"app": "legacy-scorer"}}
    assert legacy["spec"]["mtls"] == {"mode": "STRICT"}
    assert legacy["spec"]["portLevelMtls"] == {9090: {"mode": "PERMISSIVE"}}
    assert gateway({"mtls": {"strict": False}}).of_kind("PeerAuthentication") == []


def test_gateway_api_mode_attaches_policies_to_the_gateway(gateway) -> None:
    m = gateway(ci_values("gateway-api"))
    target = [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "berth-gateway"}]
    for kind in ("RequestAuthentication", "AuthorizationPolicy"):
        for policy in m.of_kind(kind):
            assert policy["spec"]["targetRefs"] == target and "selector" not in policy["spec"]
    for ef in m.of_kind("EnvoyFilter"):
        assert ef["spec"]["workloadSelector"]["labels"] == {"gateway.networking.k8s.io/gateway-name": "berth-gateway"}


def test_checked_in_istiod_values_match_the_default_install(gateway) -> None:
    """overlays/istio/istiod-oauth2-proxy-values.yaml is the rendered istiod values for the default install."""
    from pathlib import Path

    m = gateway(ci_values("browser-login"), release="berth-gateway")
    rendered = yaml.safe_load(m.get("ConfigMap", "berth-gateway-istiod-values", NAMESPACE)["data"]["istiod-values.yaml"])
    checked_in = Path(__file__).parents[3] / "overlays" / "istio" / "istiod-oauth2-proxy-values.yaml"
    assert yaml.safe_load(checked_in.read_text()) == rendered

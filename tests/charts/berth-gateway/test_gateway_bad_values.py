"""Bad berth-gateway values are refused by `helm template` with a message naming the field (Helm 3 and 4)."""

from __future__ import annotations

import pytest

ISSUER = {"name": "corp", "issuer": "https://idp.example.com", "jwksUri": "https://idp.example.com/jwks"}

CASES = [
    ("issuer-without-keys", {"jwt": {"issuers": [{"name": "corp", "issuer": "https://idp.example.com"}]}}, "/jwt/issuers/0"),
    ("issuer-with-both-keys", {"jwt": {"issuers": [{**ISSUER, "jwks": "{}"}]}}, "/jwt/issuers/0"),
    ("duplicate-issuers", {"jwt": {"issuers": [ISSUER, {**ISSUER, "name": "corp2"}]}}, "jwt.issuers[1].issuer"),
    ("duplicate-issuer-names", {"jwt": {"issuers": [ISSUER, {**ISSUER, "issuer": "https://other"}]}}, "jwt.issuers[1].name"),
    ("jwks-uri-not-https", {"jwt": {"issuers": [{**ISSUER, "jwksUri": "http://idp/jwks"}]}}, "/jwt/issuers/0/jwksUri"),
    ("issuer-misspelt-key", {"jwt": {"issuers": [{**ISSUER, "audience": ["x"]}]}}, "audience"),
    ("host-not-dns", {"hosts": ["models_example"]}, "/hosts/0"),
    ("host-with-scheme", {"hosts": ["https://models.example.com"]}, "/hosts/0"),
    ("no-hosts", {"hosts": []}, "/hosts"),
    ("tls-below-1.2", {"tls": {"minProtocolVersion": "TLSV1_1"}}, "/tls/minProtocolVersion"),
    ("tls13-with-gateway-api", {"gateway": {"enabled": False}, "gatewayAPI": {"enabled": True}, "tls": {"minProtocolVersion": "TLSV1_3"}},
     "tls.minProtocolVersion"),
    ("issuer-kind-enum", {"tls": {"certManager": {"issuerRef": {"name": "x", "kind": "Vault"}}}}, "/tls/certManager/issuerRef/kind"),
    ("rate-limit-zero", {"rateLimit": {"tokensPerFill": 0}}, "/rateLimit/tokensPerFill"),
    ("rate-limit-negative", {"rateLimit": {"maxTokens": -5}}, "/rateLimit/maxTokens"),
    ("rate-limit-bucket-too-small", {"rateLimit": {"tokensPerFill": 100, "maxTokens": 50}}, "rateLimit.maxTokens"),
    ("rate-limit-interval", {"rateLimit": {"fillInterval": "1 second"}}, "/rateLimit/fillInterval"),
    ("override-zero", {"rateLimit": {"overrides": [{"name": "a", "pathPrefix": "/seldon/a/", "tokensPerFill": 0, "maxTokens": 1, "fillInterval": "1s"}]}},
     "/rateLimit/overrides/0/tokensPerFill"),
    ("override-prefix-and-host", {"rateLimit": {"overrides": [{"name": "a", "pathPrefix": "/seldon/a/", "host": "a.example.com",
                                                              "tokensPerFill": 1, "maxTokens": 1, "fillInterval": "1s"}]}}, "/rateLimit/overrides/0"),
    ("oauth2-proxy-without-secret", {"browserLogin": {"enabled": True, "oidcIssuerUrl": "https://idp.example.com", "clientId": "ui"}},
     "/browserLogin/existingSecret"),
    ("oauth2-proxy-without-issuer", {"browserLogin": {"enabled": True, "existingSecret": "s", "clientId": "ui"}}, "/browserLogin/oidcIssuerUrl"),
    ("both-gateway-modes", {"gatewayAPI": {"enabled": True}}, "gateway.enabled and gatewayAPI.enabled"),
    ("no-gateway-mode", {"gateway": {"enabled": False}}, "gateway.enabled and gatewayAPI.enabled"),
    ("public-path-relative", {"authorization": {"publicPaths": ["healthz"]}}, "/authorization/publicPaths/0"),
    ("claim-header-uppercase", {"jwt": {"claimHeaders": [{"header": "X-User", "claim": "sub"}]}}, "/jwt/claimHeaders/0/header"),
    ("mtls-exemption-port", {"mtls": {"exemptions": [{"name": "a", "namespace": "b", "selector": {"app": "a"}, "ports": [0]}]}},
     "/mtls/exemptions/0/ports/0"),
    ("misspelt-top-level", {"gatway": {}}, "gatway"),
]


@pytest.mark.parametrize(("values", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_value_is_refused_naming_the_field(gateway_error, values: dict, field: str) -> None:
    message = gateway_error(values)
    assert field in message, message

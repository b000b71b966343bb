"""Local rate limits: a default bucket, tenant overrides by path prefix or host, 429 with a marker header."""

from __future__ import annotations

from gateway_chart import NAMESPACE, ci_values


def patches(m) -> dict[str, dict]:
    ef = m.get("EnvoyFilter", "berth-gateway-ratelimit", NAMESPACE)
    return {p["applyTo"]: p for p in ef["spec"]["configPatches"]}


def test_default_bucket_and_429_marker(gateway) -> None:
    p = patches(gateway())
    assert set(p) == {"HTTP_FILTER"}, "no overrides, no route descriptors"
    config = p["HTTP_FILTER"]["patch"]["value"]["typed_config"]
    assert p["HTTP_FILTER"]["patch"]["value"]["name"] == "envoy.filters.http.local_ratelimit"
    assert p["HTTP_FILTER"]["match"]["listener"]["filterChain"]["filter"]["subFilter"]["name"] == "envoy.filters.http.router"
    assert config["token_bucket"] == {"max_tokens": 200, "tokens_per_fill": 100, "fill_interval": "1s"}
    assert config["filter_enforced"]["default_value"] == {"numerator": 100, "denominator": "HUNDRED"}
    assert config["response_headers_to_add"] == [{"append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
                                                  "header": {"key": "x-berth-ratelimited", "value": "true"}}]
    assert "descriptors" not in config


def descriptor_for(m, path: str, host: str) -> list[str]:
    """The tenant descriptors Envoy would generate for a request (header_value_match semantics)."""
    found = []
    for limit in patches(m)["VIRTUAL_HOST"]["patch"]["value"]["rate_limits"]:
        (action,) = limit["actions"]
        match = action["header_value_match"]
        (header,) = match["headers"]
        value = {":path": path, ":authority": host}[header["name"]]
        sm = header["string_match"]
        if ("prefix" in sm and value.startswith(sm["prefix"])) or ("exact" in sm and value == sm["exact"]):
            assert match["descriptor_key"] == "berth_tenant"
            found.append(match["descriptor_value"])
    return found


def test_overrides_apply_to_their_prefix_or_host_only(gateway) -> None:
    m = gateway(ci_values("jwt-ratelimit"))
    config = patches(m)["HTTP_FILTER"]["patch"]["value"]["typed_config"]
    buckets = {d["entries"][0]["value"]: d["token_bucket"] for d in config["descriptors"]}
    assert buckets == {"team-a": {"max_tokens": 1000, "tokens_per_fill": 500, "fill_interval": "1s"},
                       "partner": {"max_tokens": 10, "tokens_per_fill": 10, "fill_interval": "1s"}}
    assert config["always_consume_default_token_bucket"] is False, "an override replaces the default bucket"
    assert descriptor_for(m, "/seldon/team-a/iris/api/v1.0/predictions", "models.example.com") == ["team-a"]
    assert descriptor_for(m, "/seldon/team-ab/iris/api/v1.0/predictions", "models.example.com") == []
    assert descriptor_for(m, "/seldon/team-b/x", "models.example.com") == []
    assert descriptor_for(m, "/seldon/team-b/x", "partner.models.example.com") == ["partner"]


def test_rate_limit_can_be_turned_off(gateway) -> None:
    assert gateway({"rateLimit": {"enabled": False}}).find("EnvoyFilter", "berth-gateway-ratelimit", NAMESPACE) is None

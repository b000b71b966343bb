"""The platform overlays (overlays/platform/{base,dev,staging,prod}): Kustomize inflates the Berth charts
with Helm (helmCharts, local chartHome), under Helm 3 and Helm 4.

Every build is validated (Kubernetes schemas 1.30–1.37, CRD schemas) and checkov-scanned, and each
environment is checked for what it is meant to change.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import pytest
import yaml

from berth.config import CHARTS_DIR, HELM_MAJORS, REPO_ROOT
from berth.manifest import Manifest
from berth.render import build_overlay, ensure_dependencies
from berth.testing import RENDER_LOG
from berth.validate import validate_manifest

PLATFORM = REPO_ROOT / "overlays" / "platform"
ENVIRONMENTS = ("dev", "staging", "prod")
OPERATOR_NS, GATEWAY_NS = "seldon-system", "istio-ingress"
HOSTS = {
    "dev": ["models.dev.example.com"],
    "staging": ["models.staging.example.com"],
    "prod": ["models.example.com"],
}
CHART_RATE_LIMIT = yaml.safe_load((CHARTS_DIR / "berth-gateway" / "values.yaml").read_text())["rateLimit"]


def kustomization(env: str) -> dict:
    return yaml.safe_load((PLATFORM / env / "kustomization.yaml").read_text())


@functools.cache
def build(env: str, helm: int) -> Manifest:
    """`kustomize build` of one overlay, validated and recorded for checkov (once per session)."""
    for chart in kustomization(env)["helmCharts"]:
        ensure_dependencies(CHARTS_DIR / chart["name"], helm)
    manifest = build_overlay(PLATFORM / env, helm=helm)
    validate_manifest(manifest).raise_for_problems()
    RENDER_LOG.record(manifest)
    return manifest


@pytest.fixture
def overlay(helm: int):
    """overlay(env) -> the validated build of overlays/platform/<env> under the `helm` major."""
    return lambda env: build(env, helm)


def token_buckets(manifest: Manifest) -> tuple[dict, dict[str, dict]]:
    """The gateway's default token bucket and the per-tenant ones (descriptor value -> bucket)."""
    envoy_filter = manifest.get("EnvoyFilter", "berth-gateway-ratelimit", GATEWAY_NS)
    config = envoy_filter["spec"]["configPatches"][0]["patch"]["value"]["typed_config"]
    tenants = {d["entries"][0]["value"]: d["token_bucket"] for d in config.get("descriptors", [])}
    return config["token_bucket"], tenants


def pod_labels(deployment: dict) -> dict:
    return deployment["spec"]["template"]["metadata"]["labels"]


def selects(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector["matchLabels"].items())


# --- every overlay ----------------------------------------------------------------------------

@pytest.mark.parametrize("env", ("base",) + ENVIRONMENTS)
def test_overlay_builds_validates_and_passes_checkov(overlay, env: str) -> None:
    manifest = overlay(env)
    assert not manifest.warnings, manifest.warnings
    [result] = RENDER_LOG.scan([manifest])
    assert not result.failed, "\n".join(map(str, result.failed))
    assert {"CustomResourceDefinition", "Deployment", "ValidatingWebhookConfiguration", "Gateway",
            "Certificate", "EnvoyFilter", "AuthorizationPolicy"} <= set(manifest.kinds())


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_keeps_the_webhook_failing_closed(overlay, env: str) -> None:
    manifest = overlay(env)
    webhook = manifest.one("ValidatingWebhookConfiguration")
    assert webhook["webhooks"] and {w["failurePolicy"] for w in webhook["webhooks"]} == {"Fail"}
    # cert-manager issues the webhook certificate: `helm template` cannot reuse a Helm-generated CA, so
    # that source would rotate it on every build.
    assert webhook["metadata"]["annotations"]["cert-manager.io/inject-ca-from"] == f"{OPERATOR_NS}/berth-operator-webhook-cert"
    assert not [s for s in manifest.of_kind("Secret") if s.get("type") == "kubernetes.io/tls"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_enforces_the_tenant_guardrails(overlay, env: str) -> None:
    manifest = overlay(env)
    policies = manifest.of_kind("ValidatingAdmissionPolicy")
    bindings = manifest.of_kind("ValidatingAdmissionPolicyBinding")
    assert policies and len(bindings) >= len(policies)
    assert {p["spec"]["failurePolicy"] for p in policies} == {"Fail"}
    assert all("Deny" in b["spec"]["validationActions"] for b in bindings)
    manifest.get("ConfigMap", "berth-allowed-registries", "berth-system")  # the image-registry policy's parameter


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_serves_its_hosts_with_a_cluster_issued_certificate(overlay, env: str) -> None:
    manifest = overlay(env)
    gateway = manifest.get("Gateway", "berth-gateway", GATEWAY_NS)
    https = [s for s in gateway["spec"]["servers"] if s["port"]["protocol"] == "HTTPS"]
    assert https and all(s["hosts"] == HOSTS[env] for s in https)
    secret = https[0]["tls"]["credentialName"]
    certificate = manifest.get("Certificate", secret, GATEWAY_NS)
    assert certificate["spec"]["secretName"] == secret
    assert certificate["spec"]["dnsNames"] == HOSTS[env]
    assert certificate["spec"]["issuerRef"]["kind"] == "ClusterIssuer"
    issuer = certificate["spec"]["issuerRef"]["name"]
    assert issuer == ("letsencrypt-staging" if env == "dev" else "letsencrypt")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_is_labelled_on_every_object(overlay, env: str) -> None:
    manifest = overlay(env)
    assert all(o["metadata"]["labels"]["berth.dev/environment"] == env for o in manifest)
    deployment = manifest.get("Deployment", "berth-operator", OPERATOR_NS)
    assert "berth.dev/environment" not in deployment["spec"]["selector"]["matchLabels"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_installs_the_base_releases_with_base_values_first(env: str) -> None:
    """An overlay cannot re-parameterise the base's helmCharts, so each environment repeats them: same
    charts, releases, namespaces and kube version, base values first, then the environment's own."""
    base = {c["name"]: c for c in kustomization("base")["helmCharts"]}
    charts = {c["name"]: c for c in kustomization(env)["helmCharts"]}
    assert charts.keys() == base.keys()
    for name, chart in charts.items():
        for key in ("releaseName", "namespace", "kubeVersion"):
            assert chart.get(key) == base[name].get(key), (name, key)
        assert chart["valuesFile"] == f"../base/{base[name]['valuesFile']}"
        for extra in chart.get("additionalValuesFiles", []):
            assert (PLATFORM / env / extra).is_file()


@pytest.mark.parametrize("env", ("base",) + ENVIRONMENTS)
def test_helm3_and_helm4_build_the_same_objects(env: str) -> None:
    def comparable(manifest: Manifest) -> list[dict]:
        objects = []
        for obj in map(copy.deepcopy, manifest):
            if obj["kind"] == "Secret" and obj.get("type") == "kubernetes.io/tls":
                obj.pop("data", None)  # generated per render
            for webhook in obj.get("webhooks", []) if obj["kind"].endswith("WebhookConfiguration") else []:
                webhook.get("clientConfig", {}).pop("caBundle", None)
            objects.append(obj)
        return sorted(objects, key=lambda o: (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]))

    builds = [comparable(build(env, helm)) for helm in HELM_MAJORS]
    assert all(b == builds[0] for b in builds[1:]), f"{env}: Helm majors {HELM_MAJORS} build different objects"


# --- what each environment changes ------------------------------------------------------------

def test_prod_operator_runs_two_spread_replicas_kept_by_a_pdb(overlay) -> None:
    manifest = overlay("prod")
    deployment = manifest.get("Deployment", "berth-operator", OPERATOR_NS)
    assert deployment["spec"]["replicas"] == 2
    pdb = manifest.get("PodDisruptionBudget", "berth-operator", OPERATOR_NS)
    assert pdb["spec"]["minAvailable"] == 1 and "maxUnavailable" not in pdb["spec"]
    assert selects(pdb["spec"]["selector"], pod_labels(deployment))
    spread = {c["topologyKey"]: c for c in deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]}
    assert spread["kubernetes.io/hostname"]["whenUnsatisfiable"] == "DoNotSchedule"
    assert "topology.kubernetes.io/zone" in spread
    assert all(selects(c["labelSelector"], pod_labels(deployment)) for c in spread.values())
    # The kustomize patch: surge first, so a rollout never leaves fewer than two ready webhook servers.
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": 0}
    assert deployment["spec"]["minReadySeconds"] == 10


def test_prod_operator_is_scraped_by_kube_prometheus_stack(overlay) -> None:
    manifest = overlay("prod")
    monitor = manifest.get("ServiceMonitor", "berth-operator", OPERATOR_NS)
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    service = manifest.get("Service", "berth-operator-metrics", OPERATOR_NS)
    assert selects(monitor["spec"]["selector"], service["metadata"]["labels"])
    assert [e["port"] for e in monitor["spec"]["endpoints"]] == ["metrics"]


def test_prod_gateway_verifies_corporate_tokens(overlay) -> None:
    manifest = overlay("prod")
    gateway = manifest.get("Gateway", "berth-gateway", GATEWAY_NS)
    [authn] = manifest.of_kind("RequestAuthentication", GATEWAY_NS)
    assert authn["spec"]["selector"]["matchLabels"] == gateway["spec"]["selector"]
    [rule] = authn["spec"]["jwtRules"]
    assert rule["issuer"] == "https://login.example.com/realms/corp"
    assert rule["jwksUri"].startswith("https://login.example.com/realms/corp/")
    assert rule["audiences"] == ["berth"]


def test_staging_is_prod_shaped_but_smaller(overlay) -> None:
    staging, prod = overlay("staging"), overlay("prod")
    deployments = [m.get("Deployment", "berth-operator", OPERATOR_NS) for m in (staging, prod)]
    assert [d["spec"]["replicas"] for d in deployments] == [2, 2]
    assert staging.get("PodDisruptionBudget", "berth-operator", OPERATOR_NS)["spec"]["minAvailable"] == 1
    assert staging.find("ServiceMonitor", "berth-operator", OPERATOR_NS) is not None
    assert staging.of_kind("RequestAuthentication") and staging.find("Certificate", "berth-gateway-tls", GATEWAY_NS)
    assert deployments[0]["spec"]["strategy"] == deployments[1]["spec"]["strategy"]
    limits = [d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"] for d in deployments]
    assert limits == ["300Mi", "600Mi"]
    (staging_default, staging_tenants), (prod_default, prod_tenants) = token_buckets(staging), token_buckets(prod)
    assert staging_default["tokens_per_fill"] < prod_default["tokens_per_fill"]
    assert staging_tenants.keys() == prod_tenants.keys()


def test_dev_runs_one_replica_without_monitoring(overlay) -> None:
    manifest = overlay("dev")
    assert manifest.get("Deployment", "berth-operator", OPERATOR_NS)["spec"]["replicas"] == 1
    # One replica: the PDB must not block node drains.
    pdb = manifest.get("PodDisruptionBudget", "berth-operator", OPERATOR_NS)["spec"]
    assert pdb["maxUnavailable"] == 1 and "minAvailable" not in pdb
    assert not manifest.of_kind("ServiceMonitor")


def test_rate_limits_are_relaxed_in_dev_and_stricter_in_prod(overlay) -> None:
    (dev, dev_tenants), (staging, _), (prod, prod_tenants) = (token_buckets(overlay(e)) for e in ENVIRONMENTS)
    chart = CHART_RATE_LIMIT["tokensPerFill"]
    assert dev["tokens_per_fill"] > chart > prod["tokens_per_fill"] > staging["tokens_per_fill"]
    assert dev["max_tokens"] > CHART_RATE_LIMIT["maxTokens"] > prod["max_tokens"]
    assert not dev_tenants
    # The tenant override example: team-a's requests draw from their own, larger bucket.
    assert prod_tenants["team-a"]["tokens_per_fill"] > prod["tokens_per_fill"]
    envoy_filter = overlay("prod").get("EnvoyFilter", "berth-gateway-ratelimit", GATEWAY_NS)
    [route_patch] = [p for p in envoy_filter["spec"]["configPatches"] if p["applyTo"] == "VIRTUAL_HOST"]
    [action] = route_patch["patch"]["value"]["rate_limits"][0]["actions"]
    assert action["header_value_match"]["descriptor_value"] == "team-a"
    assert action["header_value_match"]["headers"][0]["string_match"] == {"prefix": "/seldon/team-a/"}

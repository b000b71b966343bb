"""seldon-config (server images and friends), metrics Service/ServiceMonitor and the NetworkPolicy."""

from __future__ import annotations

import json

from operator_chart import NAMESPACE, ci_values

PREPACKAGED = {"SKLEARN_SERVER", "XGBOOST_SERVER", "TENSORFLOW_SERVER", "MLFLOW_SERVER", "TRITON_SERVER", "HUGGINGFACE_SERVER"}


def seldon_config(m) -> dict:
    cm = m.get("ConfigMap", "seldon-config", NAMESPACE)
    return {k: json.loads(v) for k, v in cm["data"].items()}


def test_seldon_config_defaults(operator) -> None:
    config = seldon_config(operator())
    servers = config["predictor_servers"]
    assert PREPACKAGED <= set(servers)
    assert servers["SKLEARN_SERVER"]["protocols"]["seldon"] == {"image": "seldonio/sklearnserver", "defaultImageVersion": "1.17.1"}
    assert servers["TRITON_SERVER"]["protocols"]["v2"]["image"] == "nvcr.io/nvidia/tritonserver"
    assert config["storageInitializer"]["image"] == "docker.io/seldonio/rclone-storage-initializer:1.17.1"
    assert config["storageInitializer"]["memoryLimit"] == "1Gi"
    assert config["explainer"] == {"image": "docker.io/seldonio/alibiexplainer:1.17.1", "image_v2": "docker.io/seldonio/mlserver:1.3.5-alibi-explain"}
    assert config["credentials"]["s3"]["s3SecretAccessKeyName"] == "awsSecretAccessKey"


def test_every_image_is_overridable(operator) -> None:
    m = operator({
        "predictorServers": {
            "SKLEARN_SERVER": {"protocols": {"v2": {"image": "mirror.example.com/mlserver", "defaultImageVersion": "1.3.5-sklearn"}}},
            "TEMPO_SERVER": None,
            "CUSTOM_SERVER": {"protocols": {"v2": {"image": "mirror.example.com/custom", "defaultImageVersion": "2.0.1"}}},
        },
        "storageInitializer": {"image": {"registry": "mirror.example.com", "tag": "1.17.1"}},
        "explainer": {"image": {"registry": "mirror.example.com"}, "imageV2": {"registry": "mirror.example.com"}},
        "executor": {"image": {"registry": "mirror.example.com"}},
    })
    config = seldon_config(m)
    servers = config["predictor_servers"]
    assert servers["SKLEARN_SERVER"]["protocols"]["v2"]["image"] == "mirror.example.com/mlserver"
    assert servers["SKLEARN_SERVER"]["protocols"]["seldon"]["image"] == "seldonio/sklearnserver", "maps merge"
    assert "TEMPO_SERVER" not in servers, "null removes a default server"
    assert servers["CUSTOM_SERVER"]["protocols"]["v2"]["defaultImageVersion"] == "2.0.1"
    assert config["storageInitializer"]["image"].startswith("mirror.example.com/")
    assert all(image.startswith("mirror.example.com/") for image in config["explainer"].values())
    env = {e["name"]: e.get("value") for e in m.get("Deployment", "berth-operator", NAMESPACE)["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["EXECUTOR_CONTAINER_IMAGE_AND_VERSION"].startswith("mirror.example.com/")


def test_metrics_service_selects_the_manager_and_service_monitor_selects_the_service(operator) -> None:
    m = operator(ci_values("cert-manager-monitoring"))
    service = m.get("Service", "berth-operator-metrics", NAMESPACE)
    pod_labels = m.get("Deployment", "berth-operator", NAMESPACE)["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    monitor = m.one("ServiceMonitor")
    assert monitor["metadata"]["namespace"] == "monitoring"
    assert monitor["metadata"]["labels"]["release"] == "monitoring", "kube-prometheus-stack selects by release label"
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": [NAMESPACE]}
    assert monitor["spec"]["endpoints"][0]["port"] == service["spec"]["ports"][0]["name"]
    assert monitor["spec"]["endpoints"][0]["interval"] == "15s"


def test_service_monitor_defaults_to_the_kube_prometheus_stack_release_label(operator) -> None:
    m = operator({"metrics": {"serviceMonitor": {"enabled": True}}})
    assert m.one("ServiceMonitor")["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert operator().of_kind("ServiceMonitor") == []


def test_service_monitor_needs_the_metrics_service(operator_error) -> None:
    message = operator_error({"metrics": {"service": {"enabled": False}, "serviceMonitor": {"enabled": True}}})
    assert "metrics.serviceMonitor.enabled" in message and "metrics.service.enabled" in message


def test_network_policy_admits_only_webhook_calls_and_scrapes_from_monitoring(operator) -> None:
    m = operator()
    policy = m.one("NetworkPolicy")
    pod_labels = m.get("Deployment", "berth-operator", NAMESPACE)["spec"]["template"]["metadata"]["labels"]
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= pod_labels.items()
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    webhook_rule, metrics_rule = policy["spec"]["ingress"]
    assert webhook_rule["ports"] == [{"port": 4443, "protocol": "TCP"}] and "from" not in webhook_rule
    assert metrics_rule["ports"] == [{"port": 8080, "protocol": "TCP"}]
    assert metrics_rule["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]


def test_network_policy_follows_ports_and_peers(operator) -> None:
    values = ci_values("eks-calico")
    values["networkPolicy"] = {"webhookFrom": [{"ipBlock": {"cidr": "10.0.0.0/16"}}], "metricsFrom": []}
    policy = operator(values).one("NetworkPolicy")
    assert policy["spec"]["ingress"] == [{"ports": [{"port": 9443, "protocol": "TCP"}], "from": [{"ipBlock": {"cidr": "10.0.0.0/16"}}]}]

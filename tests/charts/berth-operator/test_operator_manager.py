"""The manager Deployment: availability, scheduling, security context and what it is told."""

from __future__ import annotations

import json

from operator_chart import NAMESPACE, ci_values, container, env, manager


def test_defaults_run_one_leader_elected_replica_protected_by_a_pdb(operator) -> None:
    m = operator()
    deploy = manager(m)
    assert deploy["spec"]["replicas"] == 1
    args = container(m)["args"]
    assert "--enable-leader-election" in args
    assert "--leader-election-id=a33bd623.machinelearning.seldon.io" in args
    pdb = m.one("PodDisruptionBudget")
    assert pdb["spec"] == {"maxUnavailable": 1, "selector": deploy["spec"]["selector"]}
    pod_labels = deploy["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_replicas_leader_election_and_min_available(operator) -> None:
    m = operator(ci_values("sharded-ha"))
    assert manager(m)["spec"]["replicas"] == 2
    assert "--leader-election-id=shard-a.machinelearning.seldon.io" in container(m)["args"]
    assert m.one("PodDisruptionBudget")["spec"]["minAvailable"] == 1
    assert "maxUnavailable" not in m.one("PodDisruptionBudget")["spec"]


def test_leader_election_and_pdb_can_be_turned_off(operator) -> None:
    m = operator({"manager": {"leaderElection": {"enabled": False}}, "podDisruptionBudget": {"enabled": False}})
    assert not any(a.startswith("--enable-leader-election") for a in container(m)["args"])
    assert m.of_kind("PodDisruptionBudget") == []
    assert not any(r["metadata"]["name"].endswith("leader-election") for r in m.of_kind("Role"))


def test_probes_target_the_managers_own_ports(operator) -> None:
    c = container(operator())
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert c["livenessProbe"]["httpGet"]["port"] in ports
    assert c["readinessProbe"]["tcpSocket"]["port"] in ports


def test_resources_and_scheduling_fields_pass_through(operator) -> None:
    values = ci_values("sharded-ha")
    values["manager"]["resources"] = {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}}
    m = operator(values)
    pod = manager(m)["spec"]["template"]["spec"]
    assert container(m)["resources"] == values["manager"]["resources"]
    for key in ("nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "priorityClassName"):
        assert pod[key] == values["manager"][key], key
    meta = manager(m)["spec"]["template"]["metadata"]
    assert meta["labels"]["example.com/team"] == "platform"
    assert meta["annotations"]["example.com/owner"] == "platform-team"
    assert {"name": "EXECUTOR_REQUEST_LOGGER_KAFKA_BROKER", "value": "kafka.logging:9092"} in container(m)["env"]


def test_security_context_is_restricted(operator) -> None:
    m = operator()
    pod = manager(m)["spec"]["template"]["spec"]
    sc = container(m)["securityContext"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert sc["runAsNonRoot"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True and sc["capabilities"] == {"drop": ["ALL"]}
    assert sc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod.get("hostNetwork") is not True


def test_security_context_overrides_merge_over_the_restricted_defaults(operator) -> None:
    m = operator({"manager": {"securityContext": {"runAsUser": 10001}}})
    sc = container(m)["securityContext"]
    assert sc["runAsUser"] == 10001 and sc["readOnlyRootFilesystem"] is True and sc["capabilities"] == {"drop": ["ALL"]}


def test_image_pull_secrets_on_the_pod_and_every_service_account(operator) -> None:
    m = operator({"imagePullSecrets": ["registry-credentials"]})
    expected = [{"name": "registry-credentials"}]
    assert manager(m)["spec"]["template"]["spec"]["imagePullSecrets"] == expected
    assert m.of_kind("ServiceAccount")
    for sa in m.of_kind("ServiceAccount"):
        assert sa["imagePullSecrets"] == expected


def test_host_network_moves_webhook_and_metrics_ports_consistently(operator) -> None:
    m = operator(ci_values("eks-calico"))
    pod = manager(m)["spec"]["template"]["spec"]
    assert pod["hostNetwork"] is True and pod["dnsPolicy"] == "ClusterFirstWithHostNet"
    args = container(m)["args"]
    assert "--webhook-port=9443" in args and "--metrics-addr=:9080" in args
    ports = {p["name"]: p["containerPort"] for p in container(m)["ports"]}
    assert ports == {"webhook-server": 9443, "metrics": 9080}
    webhook_service = m.get("Service", "berth-operator-webhook", NAMESPACE)
    assert webhook_service["spec"]["ports"][0]["targetPort"] == "webhook-server"


def test_operator_image_tag_digest_and_pull_policy(operator) -> None:
    assert container(operator())["image"] == "docker.io/seldonio/seldon-core-operator:1.17.1"
    digest = "sha256:" + "a" * 64
    c = container(operator({"image": {"registry": "mirror.example.com", "digest": digest, "pullPolicy": "Always"}}))
    assert c["image"] == f"mirror.example.com/seldonio/seldon-core-operator@{digest}"
    assert c["imagePullPolicy"] == "Always"


def test_config_change_rolls_the_manager(operator) -> None:
    before = manager(operator())["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    after = manager(operator({"credentials": {"s3": {"s3AccessKeyIDName": "key"}}}))["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    assert before != after


def test_manager_is_not_in_the_mesh_and_webhook_certificate_is_mounted(operator) -> None:
    m = operator()
    template = manager(m)["spec"]["template"]
    assert template["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false"
    mounts = {v["mountPath"]: v["name"] for v in container(m)["volumeMounts"]}
    assert mounts["/tmp/k8s-webhook-server/serving-certs"] == "webhook-cert"
    volumes = {v["name"]: v for v in template["spec"]["volumes"]}
    assert volumes["webhook-cert"]["secret"]["secretName"] == "berth-operator-webhook-cert"


def test_environment_carries_integrations_and_defaults(operator) -> None:
    e = env(operator())
    assert e["ISTIO_ENABLED"] == "true" and e["ISTIO_GATEWAY"] == "istio-ingress/berth-gateway"
    assert e["KEDA_ENABLED"] == "false" and e["AMBASSADOR_ENABLED"] == "false"
    assert e["MANAGER_LOG_LEVEL"] == "INFO" and e["MANAGER_CREATE_RESOURCES"] == "false"
    assert e["EXECUTOR_CONTAINER_IMAGE_AND_VERSION"] == "docker.io/seldonio/seldon-core-executor:1.17.1"
    assert e["EXECUTOR_REQUEST_LOGGER_DEFAULT_ENDPOINT"] == "http://default-broker"
    e = env(operator({
        "istio": {"gateway": "gateways/models", "tlsMode": "ISTIO_MUTUAL"},
        "keda": {"enabled": True},
        "manager": {"logLevel": "DEBUG"},
        "predictiveUnit": {"defaultEnvSecretRefName": "model-storage"},
        "executor": {"requestLogger": {"defaultEndpoint": "http://broker-ingress.knative-eventing/logs/default"}},
    }))
    assert e["ISTIO_GATEWAY"] == "gateways/models" and e["ISTIO_TLS_MODE"] == "ISTIO_MUTUAL"
    assert e["KEDA_ENABLED"] == "true" and e["MANAGER_LOG_LEVEL"] == "DEBUG"
    assert e["PREDICTIVE_UNIT_DEFAULT_ENV_SECRET_REF_NAME"] == "model-storage"
    assert e["EXECUTOR_REQUEST_LOGGER_DEFAULT_ENDPOINT"] == "http://broker-ingress.knative-eventing/logs/default"


def test_kube_version_floor_admits_provider_version_strings(operator, operator_error) -> None:
    for version in ("v1.30.0", "v1.34.6-eks-ab12cd3", "v1.33.5-gke.1000", "v1.37.1"):
        assert manager(operator(kube_version=version))
    assert "kubeVersion" in operator_error({}, kube_version="v1.29.9")

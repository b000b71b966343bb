"""What berth-policies renders, and how its values reach the policies: bindings scoped to tenant namespaces,
the registries parameter wired, actions, toggles and limits. How the policies then decide is
test_policies_samples.py (offline) and tests/controlplane/test_policies_on_a_cluster.py (on an API server)."""

from __future__ import annotations

import pytest

from policies_admission import AdmissionPolicies, Request
from policies_chart import CI, IDENTITIES, NAMESPACE, ci_values, load_sample, namespaces, SAMPLES

POLICIES = ("pod-resources", "gpu-access", "image-registries", "service-exposure", "host-access",
            "seldon-deployments", "namespace-labels", "platform-objects")
VALUE_KEYS = {"pod-resources": "podResources", "gpu-access": "gpuAccess", "image-registries": "imageRegistries",
              "service-exposure": "serviceExposure", "host-access": "hostAccess", "seldon-deployments": "seldonDeployments",
              "namespace-labels": "namespaceLabels", "platform-objects": "platformObjects"}
TENANTS = {"matchExpressions": [{"key": "berth.dev/tenant", "operator": "Exists"}]}


def decide(manifest, sample_path: str, **changes):
    """The denials of the render's policies for one sample (optionally with its object changed)."""
    sample = load_sample(SAMPLES / sample_path)
    sent = sample.sent
    for path, value in changes.items():
        node = sent
        *parents, leaf = path.split(".")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[leaf] = value
    namespace = namespaces().get(sample.namespace) if sample.namespace else None
    return AdmissionPolicies(manifest).denials(Request(sample.operation, sent, sample.stored, IDENTITIES[sample.identity], namespace))


def test_default_render_has_a_policy_and_a_binding_per_guardrail(policies) -> None:
    m = policies()
    names = {f"berth-{p}" for p in POLICIES}
    assert {p["metadata"]["name"] for p in m.of_kind("ValidatingAdmissionPolicy")} == names
    bindings = {b["metadata"]["name"]: b for b in m.of_kind("ValidatingAdmissionPolicyBinding")}
    assert set(bindings) == names
    for name, binding in bindings.items():
        assert binding["spec"]["policyName"] == name
        assert binding["spec"]["validationActions"] == ["Deny"]
    for policy in m.of_kind("ValidatingAdmissionPolicy"):
        assert policy["spec"]["failurePolicy"] == "Fail"
        for validation in policy["spec"]["validations"]:
            assert validation.get("message") or validation.get("messageExpression"), policy["metadata"]["name"]


def test_bindings_select_tenant_namespaces_and_the_namespace_policy_selects_tenant_namespaces_themselves(policies) -> None:
    for binding in policies().of_kind("ValidatingAdmissionPolicyBinding"):
        match = binding["spec"]["matchResources"]
        if binding["metadata"]["name"] == "berth-namespace-labels":
            # old or new Namespace labelled: removing the label cannot escape the check
            assert match == {"objectSelector": TENANTS}
        else:
            assert match == {"namespaceSelector": TENANTS}


def test_namespace_and_platform_object_policies_exempt_the_platform(policies) -> None:
    m = policies({"platform": {"groups": ["acme:sre"], "serviceAccountNamespaces": ["argocd", "flux-system"]}})
    for name in ("berth-namespace-labels", "berth-platform-objects"):
        condition = m.get("ValidatingAdmissionPolicy", name)["spec"]["matchConditions"][0]
        assert condition["name"] == "not-the-platform"
        assert '["acme:sre"]' in condition["expression"] and '["argocd","flux-system"]' in condition["expression"]
    sample = "platform-objects/deny/tenant-creates-networkpolicy.yaml"
    assert decide(m, sample), "alice is not the platform"
    sre = {"username": "sam", "groups": ["acme:sre"]}
    flux = {"username": "system:serviceaccount:flux-system:kustomize-controller", "groups": ["system:serviceaccounts"]}
    for user in (sre, flux):
        s = load_sample(SAMPLES / sample)
        assert AdmissionPolicies(m).denials(Request("CREATE", s.sent, None, user, namespaces()["team-a"])) == []
    masters = load_sample(SAMPLES / sample)
    assert AdmissionPolicies(m).denials(Request("CREATE", masters.sent, None, IDENTITIES["cluster-admin"], namespaces()["team-a"])), \
        "system:masters is the platform only while platform.groups lists it"


def test_registries_are_a_parameter_the_binding_names(policies) -> None:
    m = policies({"imageRegistries": {"allowed": ["registry.acme.example/mirror/", "localhost:5000"]}})
    policy = m.get("ValidatingAdmissionPolicy", "berth-image-registries")
    assert policy["spec"]["paramKind"] == {"apiVersion": "v1", "kind": "ConfigMap"}
    binding = m.get("ValidatingAdmissionPolicyBinding", "berth-image-registries")
    assert binding["spec"]["paramRef"] == {"name": "berth-allowed-registries", "namespace": NAMESPACE, "parameterNotFoundAction": "Deny"}
    config = m.get("ConfigMap", "berth-allowed-registries", NAMESPACE)
    assert config["data"]["registries"] == "registry.acme.example/mirror/,localhost:5000"
    pod = "image-registries/allow/docker-hub-short-names.yaml"
    assert decide(m, pod), "Docker Hub is no longer allowed"
    mirrored = {"spec.initContainers.0.image": "registry.acme.example/mirror/rclone:1", "spec.containers.0.image": "localhost:5000/sklearn:1",
                "spec.containers.1.image": "registry.acme.example/mirror/executor:1.17.1"}
    assert decide(m, pod, **mirrored) == []
    # a prefix ends at "/": localhost:5000 does not admit localhost:50000
    assert decide(m, pod, **{**mirrored, "spec.containers.0.image": "localhost:50000/sklearn:1"})


def test_a_missing_or_emptied_parameter_refuses(policies) -> None:
    m = policies()
    objects = [o for o in m if o["kind"] != "ConfigMap"]
    sample = load_sample(SAMPLES / "image-registries/allow/docker-hub-short-names.yaml")
    request = Request("CREATE", sample.sent, None, IDENTITIES["tenant"], namespaces()["team-a"])
    assert [d.messages for d in AdmissionPolicies(objects).denials(request)] == [
        ["no params found for policy binding with `Deny` parameterNotFoundAction"]]
    emptied = objects + [{**m.get("ConfigMap", "berth-allowed-registries", NAMESPACE), "data": {"registries": " , "}}]
    denials = AdmissionPolicies(emptied).denials(request)
    assert len(denials) == 1 and "use images from (none allowed)" in denials[0].messages[0]


@pytest.mark.parametrize("policy", POLICIES)
def test_each_policy_can_be_turned_off(policies, policy: str) -> None:
    m = policies({VALUE_KEYS[policy]: {"enabled": False}})
    for kind in ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"):
        names = {o["metadata"]["name"] for o in m.of_kind(kind)}
        assert names == {f"berth-{p}" for p in POLICIES if p != policy}
    if policy == "image-registries":
        assert not m.of_kind("ConfigMap")


def test_validation_actions_chart_wide_and_per_policy(policies) -> None:
    m = policies({"validationActions": ["Warn", "Audit"], "failurePolicy": "Ignore",
                  "platformObjects": {"validationActions": ["Deny", "Audit"]}})
    actions = {b["metadata"]["name"]: b["spec"]["validationActions"] for b in m.of_kind("ValidatingAdmissionPolicyBinding")}
    assert actions.pop("berth-platform-objects") == ["Deny", "Audit"]
    assert set(map(tuple, actions.values())) == {("Warn", "Audit")}
    assert {p["spec"]["failurePolicy"] for p in m.of_kind("ValidatingAdmissionPolicy")} == {"Ignore"}
    # Warn admits the request and carries the message
    decisions = AdmissionPolicies(m).decisions(Request(
        "CREATE", load_sample(SAMPLES / "image-registries/deny/docker-hub-library-image.yaml").sent, None,
        IDENTITIES["tenant"], namespaces()["team-a"]))
    warned = [d for d in decisions if d.warnings]
    assert not [d for d in decisions if d.denied] and [d.policy for d in warned] == ["berth-image-registries"]


def test_name_prefix_names_policies_bindings_and_the_parameter(policies) -> None:
    m = policies({"namePrefix": "acme"})
    assert {p["metadata"]["name"] for p in m.of_kind("ValidatingAdmissionPolicy")} == {f"acme-{p}" for p in POLICIES}
    assert m.get("ValidatingAdmissionPolicyBinding", "acme-image-registries")["spec"]["paramRef"]["name"] == "acme-allowed-registries"
    m.get("ConfigMap", "acme-allowed-registries", NAMESPACE)


def test_seldon_limits_come_from_values(policies) -> None:
    m = policies({"seldonDeployments": {"maxReplicas": 2, "maxGpusPerPredictor": 0, "allowedModelUriSchemes": ["s3://"]}})
    single = "seldon-deployments/allow/single-predictor-without-traffic.yaml"
    messages = [msg for d in decide(m, single) for msg in d.messages]
    assert messages == ["modelUri of predictor(s) default must start with one of s3://: store the model there (graph nodes and explainers are checked)"]
    assert decide(m, single, **{"spec.predictors.0.graph.modelUri": "s3://models/iris"}) == []
    too_many = decide(m, single, **{"spec.predictors.0.graph.modelUri": "s3://models/iris", "spec.predictors.0.replicas": 3})
    assert "predictor(s) default ask for more than 2 replicas" in too_many[0].messages[0]
    gpus = decide(m, "seldon-deployments/allow/graph-four-levels-with-gpus.yaml")
    assert any("predictor(s) default (4) request more than 0 GPUs" in msg for d in gpus for msg in d.messages)


def test_protected_namespace_keys_come_from_values(policies) -> None:
    m = policies({"namespaceLabels": {"protectedLabels": ["berth.dev/tenant", "team.example.com/owner"], "protectedAnnotations": []}})
    owner = decide(m, "namespace-labels/allow/tenant-adds-own-label.yaml")
    assert "the platform label(s) team.example.com/owner of tenant namespace team-n1" in owner[0].messages[0]
    assert decide(m, "namespace-labels/deny/tenant-adds-gpu-pool.yaml") == [], "the annotation is no longer protected"


def test_rollout_ci_values_render(policies) -> None:
    m = policies(ci_values("rollout"))
    names = {p["metadata"]["name"] for p in m.of_kind("ValidatingAdmissionPolicy")}
    assert names == {f"acme-{p}" for p in POLICIES if p != "pod-resources"}
    assert (CI / "default-values.yaml").is_file()

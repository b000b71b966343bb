"""berth-policies on a real API server: every sample request of tests/charts/berth-policies/samples is sent
with a server-side dry run as the identity it names; allowed samples are admitted and denied ones refused by
the policy with the expected message. The offline tests evaluate the same samples with cel-python; this
module is what shows that the Kubernetes CEL environment reads the policies the same way.

Identities: the tenant is a client certificate (alice, group team-a-admins) with every RBAC right in the
sample namespaces and on Namespaces, so that a refusal comes from the policy and never from RBAC; the
platform admin is a certificate in group berth:platform-admins; CD tooling is the ServiceAccount
berth-system:deployer (impersonated); the cluster admin is system:masters.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest
import yaml

from berth.cluster import install_release, wait_established
from berth.controlplane import ControlPlane
from berth.platform import load_profile

HERE = Path(__file__).parent


def _policies_chart():
    """tests/charts/berth-policies/policies_chart.py: the sample format and identities, shared with the offline tests."""
    if "policies_chart" not in sys.modules:
        spec = importlib.util.spec_from_file_location("policies_chart", HERE.parent / "charts" / "berth-policies" / "policies_chart.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["policies_chart"] = module
        spec.loader.exec_module(module)
    return sys.modules["policies_chart"]


pc = _policies_chart()
SAMPLES = pc.samples()
CD_SERVICE_ACCOUNT = "system:serviceaccount:berth-system:deployer"
PROBE = yaml.safe_load((pc.SAMPLES / "image-registries" / "deny" / "docker-hub-library-image.yaml").read_text())


class Guarded:
    """The control plane with berth-crds and berth-policies installed and the sample namespaces created."""

    def __init__(self, controlplane: ControlPlane, cluster) -> None:
        self.controlplane = controlplane
        self.cluster = cluster
        self.release = next(r for r in load_profile("default").releases if r.name == pc.RELEASE)
        self.users = {
            "tenant": controlplane.user("alice", groups=("team-a-admins",)),
            "platform-admin": controlplane.user("pat", groups=("berth:platform-admins",)),
        }

    def kubectl(self, identity: str, *args: str, input: str | None = None):
        """kubectl as one of pc.IDENTITIES (never raises: the caller looks at the outcome)."""
        if identity == "cd":
            args = (f"--as={CD_SERVICE_ACCOUNT}", *args)
        return self.controlplane.kubectl(*args, user=self.users.get(identity), input=input, check=False)

    def install(self, **values) -> None:
        install_release(self.cluster, self.release, embedded=True, extra_values=values)

    def wait_until_enforced(self, refused: bool = True, timeout: float = 30) -> str:
        """Policies take effect once the API server's informers have seen them: wait for a known request's outcome."""
        deadline = time.monotonic() + timeout
        while True:
            out = self.kubectl("tenant", "create", "--dry-run=server", "-f", "-", input=json.dumps(PROBE))
            if refused and out.returncode != 0 and "ValidatingAdmissionPolicy" in out.stderr:
                return out.stderr
            if not refused and out.returncode == 0:
                return out.stderr
            if time.monotonic() > deadline:
                raise AssertionError(f"policies not {'enforced' if refused else 'relaxed'} after {timeout}s: {out.stderr}")
            time.sleep(0.3)


@pytest.fixture(scope="module")
def guarded(controlplane, cluster_with_upstream_crds) -> Guarded:
    cluster = cluster_with_upstream_crds  # Istio's CRDs: the AuthorizationPolicy samples
    crds = next(r for r in load_profile("default").releases if r.name == "berth-crds")
    install_release(cluster, crds, embedded=True)
    wait_established(cluster, ["seldondeployments.machinelearning.seldon.io"])
    env = Guarded(controlplane, cluster)
    env.install()
    cluster.apply((pc.SAMPLES / "namespaces.yaml").read_text())
    for namespace in pc.namespaces():
        # Every right in the sample namespaces, so that RBAC never refuses what the policies should.
        cluster.kubectl("create", "rolebinding", "alice-everything", "--clusterrole=cluster-admin", "--user=alice", "-n", namespace)
    cluster.kubectl("create", "clusterrole", "namespace-editor", "--verb=get,list,create,update,patch", "--resource=namespaces")
    cluster.kubectl("create", "clusterrolebinding", "alice-namespaces", "--clusterrole=namespace-editor", "--user=alice")
    cluster.kubectl("create", "clusterrolebinding", "platform-admins", "--clusterrole=cluster-admin", "--group=berth:platform-admins")
    cluster.kubectl("create", "clusterrolebinding", "cd-deployer", "--clusterrole=cluster-admin", "--serviceaccount=berth-system:deployer")
    for namespace in pc.namespaces():  # the controller-manager creates them; pods need them for admission
        _wait_for(lambda: cluster.kubectl("get", "serviceaccount", "default", "-n", namespace, check=False).returncode == 0)
    env.wait_until_enforced()
    return env


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def send(env: Guarded, sample) -> object:
    """The sample's request, as a server-side dry run. The stored object of an UPDATE or DELETE is created
    first, by the cluster admin (the platform)."""
    if sample.operation == "CREATE":
        return env.kubectl(sample.identity, "create", "--dry-run=server", "-f", "-", input=json.dumps(sample.sent))
    stored = env.kubectl("cluster-admin", "create", "-f", "-", input=json.dumps(sample.stored))
    assert stored.returncode == 0 or "AlreadyExists" in stored.stderr, stored.stderr
    if sample.operation == "DELETE":
        return env.kubectl(sample.identity, "delete", "--dry-run=server", "-f", "-", input=json.dumps(sample.stored))
    live = json.loads(env.kubectl("cluster-admin", "get", "-f", "-", "-o", "json", input=json.dumps(sample.stored)).stdout)
    sent = copy.deepcopy(sample.sent)
    sent["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]  # custom resources need it for a replace
    return env.kubectl(sample.identity, "replace", "--dry-run=server", "-f", "-", input=json.dumps(sent))


def test_policies_are_installed_and_bound_to_tenant_namespaces(guarded) -> None:
    get = lambda kind: {o["metadata"]["name"]: o for o in json.loads(  # noqa: E731
        guarded.cluster.kubectl("get", kind, "-l", f"app.kubernetes.io/instance={pc.RELEASE}", "-o", "json").stdout)["items"]}
    policies, bindings = get("validatingadmissionpolicies"), get("validatingadmissionpolicybindings")
    assert set(policies) == set(bindings) == {f"berth-{p}" for p in (
        "pod-resources", "gpu-access", "image-registries", "service-exposure", "host-access", "seldon-deployments",
        "namespace-labels", "platform-objects")}
    tenants = {"matchExpressions": [{"key": "berth.dev/tenant", "operator": "Exists"}]}
    for name, binding in bindings.items():
        selector = "objectSelector" if name == "berth-namespace-labels" else "namespaceSelector"
        assert binding["spec"]["matchResources"][selector] == tenants, name
        assert binding["spec"]["validationActions"] == ["Deny"]
    assert bindings["berth-image-registries"]["spec"]["paramRef"] == {
        "name": "berth-allowed-registries", "namespace": "berth-system", "parameterNotFoundAction": "Deny"}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_sample_on_the_api_server(guarded, sample) -> None:
    out = send(guarded, sample)
    if sample.allowed:
        assert out.returncode == 0, f"{sample.id} was refused: {out.stderr}"
        assert "(server dry run)" in out.stdout
    else:
        assert out.returncode != 0, f"{sample.id} was admitted: {out.stdout}"
        assert f"ValidatingAdmissionPolicy 'berth-{sample.policy}'" in out.stderr, out.stderr
        assert sample.expect in out.stderr, out.stderr


def test_the_scale_subresource_is_capped_too(guarded) -> None:
    sdep = yaml.safe_load((pc.SAMPLES / "seldon-deployments" / "allow" / "single-predictor-without-traffic.yaml").read_text())
    sdep["metadata"]["name"] = "scaled"
    created = guarded.kubectl("cluster-admin", "create", "-f", "-", input=json.dumps(sdep))
    assert created.returncode == 0, created.stderr
    within = guarded.kubectl("tenant", "scale", "seldondeployment", "scaled", "-n", "team-a", "--replicas=10", "--dry-run=server")
    assert within.returncode == 0, within.stderr
    beyond = guarded.kubectl("tenant", "scale", "seldondeployment", "scaled", "-n", "team-a", "--replicas=11", "--dry-run=server")
    assert beyond.returncode != 0 and "spec.replicas must be at most 10" in beyond.stderr, beyond.stderr


def test_limit_range_defaults_complete_a_pod_before_the_policy_reads_it(guarded) -> None:
    """Why pod-resources checks Pods and not workload templates: the namespace's LimitRange fills in
    requests and limits during mutating admission, before any validating policy runs."""
    cluster = guarded.cluster
    cluster.apply(yaml.safe_dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {
        "name": "team-d", "labels": {"berth.dev/tenant": "team-d", "pod-security.kubernetes.io/enforce": "baseline"}}}))
    cluster.apply(yaml.safe_dump({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults", "namespace": "team-d"},
                                  "spec": {"limits": [{"type": "Container", "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                                                       "default": {"memory": "256Mi"}}]}}))
    _wait_for(lambda: cluster.kubectl("get", "serviceaccount", "default", "-n", "team-d", check=False).returncode == 0)
    bare = copy.deepcopy(yaml.safe_load((pc.SAMPLES / "pod-resources" / "deny" / "no-resources.yaml").read_text()))
    bare["metadata"]["namespace"] = "team-d"
    out = cluster.kubectl("create", "--dry-run=server", "-o", "json", "-f", "-", input=json.dumps(bare))
    assert json.loads(out.stdout)["spec"]["containers"][0]["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}


def test_values_reach_the_api_server_warn_then_deny(guarded) -> None:
    """validationActions [Warn]: the same request is admitted with the policy's message as a warning."""
    try:
        guarded.install(validationActions=["Warn"])
        stderr = guarded.wait_until_enforced(refused=False)
        assert "Warning: Validation failed for ValidatingAdmissionPolicy 'berth-image-registries'" in stderr, stderr
        assert "docker.io/library/nginx:1.27 are not from an allowed registry" in stderr
    finally:
        # Explicitly: with no values at all, `helm upgrade` would reuse the previous release's (Warn).
        guarded.install(validationActions=["Deny"])
        guarded.wait_until_enforced()


def test_a_missing_parameter_refuses_rather_than_admits(guarded) -> None:
    cluster = guarded.cluster
    allowed = yaml.safe_load((pc.SAMPLES / "image-registries" / "allow" / "docker-hub-short-names.yaml").read_text())
    allowed["metadata"]["name"] = "while-the-configmap-is-gone"
    try:
        cluster.kubectl("delete", "configmap", "berth-allowed-registries", "-n", pc.NAMESPACE)
        deadline = time.monotonic() + 30
        while True:
            out = guarded.kubectl("tenant", "create", "--dry-run=server", "-f", "-", input=json.dumps(allowed))
            if out.returncode != 0 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert out.returncode != 0 and "berth-image-registries" in out.stderr, out.stderr
        assert "no params found" in out.stderr, out.stderr
    finally:
        guarded.install()  # Helm puts the ConfigMap back
        _wait_for(lambda: guarded.kubectl("tenant", "create", "--dry-run=server", "-f", "-", input=json.dumps(allowed)).returncode == 0)

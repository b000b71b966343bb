"""RBAC follows the watch scope; nothing is named by hand; namespace users get SeldonDeployment rights."""

from __future__ import annotations

from operator_chart import NAMESPACE, ci_values

MANAGED = {"seldondeployments", "deployments", "services", "secrets", "horizontalpodautoscalers", "poddisruptionbudgets"}


def resources(role: dict) -> set[str]:
    return {r for rule in role["rules"] for r in rule["resources"]}


def grants(role: dict, resource: str, verb: str) -> bool:
    return any(resource in rule["resources"] and verb in rule["verbs"] for rule in role["rules"])


def bound_subjects(m, kind: str, role_name: str) -> list[dict]:
    return [s for b in m.of_kind(kind) if b["roleRef"]["name"] == role_name for s in b["subjects"]]


def test_cluster_scope_binds_a_cluster_role_to_the_manager(operator) -> None:
    m = operator()
    role = m.get("ClusterRole", "berth-operator-manager")
    assert MANAGED <= resources(role)
    assert grants(role, "seldondeployments", "watch") and grants(role, "deployments", "create")
    assert not grants(role, "secrets", "create"), "the operator only reads Secrets"
    assert bound_subjects(m, "ClusterRoleBinding", "berth-operator-manager") == [
        {"kind": "ServiceAccount", "name": "berth-operator", "namespace": NAMESPACE}]
    assert not [r for r in m.of_kind("Role") if r["metadata"]["name"] == "berth-operator-manager"]


def test_namespace_scope_switches_to_roles_in_the_watched_namespace(operator) -> None:
    m = operator(ci_values("namespace-scope"))
    role = m.get("Role", "berth-operator-manager", "team-a")
    assert MANAGED <= resources(role)
    binding = m.get("RoleBinding", "berth-operator-manager", "team-a")
    assert binding["roleRef"]["kind"] == "Role"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "berth-operator", "namespace": NAMESPACE}]
    for cluster_role in m.of_kind("ClusterRole"):
        assert not (MANAGED & resources(cluster_role)), f"{cluster_role['metadata']['name']} grants namespaced rights cluster-wide"
    # It still reads its seldon-config from its own namespace.
    config_reader = m.get("Role", "berth-operator-config-reader", NAMESPACE)
    assert grants(config_reader, "configmaps", "get")
    assert "--namespace=team-a" in m.get("Deployment", "berth-operator", NAMESPACE)["spec"]["template"]["spec"]["containers"][0]["args"]


def test_namespace_scope_defaults_to_the_release_namespace(operator) -> None:
    m = operator({"watch": {"scope": "namespace"}})
    assert m.get("Role", "berth-operator-manager", NAMESPACE)
    assert m.find("Role", "berth-operator-config-reader", NAMESPACE) is None


def test_integration_rights_follow_the_toggles(operator) -> None:
    default = m_role = operator().get("ClusterRole", "berth-operator-manager")
    assert "virtualservices" in resources(default) and "scaledobjects" not in resources(default)
    m_role = operator({"istio": {"enabled": False}, "keda": {"enabled": True}}).get("ClusterRole", "berth-operator-manager")
    assert "virtualservices" not in resources(m_role) and "scaledobjects" in resources(m_role)


def test_no_hard_coded_service_account_names(operator) -> None:
    m = operator({"fullnameOverride": "seldon-ops", "serviceAccount": {"name": "seldon-ops-sa"}})
    names = {sa["metadata"]["name"] for sa in m.of_kind("ServiceAccount")}
    assert names == {"seldon-ops-sa"}
    assert m.get("Deployment", "seldon-ops", NAMESPACE)["spec"]["template"]["spec"]["serviceAccountName"] == "seldon-ops-sa"
    subjects = [s for kind in ("ClusterRoleBinding", "RoleBinding") for b in m.of_kind(kind) for s in b["subjects"]]
    assert subjects and {s["name"] for s in subjects} == {"seldon-ops-sa"}


def test_existing_service_account_without_rbac(operator, operator_error) -> None:
    m = operator(ci_values("minimal"))
    assert m.of_kind("ServiceAccount") == [] and m.of_kind("ClusterRole") == [] and m.of_kind("RoleBinding") == []
    assert m.get("Deployment", "berth-operator", NAMESPACE)["spec"]["template"]["spec"]["serviceAccountName"] == "seldon-manager"
    assert "serviceAccount.name" in operator_error({"serviceAccount": {"create": False}})


def test_aggregated_roles_let_namespace_users_manage_or_read_seldondeployments(operator) -> None:
    m = operator()
    edit = m.get("ClusterRole", "berth-operator-aggregate-to-edit")
    view = m.get("ClusterRole", "berth-operator-aggregate-to-view")
    labels = edit["metadata"]["labels"]
    assert labels["rbac.authorization.k8s.io/aggregate-to-admin"] == "true"
    assert labels["rbac.authorization.k8s.io/aggregate-to-edit"] == "true"
    assert view["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-view"] == "true"
    assert "rbac.authorization.k8s.io/aggregate-to-edit" not in view["metadata"]["labels"]
    for verb in ("create", "update", "patch", "delete"):
        assert grants(edit, "seldondeployments", verb) and not grants(view, "seldondeployments", verb)
    assert grants(view, "seldondeployments", "list") and grants(view, "seldondeployments/status", "get")
    assert not operator({"rbac": {"aggregateToDefaultRoles": False}}).find("ClusterRole", "berth-operator-aggregate-to-view")


def test_leader_election_role_covers_leases_in_the_release_namespace(operator) -> None:
    role = operator().get("Role", "berth-operator-leader-election", NAMESPACE)
    assert grants(role, "leases", "update") and grants(role, "leases", "create")

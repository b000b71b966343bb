"""Helpers for the berth-policies tests: where the chart renders, the sample requests, and who sends them.

Samples live in samples/<policy>/{allow,deny}/*.yaml. A sample is a plain manifest (what a tenant would
`kubectl create`), with a few header comments:

    # expect: <substring of the refusal message>      first line of every deny sample
    # operation: CREATE | UPDATE | DELETE               default CREATE
    # as: tenant | platform-admin | cd | cluster-admin  default tenant

An UPDATE sample holds two documents, the stored object and then the changed one; a DELETE sample holds
the stored object. samples/namespaces.yaml holds the namespaces the samples live in; the control-plane
test creates them, the offline tests hand them to the policies as `namespaceObject`. This module is also
loaded by tests/controlplane/test_policies_on_a_cluster.py, so both read samples the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CHART = "berth-policies"
NAMESPACE = "berth-system"
RELEASE = "berth-policies"
HERE = Path(__file__).parent
SAMPLES = HERE / "samples"
CI = HERE.parents[2] / "charts" / CHART / "ci"

#: The identities samples are sent as, as the API server's userInfo would show them.
IDENTITIES = {
    # a tenant's admin: bound to the namespaces' `admin` (and more, on the test cluster) by RBAC
    "tenant": {"username": "alice", "groups": ["team-a-admins", "system:authenticated"]},
    # docs/tenancy.md: the platform is the group berth:platform-admins, system:masters, or a
    # ServiceAccount in berth-system
    "platform-admin": {"username": "pat", "groups": ["berth:platform-admins", "system:authenticated"]},
    "cd": {"username": "system:serviceaccount:berth-system:deployer",
           "groups": ["system:serviceaccounts", "system:serviceaccounts:berth-system", "system:authenticated"]},
    "cluster-admin": {"username": "berth-admin", "groups": ["system:masters", "system:authenticated"]},
}
OPERATIONS = ("CREATE", "UPDATE", "DELETE")


def ci_values(name: str) -> dict:
    return yaml.safe_load((CI / f"{name}-values.yaml").read_text()) or {}


def namespaces() -> dict[str, dict]:
    """The sample namespaces by name."""
    docs = [d for d in yaml.safe_load_all((SAMPLES / "namespaces.yaml").read_text()) if d]
    return {d["metadata"]["name"]: d for d in docs}


@dataclass(frozen=True)
class Sample:
    path: Path
    policy: str
    allowed: bool
    operation: str
    identity: str
    expect: str | None
    stored: dict | None  # the object as stored before the request (UPDATE, DELETE)
    sent: dict | None  # the object the request carries (CREATE, UPDATE)

    @property
    def id(self) -> str:
        return f"{self.policy}/{'allow' if self.allowed else 'deny'}/{self.path.stem}"

    @property
    def subject(self) -> dict:
        return self.sent if self.sent is not None else self.stored

    @property
    def namespace(self) -> str | None:
        return self.subject["metadata"].get("namespace")


def load_sample(path: Path) -> Sample:
    text = path.read_text()
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].strip().partition(":")
        if sep and key.strip() in ("expect", "operation", "as"):
            headers[key.strip()] = value.strip()
    allowed = path.parent.name == "allow"
    assert path.parent.name in ("allow", "deny"), path
    if not allowed:
        assert text.startswith("# expect: "), f"{path}: a deny sample's first line is `# expect: <message substring>`"
    operation = headers.get("operation", "CREATE")
    identity = headers.get("as", "tenant")
    assert operation in OPERATIONS, f"{path}: operation {operation!r}"
    assert identity in IDENTITIES, f"{path}: as {identity!r}"
    docs = [d for d in yaml.safe_load_all(text) if d]
    expected_docs = {"CREATE": 1, "UPDATE": 2, "DELETE": 1}[operation]
    assert len(docs) == expected_docs, f"{path}: {operation} needs {expected_docs} document(s), has {len(docs)}"
    stored, sent = {"CREATE": (None, docs[0]), "UPDATE": (docs[0], docs[-1]), "DELETE": (docs[0], None)}[operation]
    return Sample(path, path.parent.parent.name, allowed, operation, identity, headers.get("expect"), stored, sent)


def samples() -> list[Sample]:
    return [load_sample(p) for p in sorted(SAMPLES.glob("*/*/*.yaml"))]

"""Install Berth on a cluster: the embedded control plane, or a real one named by kubeconfig/context.

    target = Target.embedded(controlplane)          # or Target(kubeconfig=..., context=...)
    problems = check_prerequisites(target, profile)  # real clusters only; refuse when non-empty
    install_platform(target, profile, embedded=True)
    print(status(target))
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import yaml

from . import kubeschema
from .config import HELM, KUBECTL, REPO_ROOT, kube_minors
from .manifest import Manifest, api_group
from .platform import Profile, Release, merge_values, release_values
from .render import RenderError, build_overlay, chart_dir, render_chart
from .upstream import upstream_crds
from .validate import berth_crds

TENANT_OVERLAYS = REPO_ROOT / "overlays" / "tenants"
#: CRDs a real cluster must already have: Berth routes through Istio and is scraped by prometheus-operator.
REQUIRED_CRDS = (
    "gateways.networking.istio.io", "virtualservices.networking.istio.io", "destinationrules.networking.istio.io",
    "servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com",
)
FIELD_MANAGER = "berth"


class ClusterError(RuntimeError):
    pass


@dataclass(frozen=True)
class Target:
    """Where kubectl and Helm point: a kubeconfig file and/or a context in it."""

    kubeconfig: Path | None = None
    context: str | None = None
    embedded: bool = False

    def _flags(self, helm: bool = False) -> list[str]:
        flags = []
        if self.kubeconfig:
            flags += ["--kubeconfig", str(self.kubeconfig)]
        if self.context:
            flags += ["--kube-context" if helm else "--context", self.context]
        return flags

    def kubectl(self, *args: object, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(KUBECTL.path), *self._flags(), *map(str, args)], capture_output=True, text=True, input=input)
        if check and proc.returncode != 0:
            raise ClusterError(f"kubectl {' '.join(map(str, args[:3]))}…: {proc.stderr.strip()}")
        return proc

    def helm(self, major: int, *args: object, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(HELM[major].path), *self._flags(helm=True), *map(str, args)], capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise ClusterError(f"helm {' '.join(map(str, args[:2]))}: {proc.stderr.strip()}")
        return proc

    def apply(self, text: str, *, dry_run: bool = False) -> str:
        """Server-side apply (optionally a server-side dry run) of a YAML stream."""
        args = ["apply", "--server-side", "--force-conflicts", f"--field-manager={FIELD_MANAGER}", "-f", "-"]
        if dry_run:
            args.append("--dry-run=server")
        return self.kubectl(*args, input=text).stdout

    def server_version(self) -> str:
        return json.loads(self.kubectl("version", "-o", "json").stdout)["serverVersion"]["gitVersion"]


# --- prerequisites (real clusters) ----------------------------------------------------------------

def check_prerequisites(target: Target, profile: Profile) -> list[str]:
    """What the cluster lacks for this profile; empty when Berth can be installed. Changes nothing."""
    try:
        version = target.server_version()
    except ClusterError as e:
        return [f"cannot reach the cluster: {e}"]
    problems: list[str] = []
    renders: list[Manifest] = []
    for release in profile.releases:
        try:
            renders.append(render_chart(release.chart, release=release.name, namespace=release.namespace,
                                        values=release.values, values_files=release.values_files, kube_version=version))
        except RenderError as e:
            if "kubeVersion" in str(e):
                problems.append(f"Kubernetes {version}: chart {release.chart} needs {_kube_version_constraint(release)}")
            else:
                problems.append(f"chart {release.chart} does not render: {str(e).splitlines()[-1]}")
    installed = set(target.kubectl("get", "crd", "-o", "name", check=False).stdout.replace("customresourcedefinition.apiextensions.k8s.io/", "").split())
    own = {o["metadata"]["name"] for m in renders for o in m.of_kind("CustomResourceDefinition")}
    needed = set(REQUIRED_CRDS) | _crds_used(renders)
    problems += [f"CRD {name} is not installed" for name in sorted(needed - installed - own)]
    for verb, resource, namespace in _rights_needed(renders):
        can = target.kubectl("auth", "can-i", verb, resource, *(["-n", namespace] if namespace else []), check=False)
        if can.stdout.strip() != "yes":
            problems.append(f"missing permission: {verb} {resource}" + (f" in namespace {namespace}" if namespace else ""))
    return problems


def _kube_version_constraint(release: Release) -> str:
    return f"kubeVersion {yaml.safe_load((chart_dir(release.chart) / 'Chart.yaml').read_text()).get('kubeVersion')}"


def _plural(kind: str, group: str = "") -> str:
    """The resource name of a kind: from its CRD when one declares it, else the English rule the API uses."""
    for crd in (*upstream_crds(), *berth_crds()):
        if crd["spec"]["group"] == group and crd["spec"]["names"]["kind"] == kind:
            return crd["spec"]["names"]["plural"]
    lower = kind.lower()
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "o", "u"):
        return lower[:-1] + "ies"
    return lower + ("es" if lower.endswith(("s", "x", "ch", "sh")) else "s")


def _crds_used(renders: Sequence[Manifest]) -> set[str]:
    """CRD names of the custom kinds the renders contain (e.g. servicemonitors.monitoring.coreos.com)."""
    minor = kube_minors()[-1]
    return {f"{_plural(o['kind'], api_group(o))}.{api_group(o)}" for m in renders for o in m
            if not kubeschema.is_builtin(o["apiVersion"], o["kind"], minor)}


def _rights_needed(renders: Sequence[Manifest]) -> list[tuple[str, str, str | None]]:
    rights = {("create", "namespaces", None)}
    for manifest in renders:
        for o in manifest:
            group = api_group(o)
            resource = _plural(o["kind"], group) + (f".{group}" if group else "")
            rights.add(("create", resource, o["metadata"].get("namespace")))
    return sorted(rights, key=lambda r: (r[1], r[2] or ""))


# --- install ---------------------------------------------------------------------------------------

def as_list(objects: Sequence[dict]) -> str:
    """Objects as one JSON `List`: kubectl reads it like a YAML stream, and it is much faster to write."""
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": list(objects)})


def established(crd: dict) -> bool:
    conditions = (crd.get("status") or {}).get("conditions") or []  # null until the server has looked at it
    return any(c["type"] == "Established" and c["status"] == "True" for c in conditions)


def wait_established(target: Target, names: Sequence[str], timeout: float = 120) -> None:
    """Wait until every named CRD reports Established (one `get` per poll, not one `wait` per CRD)."""
    deadline = time.monotonic() + timeout
    pending = set(names)
    while pending:
        crds = json.loads(target.kubectl("get", "crd", "-o", "json").stdout)["items"]
        pending -= {c["metadata"]["name"] for c in crds if established(c)}
        if pending and time.monotonic() > deadline:
            raise ClusterError(f"CRDs not established after {timeout:.0f}s: {', '.join(sorted(pending))}")
        if pending:
            time.sleep(0.3)


def install_upstream_crds(target: Target) -> int:
    """Server-side apply every upstream CRD (Istio, prometheus-operator, cert-manager, Gateway API) and wait
    until each is established. For the embedded control plane; real clusters bring their own."""
    crds = upstream_crds()
    target.apply(as_list(crds))
    wait_established(target, [c["metadata"]["name"] for c in crds])
    return len(crds)


def install_release(target: Target, release: Release, *, helm: int = 4, embedded: bool = False,
                    extra_values: dict | None = None, take_ownership: bool = False) -> None:
    """`helm upgrade --install` one release (creating its namespace). `take_ownership` lets the release adopt
    objects Kubernetes created itself (a new namespace's `default` ServiceAccount, for berth-tenant)."""
    values = merge_values(release_values(release, embedded=embedded), extra_values or {})
    with tempfile.TemporaryDirectory() as tmp:
        values_file = Path(tmp) / "values.yaml"
        values_file.write_text(yaml.safe_dump(values))
        files = [a for f in (*release.values_files, values_file) for a in ("--values", f)]
        target.helm(helm, "upgrade", "--install", release.name, chart_dir(release.chart),
                    "--namespace", release.namespace, "--create-namespace", *files,
                    *(["--take-ownership"] if take_ownership else []))


def release_namespaces(release: Release, *, embedded: bool) -> set[str]:
    """Every namespace a release's objects live in, beside its own."""
    manifest = render_chart(release.chart, release=release.name, namespace=release.namespace,
                            values=release_values(release, embedded=embedded), values_files=release.values_files)
    return {o["metadata"]["namespace"] for o in manifest if o["metadata"].get("namespace")} - {release.namespace}


def create_namespaces(target: Target, names: set[str]) -> None:
    if names:
        target.apply(as_list([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in sorted(names)]))


def tenant_overlays() -> list[Path]:
    return sorted(p.parent for p in TENANT_OVERLAYS.glob("*/kustomization.yaml"))


def install_platform(target: Target, profile: Profile, *, helm: int = 4, embedded: bool = False,
                     progress: Callable[[str], None] = lambda _: None) -> None:
    """Upstream CRDs (embedded only), then every release of the profile in order, then tenant overlays."""
    if embedded:
        progress("install upstream CRDs")
        install_upstream_crds(target)
    for release in profile.releases:
        if embedded:
            # Namespaces a real cluster already has (istio-system from Istio's install, for instance).
            create_namespaces(target, release_namespaces(release, embedded=True))
        progress(f"helm install {release.name}")
        install_release(target, release, helm=helm, embedded=embedded)
        # CRDs a release installs must be served before later releases create their objects.
        crds = json.loads(target.kubectl("get", "crd", "-l", f"app.kubernetes.io/instance={release.name}", "-o", "json").stdout)
        wait_established(target, [c["metadata"]["name"] for c in crds["items"]])
    for overlay in tenant_overlays():
        progress(f"apply overlay {overlay.relative_to(REPO_ROOT)}")
        target.apply(build_overlay(overlay, helm=helm).text)


# --- status ----------------------------------------------------------------------------------------

@dataclass
class Status:
    releases: list[dict] = field(default_factory=list)
    crds_established: int = 0
    crds_total: int = 0
    objects_per_namespace: Counter = field(default_factory=Counter)


def status(target: Target, helm: int = 4) -> Status:
    result = Status()
    result.releases = json.loads(target.helm(helm, "list", "--all-namespaces", "--output", "json").stdout or "[]")
    crds = json.loads(target.kubectl("get", "crd", "-o", "json").stdout)["items"]
    result.crds_total = len(crds)
    result.crds_established = sum(map(established, crds))
    kinds = target.kubectl("api-resources", "--namespaced", "--verbs=list", "-o", "name").stdout.split()
    kinds = [k for k in kinds if k not in ("events", "events.events.k8s.io")]
    items = json.loads(target.kubectl("get", ",".join(kinds), "--all-namespaces", "-o", "json").stdout)["items"]
    result.objects_per_namespace = Counter(o["metadata"]["namespace"] for o in items)
    return result

"""Tenant onboarding: write a tenant's Kustomize overlay from the shared base, or list the tenants.

An overlay is `overlays/tenants/<name>/` with a kustomization that inflates the berth-tenant chart from
the repository (values: the shared `base/values.yaml`, optional component value layers, then the
tenant's own `values.yaml`). Everything is checked before anything is written: the name, the quotas,
and a full render of the chart with the new values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from .config import REPO_ROOT, default_kube_version
from .platform import merge_values
from .render import RenderError, render_chart

TENANTS_DIR = REPO_ROOT / "overlays" / "tenants"
COMPONENTS_DIR = REPO_ROOT / "overlays" / "components"
BASE_VALUES = TENANTS_DIR / "base" / "values.yaml"
RELEASE_NAMESPACE = "berth-system"
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
#: Namespaces a tenant may never be: Kubernetes', the mesh's, the platform's, and the overlay base.
RESERVED = {"default", "kube-system", "kube-public", "kube-node-lease", "istio-system", "istio-ingress",
            "seldon-system", "berth-system", "monitoring", "cert-manager", "base"}
QUANTITY = re.compile(r"^([0-9]+(\.[0-9]+)?)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$")


class TenantError(ValueError):
    """A one-line reason the tenant cannot be onboarded; nothing was written."""


@dataclass
class TenantRequest:
    name: str
    admins: list[str]
    developers: list[str] = field(default_factory=list)
    viewers: list[str] = field(default_factory=list)
    cpu: str | None = None
    memory: str | None = None
    gpus: int = 0
    pools: list[str] = field(default_factory=list)


def _positive_quantity(flag: str, value: str, memory: bool) -> None:
    match = QUANTITY.match(value)
    if not match:
        raise TenantError(f"{flag} {value!r} is not a Kubernetes quantity (e.g. {'64Gi' if memory else '8 or 500m'})")
    try:
        if Decimal(match.group(1)) <= 0:
            raise TenantError(f"{flag} must be greater than zero, not {value}")
    except InvalidOperation:  # pragma: no cover - the pattern only admits decimals
        raise TenantError(f"{flag} {value!r} is not a number")
    if memory and match.group(3) in (None, "m", "k"):
        raise TenantError(f"{flag} {value!r} needs a byte unit such as Mi or Gi")


def check(request: TenantRequest, tenants_dir: Path | None = None) -> None:
    tenants_dir = tenants_dir or TENANTS_DIR
    name = request.name
    if not DNS_LABEL.match(name) or len(name) > 53:
        raise TenantError(f"tenant name {name!r} must be a DNS label: lowercase letters, digits and '-', at most 53 characters")
    if name in RESERVED or name.startswith(("kube-", "istio-", "openshift-")):
        raise TenantError(f"tenant name {name!r} is a system or platform namespace")
    if (tenants_dir / name).exists():
        raise TenantError(f"tenant {name!r} already exists ({(tenants_dir / name).relative_to(tenants_dir.parent.parent)})")
    if not request.admins:
        raise TenantError("--admins needs at least one group")
    for flag, groups in (("--admins", request.admins), ("--developers", request.developers), ("--viewers", request.viewers)):
        for group in groups:
            if group.startswith("system:") or not group.strip() or " " in group:
                raise TenantError(f"{flag} {group!r} is not allowed: name an identity-provider group, not a system group")
    if request.cpu is not None:
        _positive_quantity("--cpu", request.cpu, memory=False)
    if request.memory is not None:
        _positive_quantity("--memory", request.memory, memory=True)
    if request.gpus < 0:
        raise TenantError(f"--gpus must be 0 or more, not {request.gpus}")
    if request.gpus and not request.pools:
        raise TenantError("--gpus needs --pool: name the GPU node pool(s) the tenant may use")
    if request.pools and not request.gpus:
        raise TenantError("--pool is only meaningful with --gpus greater than 0")
    for pool in request.pools:
        if not DNS_LABEL.match(pool):
            raise TenantError(f"--pool {pool!r} is not a pool name (a DNS label)")


def tenant_values(request: TenantRequest) -> dict:
    values: dict = {
        "tenant": request.name,
        "groups": {"admins": request.admins, "developers": request.developers, "viewers": request.viewers},
        # The ingress admits the tenant's own identity-provider groups into its namespace.
        "access": {"values": sorted(set(request.admins + request.developers))},
    }
    if request.cpu or request.memory:
        values["quota"] = {}
        if request.cpu:
            values["quota"].update(requestsCpu=request.cpu, limitsCpu=request.cpu)
        if request.memory:
            values["quota"].update(requestsMemory=request.memory, limitsMemory=request.memory)
    if request.gpus:
        values["gpu"] = {"count": request.gpus, "pools": request.pools}
    return values


def kustomization(request: TenantRequest) -> dict:
    values_files = ["../../components/gpu-access/values.yaml"] if request.gpus else []
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        # Components' objects (extra NetworkPolicies, …) land in the tenant's namespace too.
        "namespace": request.name,
        "labels": [{"pairs": {"berth.dev/tenant": request.name}}],
        "helmGlobals": {"chartHome": "../../../charts"},
        "helmCharts": [{
            "name": "berth-tenant",
            "releaseName": request.name,
            "namespace": RELEASE_NAMESPACE,
            # Kustomize passes no --kube-version; Helm 3 would assume v1.20 and refuse the charts' floor.
            "kubeVersion": default_kube_version(),
            "valuesFile": "../base/values.yaml",
            "additionalValuesFiles": [*values_files, "values.yaml"],
        }],
    }


def overlay_values(overlay: Path) -> dict:
    """The chart values an overlay's helmCharts entry amounts to (base, layers, own values, merged as Helm does)."""
    (chart,) = yaml.safe_load((overlay / "kustomization.yaml").read_text())["helmCharts"]
    values: dict = {}
    for f in [chart.get("valuesFile"), *chart.get("additionalValuesFiles", [])]:
        if f:
            values = merge_values(values, yaml.safe_load((overlay / f).read_text()) or {})
    return merge_values(values, chart.get("valuesInline") or {})


def new_tenant(request: TenantRequest, tenants_dir: Path | None = None) -> Path:
    """Check everything, render the chart with the values, then (only then) write the overlay."""
    tenants_dir = tenants_dir or TENANTS_DIR
    check(request, tenants_dir)
    own = tenant_values(request)
    layers = [yaml.safe_load(BASE_VALUES.read_text())]
    if request.gpus:
        layers.append(yaml.safe_load((COMPONENTS_DIR / "gpu-access" / "values.yaml").read_text()))
    merged: dict = {}
    for layer in [*layers, own]:
        merged = merge_values(merged, layer)
    try:
        render_chart("berth-tenant", release=request.name, namespace=RELEASE_NAMESPACE, values=merged)
    except RenderError as e:
        raise TenantError(f"the berth-tenant chart refuses these values: {str(e).splitlines()[-1].strip()}") from None
    target = tenants_dir / request.name
    target.mkdir(parents=True)
    header = f"# Tenant {request.name}, written by `berth tenant new`. Edit freely; `berth tenant list` reads it.\n"
    (target / "kustomization.yaml").write_text(header + yaml.safe_dump(kustomization(request), sort_keys=False))
    (target / "values.yaml").write_text(header + yaml.safe_dump(own, sort_keys=False))
    return target


@dataclass(frozen=True)
class TenantSummary:
    name: str
    namespace: str
    cpu: str
    memory: str
    gpus: int
    pools: tuple[str, ...]
    admins: tuple[str, ...]


def list_tenants(tenants_dir: Path | None = None) -> list[TenantSummary]:
    tenants_dir = tenants_dir or TENANTS_DIR
    chart_defaults = yaml.safe_load((REPO_ROOT / "charts" / "berth-tenant" / "values.yaml").read_text())
    out = []
    for kustomization_file in sorted(tenants_dir.glob("*/kustomization.yaml")):
        v = merge_values(chart_defaults, overlay_values(kustomization_file.parent))
        gpu = v["gpu"] if v["gpu"]["enabled"] else {"count": 0, "pools": []}
        out.append(TenantSummary(v["tenant"], v.get("namespace") or v["tenant"], str(v["quota"]["requestsCpu"]),
                                 str(v["quota"]["requestsMemory"]), int(gpu["count"]), tuple(gpu["pools"]),
                                 tuple(v["groups"]["admins"])))
    return out

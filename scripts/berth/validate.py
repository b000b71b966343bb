"""One validation for every render, shared by the tests and `berth render`.

Each object is checked
- strictly against the Kubernetes OpenAPI schema of every supported minor (built-in kinds), or
- against the openAPIV3Schema of its CRD (Berth's own CRDs, CRDs in the same render, and upstream
  CRDs from pinned Go modules);
an object that matches neither is an error: nothing reaches a cluster unchecked.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from . import kubeschema
from .config import kube_minors
from .crdschema import CRDRegistry
from .manifest import Manifest, object_ref


@dataclass(frozen=True)
class Problem:
    ref: str
    check: str  # e.g. "kubernetes 1.34", "crd", "unknown kind"
    message: str

    def __str__(self) -> str:
        return f"{self.ref} [{self.check}] {self.message}"


@dataclass
class Report:
    source: str
    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # check -> objects passed

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        if self.problems:
            lines = "\n  ".join(str(p) for p in self.problems[:50])
            more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
            raise AssertionError(f"{self.source}: {len(self.problems)} validation problem(s):\n  {lines}{more}")


@functools.cache
def berth_crds() -> tuple[dict, ...]:
    """The CRDs Berth's own charts install (rendered with default values)."""
    from .config import CHARTS_DIR
    from .render import render_chart

    crds: list[dict] = []
    for chart in sorted(CHARTS_DIR.glob("*/Chart.yaml")):
        if (chart.parent / "templates").is_dir() and chart.parent.name.endswith("-crds"):
            crds += render_chart(chart.parent).of_kind("CustomResourceDefinition")
    return tuple(crds)


@functools.cache
def default_registry() -> CRDRegistry:
    from .upstream import upstream_crds

    return CRDRegistry().extend(upstream_crds()).extend(berth_crds())


def validate_manifest(
    manifest: Manifest,
    *,
    minors: Iterable[str] | None = None,
    registry: CRDRegistry | None = None,
) -> Report:
    minors = list(minors or kube_minors())
    registry = registry or default_registry()
    local = manifest.of_kind("CustomResourceDefinition")
    if local:  # CRs may use CRDs that the same render installs
        merged = CRDRegistry(dict(registry.schemas))
        registry = merged.extend(local)
    report = Report(manifest.source)
    for obj in manifest:
        ref = object_ref(obj)
        api_version, kind = obj["apiVersion"], obj["kind"]
        builtin_at = [m for m in minors if kubeschema.is_builtin(api_version, kind, m)]
        if builtin_at:
            for minor in minors:
                check = f"kubernetes {minor}"
                if minor not in builtin_at:
                    report.problems.append(Problem(ref, check, f"{api_version} {kind} is not served by Kubernetes {minor}"))
                    continue
                found = kubeschema.validate(obj, minor)
                report.problems += [Problem(ref, check, msg) for msg in found]
                if not found:
                    report.checked[check] += 1
        elif registry.knows(api_version, kind):
            found = registry.validate(obj) + kubeschema.validate_metadata(obj, minors[-1])
            report.problems += [Problem(ref, "crd", msg) for msg in found]
            if not found:
                report.checked["crd"] += 1
        else:
            report.problems.append(Problem(ref, "unknown kind", f"no Kubernetes schema and no CRD for {api_version} {kind}"))
    return report

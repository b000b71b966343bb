"""`make bench`: measure render speed and object sizes, and write docs/benchmarks.md.

Speed and size are measured here, never asserted in timed tests. Figures depend on the machine; the
file records which one.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

from .config import HELM_MAJORS, REPO_ROOT, versions
from .platform import load_profile, render_profile
from .render import ci_values_files, render_chart
from .testing import chart_names
from .validate import validate_manifest

CRD_SIZE_LIMIT = 262_144  # bytes; beyond this client-side apply's last-applied annotation fails


def _timed(fn, repeat: int = 3) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _control_plane_figures() -> list[str]:
    """Start the embedded control plane, install the default profile on it (what `make up` does), stop it."""
    from .cluster import Target, install_platform
    from .controlplane import ControlPlane

    plane = ControlPlane(REPO_ROOT / ".berth" / "bench")
    try:
        start = time.perf_counter()
        plane.start()
        started = time.perf_counter() - start
        start = time.perf_counter()
        install_platform(Target(kubeconfig=plane.kubeconfig, embedded=True), load_profile("default"), embedded=True)
        installed = time.perf_counter() - start
    finally:
        plane.destroy()
    return ["## Embedded control plane (`make up`)", "",
            "| Step | Seconds |", "|---|---|",
            f"| start kube-apiserver + etcd + kube-controller-manager, controllers synced | {started:.1f} |",
            f"| install upstream CRDs, the default profile's releases and the tenant overlays | {installed:.1f} |", ""]


def run(output: Path = REPO_ROOT / "docs" / "benchmarks.md") -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {date.today().isoformat()}: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, Helm {versions()['HELM3_VERSION']} / {versions()['HELM4_VERSION']}. "
        "Times are medians of 3 runs; they move with the machine, sizes do not.",
        "",
        "## Render and validate, per chart and ci values file",
        "",
        "| Chart | ci values | Objects | Helm 3 render (s) | Helm 4 render (s) | Validate 1.30–1.37 + CRDs (s) |",
        "|---|---|---|---|---|---|",
    ]
    for chart in chart_names():
        for ci in ci_values_files(chart):
            renders = {h: _timed(lambda h=h: render_chart(chart, helm=h, values_files=[ci])) for h in HELM_MAJORS}
            manifest = render_chart(chart, values_files=[ci])
            validate_manifest(manifest)  # warm the schema caches
            check = _timed(lambda: validate_manifest(manifest))
            lines.append(f"| {chart} | {ci.name} | {len(manifest)} | {renders[3]:.2f} | {renders[4]:.2f} | {check:.3f} |")

    crds = render_chart("berth-crds").of_kind("CustomResourceDefinition")
    lines += ["", "## CRD size", "", f"Limit: {CRD_SIZE_LIMIT:,} bytes (client-side `kubectl apply`, Argo CD's default sync).", "",
              "| CRD | Serialized JSON (bytes) | Share of limit |", "|---|---|---|"]
    for crd in crds:
        size = len(json.dumps(crd, separators=(",", ":")))
        lines.append(f"| {crd['metadata']['name']} | {size:,} | {size / CRD_SIZE_LIMIT:.0%} |")

    start = time.perf_counter()
    results = render_profile(load_profile("default"))
    whole = time.perf_counter() - start
    lines += ["", "## Whole platform (`make render`, default profile)", "",
              f"{sum(len(r.manifest) for r in results)} objects in {len(results)} releases: render, validate and "
              f"checkov scan in {whole:.1f} s.", ""]
    lines += _control_plane_figures()
    text = "\n".join(lines)
    output.write_text(text)
    return text

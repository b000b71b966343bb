"""Render charts and overlays with the pinned tools: the one way Berth turns sources into objects.

    render_chart("berth-operator", helm=4, values={"replicas": 2})       -> Manifest
    build_overlay("overlays/tenants/acme")                               -> Manifest
    lint_chart("berth-operator", helm=3, values_files=[...])             -> LintResult

`--kube-version` is always passed explicitly, so a render never depends on a cluster or on Helm's
built-in default. Library charts referenced as `file://` dependencies are packaged into the chart's
`charts/` folder (git-ignored) on first use, and again whenever one of them changes.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

from .config import CHARTS_DIR, HELM, KUSTOMIZE, default_kube_version
from .manifest import Manifest


class RenderError(RuntimeError):
    """A tool refused to render; the message is the tool's own error output."""


def chart_dir(chart: str | Path) -> Path:
    path = Path(chart)
    return path if path.is_dir() else CHARTS_DIR / str(chart)


def _run(cmd: Sequence[str | Path], cwd: Path | None = None) -> tuple[str, list[str]]:
    """Run a tool; return its output and the warnings it printed. RenderError when it fails."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd)
    if proc.returncode != 0:
        raise RenderError((proc.stderr or proc.stdout).strip())
    return proc.stdout, [line for line in proc.stderr.splitlines() if line.strip()]


def _tree_digest(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for root in paths:
        for f in sorted(p for p in root.rglob("*") if p.is_file() and "charts" not in p.relative_to(root).parts[:1]):
            digest.update(str(f.relative_to(root)).encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()


def ensure_dependencies(chart: str | Path, helm: int = 3) -> None:
    """Package the chart's `file://` dependencies into its charts/ folder when they changed."""
    path = chart_dir(chart)
    meta = yaml.safe_load((path / "Chart.yaml").read_text())
    deps = [d for d in meta.get("dependencies") or [] if str(d.get("repository", "")).startswith("file://")]
    if not deps:
        return
    sources = [path / "Chart.yaml"] + [(path / d["repository"][len("file://"):]).resolve() for d in deps]
    stamp_value = _tree_digest([s for s in sources if s.is_dir()]) + hashlib.sha256(sources[0].read_bytes()).hexdigest()
    out = path / "charts"
    out.mkdir(exist_ok=True)
    stamp = out / ".berth-dependencies"
    # Parallel test workers render the same charts: one builds, the others wait and reuse.
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == stamp_value:
            return
        _run([HELM[helm].path, "dependency", "update", "--skip-refresh", path])
        stamp.write_text(stamp_value)


def _values_args(values: dict[str, Any] | None, values_files: Sequence[Path | str], set_values: Sequence[str], tmp: Path) -> list[str]:
    args: list[str] = []
    for f in values_files:
        args += ["--values", str(f)]
    if values:
        inline = tmp / "values.yaml"
        inline.write_text(yaml.safe_dump(values, sort_keys=False))
        args += ["--values", str(inline)]
    for s in set_values:
        args += ["--set", s]
    return args


def render_chart(
    chart: str | Path,
    *,
    helm: int = 3,
    release: str | None = None,
    namespace: str = "default",
    values: dict[str, Any] | None = None,
    values_files: Sequence[Path | str] = (),
    set_values: Sequence[str] = (),
    kube_version: str | None = None,
    api_versions: Sequence[str] = (),
    is_upgrade: bool = False,
) -> Manifest:
    """`helm template` a chart and parse what it printed. Raises RenderError when Helm refuses."""
    path = chart_dir(chart)
    ensure_dependencies(path, helm)
    release = release or path.name
    kube_version = kube_version or default_kube_version()
    with tempfile.TemporaryDirectory() as tmp:
        cmd: list[str | Path] = [
            HELM[helm].path, "template", release, path,
            "--namespace", namespace,
            "--kube-version", kube_version,
            *_values_args(values, values_files, set_values, Path(tmp)),
        ]
        for api in api_versions:
            cmd += ["--api-versions", api]
        if is_upgrade:
            cmd.append("--is-upgrade")
        text, warnings = _run(cmd)
    label = f"{path.name} (helm{helm}, kube {kube_version}{', ' + ', '.join(map(str, values_files)) if values_files else ''})"
    return Manifest.from_yaml(text, source=label, warnings=warnings)


@dataclass
class LintResult:
    ok: bool
    output: str


def lint_chart(
    chart: str | Path,
    *,
    helm: int = 3,
    values_files: Sequence[Path | str] = (),
    values: dict[str, Any] | None = None,
    kube_version: str | None = None,
    namespace: str = "default",
) -> LintResult:
    """`helm lint --strict` (warnings fail too)."""
    path = chart_dir(chart)
    ensure_dependencies(path, helm)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            str(HELM[helm].path), "lint", "--strict", str(path),
            "--namespace", namespace,
            "--kube-version", kube_version or default_kube_version(),
            *_values_args(values, values_files, (), Path(tmp)),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True)
    return LintResult(proc.returncode == 0, (proc.stdout + proc.stderr).strip())


def build_overlay(path: str | Path, *, helm: int = 4, enable_helm: bool = True) -> Manifest:
    """`kustomize build` an overlay (with `--enable-helm`, using the pinned Helm).

    Overlays inflate the charts in this repository's charts/ folder, outside the overlay's own tree,
    so kustomize's load restrictor is lifted.
    """
    _ensure_overlay_chart_dependencies(Path(path), helm)
    cmd: list[str | Path] = [KUSTOMIZE.path, "build", Path(path), "--load-restrictor", "LoadRestrictionsNone"]
    if enable_helm:
        cmd += ["--enable-helm", "--helm-command", HELM[helm].path]
    text, warnings = _run(cmd)
    return Manifest.from_yaml(text, source=f"kustomize build {path}", warnings=warnings)


def _ensure_overlay_chart_dependencies(overlay: Path, helm: int) -> None:
    """Local charts an overlay (or the components and bases it pulls in) inflates need their `file://`
    dependencies packaged, as `helm template` does not fetch them."""
    kustomization = overlay / "kustomization.yaml"
    if not kustomization.is_file():
        return
    data = yaml.safe_load(kustomization.read_text()) or {}
    home = overlay / (data.get("helmGlobals") or {}).get("chartHome", "charts")
    for chart in data.get("helmCharts") or []:
        if (home / chart["name"] / "Chart.yaml").is_file():
            ensure_dependencies(home / chart["name"], helm)
    for ref in (data.get("resources") or []) + (data.get("components") or []):
        if (overlay / ref).is_dir():
            _ensure_overlay_chart_dependencies(overlay / ref, helm)


def ci_values_files(chart: str | Path) -> list[Path]:
    """The chart's `ci/*-values.yaml` files: one per feature combination, each rendered by the tests."""
    return sorted((chart_dir(chart) / "ci").glob("*-values.yaml"))

"""The platform as a whole: a profile names the releases; render and validate them all."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jsonschema
import yaml

from .config import CHARTS_DIR, REPO_ROOT
from .manifest import Manifest
from .render import render_chart
from .security import ScanResult, scan
from .validate import Report, validate_manifest

PROFILES_DIR = REPO_ROOT / "overlays" / "platform"


class ProfileError(ValueError):
    pass


@dataclass(frozen=True)
class Release:
    name: str
    chart: str
    namespace: str
    values: dict[str, Any]
    values_files: tuple[Path, ...]
    #: merged over `values` only when installing on the embedded control plane
    embedded_values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    name: str
    kube_version: str
    releases: tuple[Release, ...]


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def load_profile(name: str) -> Profile:
    path = PROFILES_DIR / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.yaml")))
        raise ProfileError(f"unknown profile {name!r} (profiles: {known})")
    data = yaml.safe_load(path.read_text()) or {}
    schema = json.loads((Path(__file__).parent / "profile.schema.json").read_text())
    error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(data))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "<root>"
        raise ProfileError(f"{_shown(path)}: {where}: {error.message}")
    releases = []
    for r in data["releases"]:
        if not (CHARTS_DIR / r["chart"] / "Chart.yaml").is_file():
            raise ProfileError(f"{_shown(path)}: release {r['name']}: no chart charts/{r['chart']}")
        files = tuple((path.parent / f).resolve() for f in r.get("valuesFiles", []))
        for f in files:
            if not f.is_file():
                raise ProfileError(f"{_shown(path)}: release {r['name']}: no values file {f}")
        releases.append(Release(r["name"], r["chart"], r["namespace"], r.get("values") or {}, files,
                                r.get("embeddedValues") or {}))
    return Profile(name, data.get("kubeVersion", ""), tuple(releases))


def merge_values(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge: maps merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        out[key] = merge_values(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def release_values(release: Release, *, embedded: bool) -> dict[str, Any]:
    return merge_values(release.values, release.embedded_values) if embedded else dict(release.values)


@dataclass
class ReleaseResult:
    release: Release
    manifest: Manifest
    report: Report
    scan: ScanResult = field(default_factory=lambda: ScanResult([], []))

    @property
    def ok(self) -> bool:
        return self.report.ok and not self.scan.failed


def render_profile(profile: Profile, *, helm: int = 4, progress: Callable[[str], None] = lambda _: None) -> list[ReleaseResult]:
    """Render every release of the profile, validate each object, and security-scan the lot."""
    results = []
    for release in profile.releases:
        progress(f"render {release.name}")
        manifest = render_chart(
            release.chart, helm=helm, release=release.name, namespace=release.namespace,
            values=release.values, values_files=release.values_files,
            kube_version=profile.kube_version or None,
        )
        progress(f"validate {release.name}")
        results.append(ReleaseResult(release, manifest, validate_manifest(manifest)))
    progress("checkov")
    scans = scan({r.release.name: r.manifest.text for r in results})
    for r in results:
        r.scan = scans[r.release.name]
    return results

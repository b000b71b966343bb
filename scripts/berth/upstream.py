"""Upstream CRDs, read from their pinned Go modules in the module cache (never copied into Berth).

This is how operator projects feed envtest: `go mod download` puts a module's files, CRD manifests
included, under GOMODCACHE; the pins live in versions.env.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .config import versions
from .manifest import load_all


@dataclass(frozen=True)
class UpstreamCRDs:
    name: str
    module: str
    version_key: str  # the versions.env key pinning the module
    globs: tuple[str, ...]

    @property
    def version(self) -> str:
        return versions()[self.version_key]


SOURCES = (
    UpstreamCRDs("prometheus-operator", "github.com/prometheus-operator/prometheus-operator",
                 "PROMETHEUS_OPERATOR_VERSION", ("example/prometheus-operator-crd/*.yaml",)),
    UpstreamCRDs("cert-manager", "github.com/cert-manager/cert-manager",
                 "CERT_MANAGER_VERSION", ("deploy/crds/*.yaml",)),
    UpstreamCRDs("gateway-api", "sigs.k8s.io/gateway-api",
                 "GATEWAY_API_VERSION", ("config/crd/experimental/gateway.networking.k8s.io_*.yaml",)),
    UpstreamCRDs("external-secrets", "github.com/external-secrets/external-secrets",
                 "EXTERNAL_SECRETS_VERSION", ("config/crds/bases/external-secrets.io_externalsecrets.yaml",
                                              "config/crds/bases/external-secrets.io_secretstores.yaml",
                                              "config/crds/bases/external-secrets.io_clustersecretstores.yaml")),
    UpstreamCRDs("istio", "istio.io/api",
                 "ISTIO_API_VERSION", ("kubernetes/customresourcedefinitions.gen.yaml",)),
)


class ModuleUnavailable(RuntimeError):
    pass


def module_dir(module: str, version: str) -> Path:
    """The module's directory in the Go module cache, downloading it on first use."""
    env = {**os.environ, "GOFLAGS": "-mod=mod"}
    proc = subprocess.run(["go", "mod", "download", "-json", f"{module}@{version}"],
                          capture_output=True, text=True, env=env)
    info = json.loads(proc.stdout or "{}")
    if proc.returncode != 0 or "Dir" not in info:
        raise ModuleUnavailable(f"{module}@{version}: {info.get('Error') or proc.stderr.strip()}")
    return Path(info["Dir"])


def fetch_all() -> list[Path]:
    """Download every pinned module (what `make tools` does once)."""
    return [module_dir(s.module, s.version) for s in SOURCES]


def _crds_in(source: UpstreamCRDs) -> Iterator[dict[str, Any]]:
    root = module_dir(source.module, source.version)
    for pattern in source.globs:
        for path in sorted(root.glob(pattern)):
            for doc in load_all(path.read_text()):
                if doc.get("kind") == "CustomResourceDefinition":
                    yield doc


@functools.cache
def upstream_crds() -> tuple[dict[str, Any], ...]:
    """Every upstream CRD Berth's objects may use, from all pinned sources."""
    return tuple(crd for source in SOURCES for crd in _crds_in(source))

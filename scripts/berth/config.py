"""Where things are: the repository, the pinned versions (versions.env) and the installed tools."""

from __future__ import annotations

import functools
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHARTS_DIR = REPO_ROOT / "charts"
BIN_DIR = REPO_ROOT / "bin"

#: Library charts are building blocks for other charts; they render nothing on their own.
LIBRARY_CHARTS = frozenset({"berth-common"})


class ToolMissing(RuntimeError):
    """A pinned tool is not installed; `make tools` installs it."""


@functools.cache
def versions() -> dict[str, str]:
    """The pins in versions.env (KEY=value lines; `#` starts a comment)."""
    pins: dict[str, str] = {}
    for line in (REPO_ROOT / "versions.env").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, _, value = line.partition("=")
        pins[key.strip()] = " ".join(shlex.split(value))
    return pins


def kube_minors() -> list[str]:
    """Every Kubernetes minor Berth supports, oldest first (e.g. ["1.30", …, "1.37"])."""
    return versions()["KUBE_MINORS"].split()


def default_kube_version() -> str:
    return versions()["DEFAULT_KUBE_VERSION"]


@dataclass(frozen=True)
class Tool:
    name: str

    @property
    def path(self) -> Path:
        override = os.environ.get(f"BERTH_{self.name.upper()}")
        path = Path(override) if override else BIN_DIR / self.name
        if not path.exists():
            raise ToolMissing(f"{self.name} is not installed at {path}; run `make tools`")
        return path


HELM = {3: Tool("helm3"), 4: Tool("helm4")}
KUSTOMIZE = Tool("kustomize")
KUBECTL = Tool("kubectl")
PROMTOOL = Tool("promtool")
ISTIOCTL = Tool("istioctl")
KUBE_APISERVER = Tool("kube-apiserver")
KUBE_CONTROLLER_MANAGER = Tool("kube-controller-manager")
ETCD = Tool("etcd")
HELM_MAJORS = (3, 4)

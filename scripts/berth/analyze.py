"""`istioctl analyze` over rendered manifests, offline (no cluster).

All texts go to one istioctl run, so they are analysed as one set: a VirtualService in one render
resolves a Gateway in another, as they would in the cluster.

What offline analysis cannot see. For file input istioctl drops Pods, Services, Namespaces, Secrets
and Nodes, and skips every analyzer that needs them (selector, injection, gateway-port and
gateway-secret checks). So a Gateway whose `selector` matches no workload gets no message at all
offline (against a cluster it would be IST0101 "Referenced selector not found"). A stub Pod or
Deployment with the gateway's labels changes nothing (it is not read), and no suppression is
needed. A clean result therefore says nothing about whether a gateway has pods: check that with a
test on the rendered workload's labels, or with `istioctl analyze` against a cluster where the pods
run (the embedded control plane has no kubelet, so its pods never run).

A message is hidden only by a suppression with a written reason, in istioctl's `--suppress` syntax
`<code>=<Kind> <namespace>/<name>`, where `*` is a wildcard, e.g. `"IST0101=VirtualService team-a/*"`.
istioctl matches the pattern against the message's origin as printed. The `<name>.<namespace>` form
shown in `istioctl analyze --help` matches nothing in this build.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .config import ISTIOCTL


@dataclass(frozen=True, order=True)
class AnalyzerMessage:
    code: str  # e.g. IST0101
    level: str  # Error or Warning
    origin: str  # istioctl's "Kind namespace/name", the string suppressions match
    message: str

    def __str__(self) -> str:
        return f"{self.level} [{self.code}] ({self.origin}) {self.message}"


def analyze(texts: Mapping[str, str], suppress: Mapping[str, str] | None = None) -> list[AnalyzerMessage]:
    """Analyse the texts (name -> multi-document YAML) as one set; return the Error and Warning messages.

    `suppress` maps istioctl `--suppress` patterns to the reason for each one. Raises ValueError for a
    suppression that has no reason or that istioctl does not accept, and RuntimeError when istioctl
    fails or cannot parse a text.
    """
    suppress = dict(suppress or {})
    for key, reason in suppress.items():
        if not (reason or "").strip():
            raise ValueError(f"suppression {key!r} needs a written reason")
        code, sep, pattern = key.partition("=")
        if not sep or not code or not pattern or "=" in pattern:
            raise ValueError(f"suppression {key!r} is not <code>=<Kind> <namespace>/<name>")
    if not texts:
        return []  # istioctl refuses to run with no input at all
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(texts.values()):
            # Names are not file names, and istioctl skips files without a .yaml/.yml/.json suffix.
            path = Path(tmp) / f"{i:04d}.yaml"
            path.write_text(text)
            paths.append(str(path))
        # -A: without it istioctl reports only the messages of namespace "default".
        cmd = [str(ISTIOCTL.path), "analyze", "--use-kube=false", "--all-namespaces", "--output", "json",
               "--output-threshold", "Warning"]
        for key in suppress:
            cmd += ["--suppress", key]
        proc = subprocess.run([*cmd, *paths], capture_output=True, text=True, timeout=120)
    err = proc.stderr.strip()
    # With --output json istioctl exits 0 even when it finds errors, and also when it skips a
    # document it cannot parse. So a crash is a non-zero exit or a parse error on stderr.
    if proc.returncode != 0 or "Error(s) adding files" in err:
        raise RuntimeError(f"istioctl analyze failed ({proc.returncode}): {err[-2000:]}")
    if "unknown message code" in err:  # istioctl only warns; the suppression would do nothing
        raise ValueError(f"istioctl analyze: {err}")
    # istioctl's logger can write lines to stdout before the JSON, so skip to the array.
    lines = proc.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("[")), None)
    if start is None:
        raise RuntimeError(f"istioctl analyze printed no JSON: {proc.stdout[-2000:]} {err[-2000:]}")
    found = json.loads("\n".join(lines[start:]))
    return sorted(AnalyzerMessage(m["code"], m["level"], m["origin"], m["message"]) for m in found)

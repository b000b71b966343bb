"""checkov's Kubernetes checks over rendered manifests, many renders per checkov run.

checkov takes seconds to start, so callers hand over every render at once: each is written to its
own file, checkov scans the folder once, and findings are mapped back to the render they came from.
A check is skipped only by a per-resource `checkov.io/skip<N>: CKV_K8S_<id>=<reason>` annotation;
docs/security.md lists every such skip and tests keep the two in step.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class CheckResult:
    check_id: str
    check_name: str
    resource: str  # checkov's Kind.namespace.name
    skipped: bool = False
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.check_id} {self.resource}: {self.check_name}" + (f" (skipped: {self.reason})" if self.skipped else "")


@dataclass
class ScanResult:
    failed: list[CheckResult]
    skipped: list[CheckResult]


def _checkov() -> str:
    return str(Path(sys.executable).with_name("checkov"))


def scan(renders: Mapping[str, str]) -> dict[str, ScanResult]:
    """Scan each render (name -> YAML text); return the failed and skipped checks per render name."""
    results = {name: ScanResult([], []) for name in renders}
    if not renders:
        return results
    with tempfile.TemporaryDirectory() as tmp:
        files: dict[str, str] = {}
        for i, (name, text) in enumerate(renders.items()):
            filename = f"render-{i:04d}.yaml"
            (Path(tmp) / filename).write_text(text)
            files[f"/{filename}"] = name
        proc = subprocess.run(
            [_checkov(), "--directory", tmp, "--framework", "kubernetes", "--output", "json",
             "--compact", "--skip-download", "--skip-results-upload"],
            capture_output=True, text=True,
        )
        if proc.returncode not in (0, 1) or not proc.stdout.strip():
            raise RuntimeError(f"checkov failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    reports = json.loads(proc.stdout)
    for report in reports if isinstance(reports, list) else [reports]:
        if not isinstance(report, dict) or "results" not in report:
            continue
        if report["results"].get("parsing_errors"):
            raise RuntimeError(f"checkov could not parse: {report['results']['parsing_errors']}")
        for kind, bucket in (("failed_checks", "failed"), ("skipped_checks", "skipped")):
            for check in report["results"].get(kind, []):
                name = files.get(check["file_path"])
                if name is None:
                    continue
                suppress = check.get("check_result", {}).get("suppress_comment", "")
                getattr(results[name], bucket).append(
                    CheckResult(check["check_id"], check.get("check_name", ""), check["resource"],
                                skipped=bucket == "skipped", reason=suppress)
                )
    return results

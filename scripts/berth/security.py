"""checkov's Kubernetes checks over rendered manifests, many renders per checkov process.

checkov takes seconds to import, and scanning many renders as one directory builds one graph across
all of them: slow (memory grows with the product of objects) and wrong (one render's NetworkPolicy
would "cover" another render's pods). So renders are handed over in batches to worker processes
(`python -m berth.security FILE...`), which import checkov once and run its Kubernetes runner on
each render separately, one graph per render.

A check is skipped only by a per-resource `checkov.io/skip<N>: CKV_K8S_<id>=<reason>` annotation;
docs/security.md lists every such skip and tests keep the two in step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
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


def scan(renders: Mapping[str, str], workers: int | None = None) -> dict[str, ScanResult]:
    """Scan each render (name -> YAML text); return the failed and skipped checks per render name."""
    results = {name: ScanResult([], []) for name in renders}
    if not renders:
        return results
    workers = max(1, min(workers or os.cpu_count() or 1, len(renders)))
    with tempfile.TemporaryDirectory() as tmp:
        files: dict[str, str] = {}
        for i, (name, text) in enumerate(renders.items()):
            # One folder per render: checkov builds its resource graph per folder.
            path = Path(tmp) / f"render-{i:04d}" / "manifest.yaml"
            path.parent.mkdir()
            path.write_text(text)
            files[str(path)] = name
        paths = list(files)
        batches = [paths[i::workers] for i in range(workers)]
        procs = [
            subprocess.Popen([sys.executable, "-m", "berth.security", *batch], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for batch in batches
        ]
        for proc in procs:
            out, err = proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"checkov failed ({proc.returncode}): {err.strip()[-2000:]}")
            for path, found in json.loads(out).items():
                name = files[path]
                results[name].failed += [CheckResult(**c) for c in found["failed"]]
                results[name].skipped += [CheckResult(**c) for c in found["skipped"]]
    return results


def _scan_files(paths: list[str]) -> dict[str, dict[str, list[dict]]]:
    """In the worker: checkov's Kubernetes runner on each render folder, one at a time."""
    import logging

    logging.disable(logging.WARNING)  # checkov logs parse chatter to stderr; failures still raise
    from checkov.kubernetes.runner import Runner
    from checkov.runner_filter import RunnerFilter

    out: dict[str, dict[str, list[dict]]] = {}
    for path in paths:
        report = Runner().run(root_folder=str(Path(path).parent), runner_filter=RunnerFilter(framework=["kubernetes"]))
        reports = report if isinstance(report, list) else [report]
        found: dict[str, list[dict]] = {"failed": [], "skipped": []}
        for r in reports:
            if r.parsing_errors:
                raise RuntimeError(f"checkov could not parse {path}: {r.parsing_errors}")
            for bucket, records in (("failed", r.failed_checks), ("skipped", r.skipped_checks)):
                for rec in records:
                    found[bucket].append(asdict(CheckResult(
                        rec.check_id, rec.check_name or "", rec.resource, skipped=bucket == "skipped",
                        reason=(rec.check_result or {}).get("suppress_comment", ""))))
        out[path] = found
    return out


if __name__ == "__main__":
    json.dump(_scan_files(sys.argv[1:]), sys.stdout)

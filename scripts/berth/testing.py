"""The pytest side of the harness: fixtures that render, validate and security-scan.

Every render a test makes through the `render` fixture is validated at once (Kubernetes schemas of
every supported minor, CRD schemas) and recorded; at the end of the session checkov scans every
recorded render that no test has scanned yet, and the session fails if it finds anything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from .config import CHARTS_DIR, HELM_MAJORS, LIBRARY_CHARTS
from .manifest import Manifest
from .render import RenderError, ci_values_files, render_chart
from .security import ScanResult, scan
from .validate import validate_manifest


@dataclass
class RenderLog:
    """Renders made in this session (by content), and checkov results for those scanned."""

    renders: dict[str, Manifest] = field(default_factory=dict)
    scanned: dict[str, ScanResult] = field(default_factory=dict)

    @staticmethod
    def key(manifest: Manifest) -> str:
        return hashlib.sha256(manifest.text.encode()).hexdigest()

    def record(self, manifest: Manifest) -> None:
        self.renders.setdefault(self.key(manifest), manifest)

    def scan(self, manifests: list[Manifest]) -> list[ScanResult]:
        """checkov results for each manifest, scanning all not yet scanned in one checkov run."""
        for m in manifests:
            self.record(m)
        todo = {k: m.text for k, m in self.renders.items() if k not in self.scanned and m.objects}
        self.scanned.update(scan(todo))
        return [self.scanned.get(self.key(m), ScanResult([], [])) for m in manifests]


RENDER_LOG = RenderLog()


def chart_names() -> list[str]:
    return sorted(p.parent.name for p in CHARTS_DIR.glob("*/Chart.yaml") if p.parent.name not in LIBRARY_CHARTS)


def chart_ci_cases() -> list[tuple[str, str]]:
    """(chart, ci values file name) for every chart's every ci/*-values.yaml."""
    return [(c, f.name) for c in chart_names() for f in ci_values_files(c)]


def render_validated(chart: str | Path, **kwargs: Any) -> Manifest:
    manifest = render_chart(chart, **kwargs)
    validate_manifest(manifest).raise_for_problems()
    RENDER_LOG.record(manifest)
    return manifest


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(params=HELM_MAJORS, ids=lambda m: f"helm{m}")
def helm(request: pytest.FixtureRequest) -> int:
    """The Helm major to render with; tests using it run once per major."""
    return request.param


@pytest.fixture
def render(helm: int) -> Callable[..., Manifest]:
    """render(chart, values=…, values_files=…, kube_version=…, namespace=…) -> validated Manifest."""

    def _render(chart: str, **kwargs: Any) -> Manifest:
        kwargs.setdefault("helm", helm)
        return render_validated(chart, **kwargs)

    return _render


@pytest.fixture
def render_error(helm: int) -> Callable[..., str]:
    """render_error(chart, values=…) -> Helm's error message; fails the test if Helm renders."""

    def _render_error(chart: str, **kwargs: Any) -> str:
        kwargs.setdefault("helm", helm)
        with pytest.raises(RenderError) as refused:
            render_chart(chart, **kwargs)
        return str(refused.value)

    return _render_error


def chart_fixtures(chart: str, namespace: str, name: str) -> tuple[Callable, Callable]:
    """Two fixtures for a chart's tests, named `name` and `name_error`, that render in `namespace`:

        operator, operator_error = chart_fixtures("berth-operator", "seldon-system", "operator")  # in conftest.py
        def test_x(operator): operator({"replicas": 2}).get(...)
    """

    @pytest.fixture(name=name)
    def _render_fixture(render):
        def _render_chart(values: dict | None = None, **kwargs: Any) -> Manifest:
            kwargs.setdefault("namespace", namespace)
            return render(chart, values=values, **kwargs)

        return _render_chart

    @pytest.fixture(name=f"{name}_error")
    def _error_fixture(render_error):
        def _render_chart_error(values: dict, **kwargs: Any) -> str:
            kwargs.setdefault("namespace", namespace)
            return render_error(chart, values=values, **kwargs)

        return _render_chart_error

    return _render_fixture, _error_fixture


# --- session end: checkov over every render nobody scanned -----------------------------------

def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    pending = [m for k, m in RENDER_LOG.renders.items() if k not in RENDER_LOG.scanned]
    if not pending:
        return
    failures = [(m.source, r.failed) for m, r in zip(pending, RENDER_LOG.scan(pending)) if r.failed]
    if failures:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"checkov found problems in {len(failures)} render(s) made by the tests:"]
        for source, failed in failures:
            lines += [f"  {source}"] + [f"    {f}" for f in failed]
        if reporter:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

"""What every Berth chart must satisfy (docs/conventions.md), for each chart and ci values file."""

from __future__ import annotations

import copy
import functools
import json
import re

import pytest
import yaml

from berth.config import CHARTS_DIR, HELM_MAJORS, REPO_ROOT
from berth.docs import readme_with_table, undocumented_leaves
from berth.manifest import Manifest, object_ref
from berth.render import lint_chart
from berth.testing import RENDER_LOG, chart_ci_cases, chart_names, render_validated

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
CHARTS = chart_names()
CI_CASES = chart_ci_cases()
RECOMMENDED_LABELS = (
    "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of", "helm.sh/chart",
)


CI_NAMESPACE = "berth-ci"


@functools.cache
def ci_render(chart: str, ci_file: str, helm: int) -> Manifest:
    # A dedicated namespace: charts are never meant for "default" (checkov CKV_K8S_21 rightly flags it).
    return render_validated(chart, helm=helm, namespace=CI_NAMESPACE, values_files=[CHARTS_DIR / chart / "ci" / ci_file])


def chart_meta(chart: str) -> dict:
    return yaml.safe_load((CHARTS_DIR / chart / "Chart.yaml").read_text())


# --- metadata and files --------------------------------------------------------------------

@pytest.mark.parametrize("chart", CHARTS)
def test_chart_yaml_follows_conventions(chart: str) -> None:
    meta = chart_meta(chart)
    assert meta["apiVersion"] == "v2"
    assert SEMVER.match(meta["version"]), f"{chart}: version {meta['version']!r} is not semver"
    assert meta.get("appVersion"), f"{chart}: appVersion missing"
    assert meta.get("kubeVersion", "").endswith("-0"), f"{chart}: kubeVersion needs a -0 suffix to admit pre-release cluster versions (EKS/GKE)"
    annotations = meta.get("annotations") or {}
    for key in ("artifacthub.io/license", "artifacthub.io/links", "artifacthub.io/changes"):
        assert key in annotations, f"{chart}: Chart.yaml annotation {key} missing"
    changes = yaml.safe_load(annotations["artifacthub.io/changes"])
    assert changes and all({"kind", "description"} <= set(c) for c in changes)
    deps = {d["name"] for d in meta.get("dependencies") or []}
    if list((CHARTS_DIR / chart / "templates").rglob("*.yaml")):
        assert "berth-common" in deps, f"{chart}: use the berth-common library chart for names, labels and security contexts"


@pytest.mark.parametrize("chart", CHARTS)
def test_changelog_has_an_entry_for_the_current_version(chart: str) -> None:
    changelog = (CHARTS_DIR / chart / "CHANGELOG.md").read_text()
    assert f"## {chart_meta(chart)['version']}" in changelog, f"{chart}: CHANGELOG.md has no entry for the chart version"


@pytest.mark.parametrize("chart", CHARTS)
def test_chart_has_notes_and_ci_values(chart: str) -> None:
    assert (CHARTS_DIR / chart / "templates" / "NOTES.txt").is_file()
    assert list((CHARTS_DIR / chart / "ci").glob("*-values.yaml")), f"{chart}: no ci/*-values.yaml"


@pytest.mark.parametrize("chart", CHARTS)
def test_values_schema_is_strict(chart: str) -> None:
    schema = json.loads((CHARTS_DIR / chart / "values.schema.json").read_text())
    assert schema.get("additionalProperties") is False, f"{chart}: the values schema must refuse unknown top-level keys"

    def objects_without_policy(node, path="$"):
        """Object schemas with fixed properties must say whether other keys are allowed."""
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
                yield path
            for key, sub in node.items():
                yield from objects_without_policy(sub, f"{path}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                yield from objects_without_policy(sub, f"{path}[{i}]")

    assert list(objects_without_policy(schema)) == []


@pytest.mark.parametrize("chart", CHARTS)
def test_readme_values_table_is_generated_and_current(chart: str) -> None:
    values = CHARTS_DIR / chart / "values.yaml"
    assert undocumented_leaves(values) == [], f"{chart}: document these values with a `# --` comment"
    readme = (CHARTS_DIR / chart / "README.md").read_text()
    assert readme == readme_with_table(CHARTS_DIR / chart), f"{chart}: README values table is stale; run `make docs`"


# --- every ci values file, under both Helm majors -----------------------------------------------

@pytest.mark.parametrize(("chart", "ci_file"), CI_CASES)
def test_lint_strict(chart: str, ci_file: str, helm: int) -> None:
    result = lint_chart(chart, helm=helm, values_files=[CHARTS_DIR / chart / "ci" / ci_file])
    assert result.ok, result.output


@pytest.mark.parametrize(("chart", "ci_file"), CI_CASES)
def test_renders_and_validates(chart: str, ci_file: str, helm: int) -> None:
    """Strictly valid for Kubernetes 1.30–1.37, CRs valid for their CRDs (render_validated asserts)."""
    manifest = ci_render(chart, ci_file, helm)
    assert len(manifest) > 0


@pytest.mark.parametrize(("chart", "ci_file"), CI_CASES)
def test_every_object_has_the_recommended_labels(chart: str, ci_file: str) -> None:
    for obj in ci_render(chart, ci_file, HELM_MAJORS[0]):
        labels = obj["metadata"].get("labels") or {}
        missing = [k for k in RECOMMENDED_LABELS if k not in labels]
        assert not missing, f"{object_ref(obj)} lacks labels {missing}"
        assert labels["app.kubernetes.io/part-of"] == "berth"


@pytest.mark.parametrize(("chart", "ci_file"), CI_CASES)
def test_helm3_and_helm4_render_the_same_objects(chart: str, ci_file: str) -> None:
    renders = [ci_render(chart, ci_file, major) for major in HELM_MAJORS]
    # Generated certificates (TLS Secrets, webhook caBundles) differ per render; everything else must match.
    # Order is compared by reference: Helm 3 and 4 place kinds they do not know (cert-manager's) differently,
    # and both re-sort by kind when they install.
    def comparable(m: Manifest) -> list:
        objects = copy.deepcopy([o for o in m if not (o["kind"] == "Secret" and o.get("type") == "kubernetes.io/tls")])
        for o in objects:
            for hook in o.get("webhooks") or []:
                hook.get("clientConfig", {}).pop("caBundle", None)
        return sorted(objects, key=object_ref)
    assert comparable(renders[0]) == comparable(renders[1])


@functools.cache
def _all_ci_scans() -> dict[tuple[str, str, int], object]:
    cases = [(c, f, h) for c, f in CI_CASES for h in HELM_MAJORS]
    results = RENDER_LOG.scan([ci_render(*case) for case in cases])  # one checkov run for all
    return dict(zip(cases, results))


@pytest.mark.parametrize(("chart", "ci_file"), CI_CASES)
def test_checkov_is_clean(chart: str, ci_file: str, helm: int) -> None:
    result = _all_ci_scans()[(chart, ci_file, helm)]
    assert not result.failed, "checkov failures:\n" + "\n".join(map(str, result.failed))
    for skipped in result.skipped:
        assert skipped.reason.strip(), f"{skipped}: a checkov skip needs a written reason"


def test_every_checkov_skip_is_documented() -> None:
    """Each skip appears as a table row (check id and kind) in the chart's section of docs/security.md."""
    sections = {}
    for block in (REPO_ROOT / "docs" / "security.md").read_text().split("\n### ")[1:]:
        title, _, body = block.partition("\n")
        sections[title.strip()] = [line for line in body.splitlines() if line.startswith("|")]
    for (chart, ci_file, _), result in _all_ci_scans().items():
        for skipped in result.skipped:
            kind = skipped.resource.split(".")[0]
            rows = sections.get(chart, [])
            assert any(f"`{skipped.check_id}`" in row and f"| {kind}" in row for row in rows), (
                f"{chart} ({ci_file}): skip {skipped} is not listed under '### {chart}' in docs/security.md"
            )

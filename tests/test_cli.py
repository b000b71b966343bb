"""`berth render` (the README's main job): renders, validates, writes out/ — or refuses cleanly."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from berth import platform
from berth.cli import app
from berth.manifest import Manifest, load_all

runner = CliRunner()


def test_render_writes_validated_manifests_and_a_summary(tmp_path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["00-berth-crds.yaml", "01-berth-operator.yaml", "02-berth-gateway.yaml", "03-berth-policies.yaml", "summary.md"]
    crds = load_all((out / "00-berth-crds.yaml").read_text())
    assert [o["metadata"]["name"] for o in crds] == ["seldondeployments.machinelearning.seldon.io"]
    operator = load_all((out / "01-berth-operator.yaml").read_text())
    assert any(o["kind"] == "Deployment" for o in operator)
    assert all(o["metadata"].get("namespace") in (None, "seldon-system") for o in operator)
    gateway = load_all((out / "02-berth-gateway.yaml").read_text())
    assert {(o["kind"], o["metadata"]["name"]) for o in gateway} >= {("Gateway", "berth-gateway"), ("AuthorizationPolicy", "berth-gateway-require-jwt")}
    policies = load_all((out / "03-berth-policies.yaml").read_text())
    assert {o["kind"] for o in policies} == {"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ConfigMap"}
    summary = (out / "summary.md").read_text()
    assert "| berth-operator | seldon-system | Deployment | 1 |" in summary
    assert "| berth-crds | 1 | 0 | 0 |" in summary
    assert "## Warnings and accepted risks" in summary


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--profile", "nope"], "unknown profile 'nope'"),
        (["--helm", "5"], "--helm must be one of 3, 4"),
    ],
)
def test_bad_arguments_are_refused_with_one_line_and_change_nothing(tmp_path, args, reason) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", "--out", str(out), *args])
    assert result.exit_code == 2
    assert reason in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_profile_with_a_misspelt_key_names_it(tmp_path, monkeypatch) -> None:
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(
        {"releases": [{"name": "berth-crds", "chart": "berth-crds", "namespce": "seldon-system"}]}))
    monkeypatch.setattr(platform, "PROFILES_DIR", tmp_path)
    with pytest.raises(platform.ProfileError, match="namespce"):
        platform.load_profile("broken")


def test_render_writes_no_manifest_when_an_object_is_invalid(tmp_path, monkeypatch) -> None:
    """Never hand out a broken manifest: the summary names the problem, no manifest is written."""
    broken = Manifest.from_yaml(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: seldon-system}\ndata: {a: 1}\n",
        source="broken")
    monkeypatch.setattr(platform, "render_chart", lambda *a, **k: broken)
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["summary.md"]
    summary = (out / "summary.md").read_text()
    assert "FAILED" in summary and "ConfigMap/seldon-system/x [kubernetes 1.30] data.a" in summary

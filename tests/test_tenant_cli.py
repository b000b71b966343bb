"""`berth tenant new` / `berth tenant list`: onboarding writes a working overlay, refusals write nothing."""

from __future__ import annotations

import shutil

import pytest
import yaml
from typer.testing import CliRunner

from berth import tenants
from berth.cli import app
from berth.render import build_overlay
from berth.validate import validate_manifest

runner = CliRunner()


@pytest.fixture
def tenants_dir(tmp_path, monkeypatch):
    """A copy of overlays/tenants in a scratch repo layout (overlays/{tenants,components}, charts link)."""
    root = tmp_path / "repo"
    shutil.copytree(tenants.TENANTS_DIR, root / "overlays" / "tenants")
    shutil.copytree(tenants.COMPONENTS_DIR, root / "overlays" / "components")
    (root / "charts").symlink_to(tenants.REPO_ROOT / "charts")
    monkeypatch.setattr(tenants, "TENANTS_DIR", root / "overlays" / "tenants")
    return root / "overlays" / "tenants"


def snapshot(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_new_gpu_tenant_writes_an_overlay_that_builds(tenants_dir) -> None:
    result = runner.invoke(app, ["tenant", "new", "team-vision", "--admins", "vision-admins", "--developers", "vision-ml",
                                 "--cpu", "24", "--memory", "96Gi", "--gpus", "4", "--pool", "a100"])
    assert result.exit_code == 0, result.output
    overlay = tenants_dir / "team-vision"
    assert sorted(p.name for p in overlay.iterdir()) == ["kustomization.yaml", "values.yaml"]
    m = build_overlay(overlay, helm=3)
    validate_manifest(m).raise_for_problems()
    hard = m.get("ResourceQuota", "berth-tenant", "team-vision")["spec"]["hard"]
    assert hard["requests.nvidia.com/gpu"] == "4" and hard["requests.cpu"] == "24" and hard["limits.memory"] == "96Gi"
    assert m.one("Namespace")["metadata"]["annotations"]["berth.dev/gpu-pools"] == "a100"
    binding = m.get("RoleBinding", "berth-tenant-admins", "team-vision")
    assert binding["subjects"][0]["name"] == "vision-admins"
    listed = runner.invoke(app, ["tenant", "list"])
    assert listed.exit_code == 0
    row = next(line for line in listed.output.splitlines() if "team-vision" in line)
    assert "24" in row and "96Gi" in row and "a100" in row


@pytest.mark.parametrize(("args", "reason"), [
    (["Team_A", "--admins", "a"], "must be a DNS label"),
    (["kube-tools", "--admins", "a"], "system or platform namespace"),
    (["istio-system", "--admins", "a"], "system or platform namespace"),
    (["team-web", "--admins", "a"], "already exists"),
    (["team-x", "--admins", "system:authenticated"], "not a system group"),
    (["team-x", "--admins", "a", "--viewers", "system:unauthenticated"], "not a system group"),
    (["team-x", "--admins", "a", "--cpu", "lots"], "--cpu 'lots' is not a Kubernetes quantity"),
    (["team-x", "--admins", "a", "--cpu", "0"], "--cpu must be greater than zero"),
    (["team-x", "--admins", "a", "--memory", "64"], "needs a byte unit"),
    (["team-x", "--admins", "a", "--memory", "-1Gi"], "not a Kubernetes quantity"),
    (["team-x", "--admins", "a", "--gpus", "-1"], "--gpus must be 0 or more"),
    (["team-x", "--admins", "a", "--gpus", "2"], "--gpus needs --pool"),
    (["team-x", "--admins", "a", "--pool", "a100"], "--pool is only meaningful"),
    (["team-x", "--admins", "a", "--gpus", "1", "--pool", "A100"], "not a pool name"),
    (["x" * 54, "--admins", "a"], "at most 53 characters"),
])
def test_bad_arguments_are_refused_in_one_line_and_write_nothing(tenants_dir, args, reason) -> None:
    before = snapshot(tenants_dir)
    result = runner.invoke(app, ["tenant", "new", *args])
    assert result.exit_code == 2, result.output
    assert reason in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert snapshot(tenants_dir) == before


def test_missing_admins_is_refused(tenants_dir) -> None:
    result = runner.invoke(app, ["tenant", "new", "team-x"])
    assert result.exit_code == 2 and "--admins" in result.output
    assert not (tenants_dir / "team-x").exists()


def test_list_shows_every_sample_tenant_with_its_quota() -> None:
    result = runner.invoke(app, ["tenant", "list"])
    assert result.exit_code == 0
    summary = {t.name: t for t in tenants.list_tenants()}
    assert summary["team-fraud"].gpus == 8 and summary["team-fraud"].pools == ("a100", "l4")
    assert summary["team-web"].gpus == 0 and summary["team-risk"].cpu == "16"
    for name in summary:
        assert name in result.output

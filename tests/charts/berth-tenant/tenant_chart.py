"""Helpers for the berth-tenant tests: the chart renders from the platform namespace into the tenant's."""

from __future__ import annotations

from pathlib import Path

import yaml

CHART = "berth-tenant"
RELEASE_NAMESPACE = "berth-system"
CI = Path(__file__).parents[3] / "charts" / CHART / "ci"
CI_FILES = sorted(p.name.removesuffix("-values.yaml") for p in CI.glob("*-values.yaml"))


def ci_values(name: str) -> dict:
    return yaml.safe_load((CI / f"{name}-values.yaml").read_text()) or {}


def tenant_namespace(values: dict) -> str:
    return values.get("namespace") or values["tenant"]

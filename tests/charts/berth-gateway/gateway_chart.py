"""Helpers for the berth-gateway tests: where the chart renders (Istio policy semantics: berth.authz)."""

from __future__ import annotations

from pathlib import Path

import yaml

CHART = "berth-gateway"
NAMESPACE = "istio-ingress"
CI = Path(__file__).parents[3] / "charts" / CHART / "ci"


def ci_values(name: str) -> dict:
    return yaml.safe_load((CI / f"{name}-values.yaml").read_text()) or {}

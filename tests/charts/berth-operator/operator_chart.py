"""Helpers for the berth-operator tests: where the chart renders and how to find its parts."""

from __future__ import annotations

from pathlib import Path

import yaml

CHART = "berth-operator"
NAMESPACE = "seldon-system"
CI = Path(__file__).parents[3] / "charts" / CHART / "ci"


def ci_values(name: str) -> dict:
    return yaml.safe_load((CI / f"{name}-values.yaml").read_text()) or {}


def manager(manifest) -> dict:
    return manifest.get("Deployment", CHART, NAMESPACE)


def container(manifest) -> dict:
    return manager(manifest)["spec"]["template"]["spec"]["containers"][0]


def env(manifest) -> dict[str, str]:
    return {e["name"]: e.get("value") for e in container(manifest)["env"]}

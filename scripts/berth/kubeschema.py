"""Strict validation of built-in Kubernetes objects against the OpenAPI schemas of each minor.

The schemas are the `-strict` JSON schemas that the kubernetes-validate package ships (unknown fields
are errors, as with `kubectl apply --validate=strict`). Validators are built once per
(minor, apiVersion, kind) and reused: the suite validates thousands of objects.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

_SCHEMAS = Path(str(resources.files("kubernetes_validate") / "kubernetes-json-schema"))


class NoSchema(LookupError):
    """No built-in schema for this apiVersion/kind at this minor (a custom resource, or not served)."""


def _schema_dir(minor: str) -> Path:
    path = _SCHEMAS / f"v{minor}.0-local-strict"
    if not path.is_dir():
        raise ValueError(f"kubernetes-validate has no schemas for Kubernetes {minor}")
    return path


@functools.cache
def _registry(minor: str) -> Registry:
    defs = json.loads((_schema_dir(minor) / "_definitions.json").read_text())
    return Resource.from_contents(defs) @ Registry()


def _schema_file(minor: str, api_version: str, kind: str) -> Path:
    # rbac.authorization.k8s.io/v1 -> rbac-v1; v1 -> v1 (the package's file naming)
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return _schema_dir(minor) / f"{kind.lower()}-{api}.json"


@functools.cache
def _validator(minor: str, api_version: str, kind: str) -> jsonschema.protocols.Validator:
    path = _schema_file(minor, api_version, kind)
    if not path.exists():
        raise NoSchema(f"{api_version}/{kind} is not served by Kubernetes {minor}")
    schema = json.loads(path.read_text())
    # kubernetes-validate names files by group prefix only, so check the full group too.
    gvk = schema.get("x-kubernetes-group-version-kind") or []
    group, _, version = api_version.rpartition("/")
    if gvk and not any(g.get("group", "") == group and g.get("version") == version and g.get("kind") == kind for g in gvk):
        raise NoSchema(f"{api_version}/{kind} is not served by Kubernetes {minor}")
    return jsonschema.Draft202012Validator(schema, registry=_registry(minor))


def is_builtin(api_version: str, kind: str, minor: str) -> bool:
    try:
        _validator(minor, api_version, kind)
        return True
    except NoSchema:
        return False


def validate(obj: dict[str, Any], minor: str) -> list[str]:
    """Problems with `obj` under Kubernetes `minor` ("1.34"); empty when valid. Raises NoSchema."""
    validator = _validator(minor, obj["apiVersion"], obj["kind"])
    problems = []
    for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(p) for p in error.path) or "<root>"
        problems.append(f"{where}: {error.message}")
    return problems


@functools.cache
def _object_meta_validator(minor: str) -> jsonschema.protocols.Validator:
    schema = {"$ref": "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
    return jsonschema.Draft202012Validator(schema, registry=_registry(minor))


def validate_metadata(obj: dict[str, Any], minor: str) -> list[str]:
    """Problems with a custom resource's `metadata` (CRD schemas leave it to the API server)."""
    return [
        f"metadata.{'.'.join(str(p) for p in e.path) or ''}".rstrip(".") + f": {e.message}"
        for e in _object_meta_validator(minor).iter_errors(obj.get("metadata") or {})
    ]

"""berth-crds: the SeldonDeployment CRD — shape, size, upgrade safety, and what it accepts or refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from berth.crdschema import CRDRegistry, structural_problems
from berth.manifest import load_all

CRD_NAME = "seldondeployments.machinelearning.seldon.io"
SIZE_LIMIT = 262_144  # client-side apply stores the object in an annotation limited to 256 KiB
CORPUS = Path(__file__).parent / "corpus"
ACCEPT = sorted((CORPUS / "accept").glob("*.yaml"))
REFUSE = sorted((CORPUS / "refuse").glob("*.yaml"))


@pytest.fixture
def crd(render):
    return render("berth-crds").get("CustomResourceDefinition", CRD_NAME)


@pytest.fixture(scope="module")
def registry():
    from berth.render import render_chart

    return CRDRegistry().extend(render_chart("berth-crds").of_kind("CustomResourceDefinition"))


def test_names_and_served_versions(crd) -> None:
    spec = crd["spec"]
    assert spec["group"] == "machinelearning.seldon.io" and spec["scope"] == "Namespaced"
    assert spec["names"]["kind"] == "SeldonDeployment" and "sdep" in spec["names"]["shortNames"]
    versions = {v["name"]: v for v in spec["versions"]}
    assert set(versions) == {"v1", "v1alpha2", "v1alpha3"}
    assert all(v["served"] for v in versions.values())
    assert [name for name, v in versions.items() if v["storage"]] == ["v1"]
    assert all("status" in v.get("subresources", {}) for v in versions.values())


def test_serialized_crd_fits_client_side_apply(crd) -> None:
    size = len(json.dumps(crd, separators=(",", ":")))
    assert size < SIZE_LIMIT, f"CRD is {size} bytes"


def test_schema_is_structural(crd) -> None:
    for version in crd["spec"]["versions"]:
        assert structural_problems(version["schema"]["openAPIV3Schema"]) == [], version["name"]


def test_embedded_pod_specs_are_never_pruned(crd) -> None:
    schema = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")["schema"]["openAPIV3Schema"]
    predictor = schema["properties"]["spec"]["properties"]["predictors"]["items"]
    pod_spec = predictor["properties"]["componentSpecs"]["items"]["properties"]["spec"]
    assert pod_spec.get("x-kubernetes-preserve-unknown-fields") is True


def test_crd_is_kept_on_uninstall_and_upgraded_from_templates(crd) -> None:
    assert crd["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    chart = Path(__file__).parents[3] / "charts" / "berth-crds"
    assert not (chart / "crds").exists(), "CRDs in crds/ are never upgraded by Helm; keep them in templates/"


def test_keep_can_be_turned_off(render) -> None:
    crd = render("berth-crds", values={"keep": False}).get("CustomResourceDefinition", CRD_NAME)
    assert "helm.sh/resource-policy" not in (crd["metadata"].get("annotations") or {})


@pytest.mark.parametrize("path", ACCEPT, ids=lambda p: p.stem)
def test_accepts_upstream_example_shapes(registry, path: Path) -> None:
    docs = load_all(path.read_text())
    assert docs
    for doc in docs:
        assert registry.validate(doc) == [], f"{path.name}: {doc['metadata']['name']}"


@pytest.mark.parametrize("path", REFUSE, ids=lambda p: p.stem)
def test_refuses_structural_mistakes(registry, path: Path) -> None:
    expected = path.read_text().splitlines()[0].removeprefix("# expect:").strip()
    (doc,) = load_all(path.read_text())
    problems = registry.validate(doc)
    assert problems, f"{path.name} was accepted"
    parent, _, leaf = expected.rpartition(".")

    def names_the_field(problem: str) -> bool:
        where, _, message = problem.partition(": ")
        # a wrong value is reported at its own path; a missing one at its parent, by name
        return where == expected or where.startswith(expected + ".") or (
            where == (parent or "<root>") and f"'{leaf}'" in message)

    assert any(names_the_field(p) for p in problems), f"expected a problem at {expected}: {problems}"


def test_corpus_is_large_enough() -> None:
    assert len(ACCEPT) >= 20 and len(REFUSE) >= 12

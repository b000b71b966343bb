"""Every object of the main job's platform render is accepted by a real API server (server-side apply).

This grows by itself: a chart added to the default profile is rendered and applied here too.
"""

from __future__ import annotations

import json

import pytest
import yaml

from berth.cluster import ClusterError
from berth.manifest import object_ref
from berth.platform import load_profile, render_profile


@pytest.fixture(scope="module")
def platform_objects() -> tuple[list[dict], list[dict]]:
    """(CRDs, everything else) of the default profile's render, validated as `make render` validates it."""
    results = render_profile(load_profile("default"))
    assert all(r.ok for r in results), [str(p) for r in results for p in r.report.problems]
    objects = [o for r in results for o in r.manifest]
    return ([o for o in objects if o["kind"] == "CustomResourceDefinition"],
            [o for o in objects if o["kind"] != "CustomResourceDefinition"])


def test_every_platform_object_is_accepted_by_server_side_apply(cluster_with_upstream_crds, platform_objects) -> None:
    cluster = cluster_with_upstream_crds
    crds, rest = platform_objects
    for ns in sorted({o["metadata"]["namespace"] for o in rest if o["metadata"].get("namespace")}):
        cluster.kubectl("create", "namespace", ns)
    # CRDs first and established, so the custom resources have their schema; a dry run first each time:
    # the server's verdict before anything is stored.
    for batch in (crds, rest):
        text = yaml.safe_dump_all(batch)
        cluster.apply(text, dry_run=True)
        cluster.apply(text)
        if batch is crds:
            cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *[f"crd/{c['metadata']['name']}" for c in crds])
    stored = json.loads(cluster.kubectl("get", "-f", "-", "-o", "json", "--show-managed-fields", input=yaml.safe_dump_all(crds + rest)).stdout)["items"]
    assert len(stored) == len(crds + rest)
    for obj, got in zip(crds + rest, stored):
        assert got["metadata"]["name"] == obj["metadata"]["name"]
        managers = {m["manager"] for m in got["metadata"].get("managedFields", [])}
        assert "berth" in managers, f"{object_ref(obj)} was not server-side applied by berth"


def test_server_side_dry_run_reports_what_the_server_refuses(cluster, platform_objects) -> None:
    """The same path fails loudly: a SeldonDeployment whose predictors is not a list is refused by the CRD."""
    crds, _ = platform_objects
    cluster.apply(yaml.safe_dump_all(crds))
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/seldondeployments.machinelearning.seldon.io")
    cluster.kubectl("create", "namespace", "models")
    bad = ("apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\n"
           "metadata: {name: bad, namespace: models}\nspec: {predictors: {name: main}}\n")
    with pytest.raises(ClusterError, match="predictors"):
        cluster.apply(bad, dry_run=True)

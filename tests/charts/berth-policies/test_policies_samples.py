"""Every sample request, evaluated offline by the chart's own policies as the API server would: allowed
samples pass every policy, denied samples are refused by their policy alone, with the expected message.
tests/controlplane/test_policies_on_a_cluster.py sends the same samples to a real API server."""

from __future__ import annotations

import functools
from collections import Counter

import pytest

from berth.testing import render_validated
from policies_admission import AdmissionPolicies, Request
from policies_chart import CHART, IDENTITIES, NAMESPACE, RELEASE, Sample, namespaces, samples

SAMPLES = samples()
POLICIES = ("pod-resources", "gpu-access", "image-registries", "service-exposure", "host-access",
            "seldon-deployments", "namespace-labels", "platform-objects")


@functools.cache
def default_policies() -> AdmissionPolicies:
    return AdmissionPolicies(render_validated(CHART, helm=4, release=RELEASE, namespace=NAMESPACE))


def request_for(sample: Sample) -> Request:
    namespace = namespaces().get(sample.namespace) if sample.namespace else None
    if sample.namespace:
        assert namespace is not None, f"{sample.path}: namespace {sample.namespace} is not in samples/namespaces.yaml"
    return Request(sample.operation, sample.sent, sample.stored, IDENTITIES[sample.identity], namespace)


def test_every_policy_has_three_allowed_and_three_denied_samples() -> None:
    counts = Counter((s.policy, s.allowed) for s in SAMPLES)
    assert {s.policy for s in SAMPLES} == set(POLICIES)
    for policy in POLICIES:
        assert counts[(policy, True)] >= 3 and counts[(policy, False)] >= 3, (policy, counts)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_sample(sample: Sample) -> None:
    decisions = default_policies().decisions(request_for(sample))
    denied = [d for d in decisions if d.denied]
    if sample.allowed:
        assert denied == [], f"{sample.id} was refused: {[(d.policy, d.messages) for d in denied]}"
        return
    # Refused by its own policy and no other, so the API server's message is the expected one.
    assert [d.policy for d in denied] == [f"berth-{sample.policy}"], [(d.policy, d.messages) for d in denied]
    assert sample.expect in denied[0].messages[0], denied[0].messages


def test_every_validation_is_shown_failing_by_a_sample() -> None:
    policies = default_policies()
    failed: dict[str, set[int]] = {name: set() for name in policies.policies}
    for sample in SAMPLES:
        for decision in policies.decisions(request_for(sample)):
            failed[decision.policy].update(decision.failed)
    for name, policy in policies.policies.items():
        all_validations = set(range(len(policy["spec"]["validations"])))
        assert failed[name] == all_validations, f"{name}: no deny sample fails validation(s) {sorted(all_validations - failed[name])}"

"""Fixtures for the berth-operator tests: render (or fail to render) in the operator's namespace."""

from __future__ import annotations

import pytest

from operator_chart import CHART, NAMESPACE


@pytest.fixture
def operator(render):
    """operator(values=None, **kwargs) -> validated render of berth-operator in seldon-system."""

    def _operator(values: dict | None = None, **kwargs):
        kwargs.setdefault("namespace", NAMESPACE)
        return render(CHART, values=values, **kwargs)

    return _operator


@pytest.fixture
def operator_error(render_error):
    """operator_error(values, **kwargs) -> Helm's error message when it refuses to render."""

    def _operator_error(values: dict, **kwargs) -> str:
        kwargs.setdefault("namespace", NAMESPACE)
        return render_error(CHART, values=values, **kwargs)

    return _operator_error

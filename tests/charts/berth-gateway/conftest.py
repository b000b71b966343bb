"""Fixtures for the berth-gateway tests: render (or fail to render) in the ingress gateway's namespace."""

from __future__ import annotations

import pytest

from gateway_chart import CHART, NAMESPACE


@pytest.fixture
def gateway(render):
    """gateway(values=None, **kwargs) -> validated render of berth-gateway in istio-ingress."""

    def _gateway(values: dict | None = None, **kwargs):
        kwargs.setdefault("namespace", NAMESPACE)
        return render(CHART, values=values, **kwargs)

    return _gateway


@pytest.fixture
def gateway_error(render_error):
    def _gateway_error(values: dict, **kwargs) -> str:
        kwargs.setdefault("namespace", NAMESPACE)
        return render_error(CHART, values=values, **kwargs)

    return _gateway_error

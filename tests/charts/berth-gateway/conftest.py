"""Fixtures for the berth-gateway tests: `gateway(values)` renders in istio-ingress, `gateway_error(values)`
returns Helm's refusal."""

from berth.testing import chart_fixtures
from gateway_chart import CHART, NAMESPACE

gateway, gateway_error = chart_fixtures(CHART, NAMESPACE, "gateway")

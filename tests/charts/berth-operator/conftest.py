"""Fixtures for the berth-operator tests: `operator(values)` renders in seldon-system, `operator_error(values)`
returns Helm's refusal."""

from berth.testing import chart_fixtures
from operator_chart import CHART, NAMESPACE

operator, operator_error = chart_fixtures(CHART, NAMESPACE, "operator")

"""Fixtures for the berth-policies tests: `policies(values)` renders in berth-system, `policies_error(values)`
returns Helm's refusal."""

from berth.testing import chart_fixtures
from policies_chart import CHART, NAMESPACE

policies, policies_error = chart_fixtures(CHART, NAMESPACE, "policies")

"""Fixtures for the berth-tenant tests: `tenant(values)` renders from berth-system, `tenant_error(values)`
returns Helm's refusal."""

from berth.testing import chart_fixtures
from tenant_chart import CHART, RELEASE_NAMESPACE

tenant, tenant_error = chart_fixtures(CHART, RELEASE_NAMESPACE, "tenant")

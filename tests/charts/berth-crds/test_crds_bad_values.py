"""Bad berth-crds values are refused by `helm template` with a message that names the field."""

from __future__ import annotations

import pytest

CASES = [
    ("misspelt-keep", {"kepp": True}, "kepp"),
    ("keep-type", {"keep": "yes"}, "/keep"),
    ("annotations-values-strings", {"annotations": {"example.com/owner": 1}}, "/annotations/example.com~1owner"),
    ("labels-type", {"commonLabels": ["tier=platform"]}, "/commonLabels"),
    ("old-labels-key", {"labels": {"tier": "platform"}}, "labels"),
]


@pytest.mark.parametrize(("values", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_value_is_refused_naming_the_field(render_error, values: dict, field: str) -> None:
    message = render_error("berth-crds", values=values)
    assert field in message, message

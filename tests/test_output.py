"""The JSON text of crictl's output escapes exactly as protojson does, shortcut or not."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from criimages.output import _string


@settings(max_examples=1000, deadline=None)
@given(text=st.text() | st.text(alphabet='ab"\\/\x00\x1f\x7f\u00e9\u2028'))
def test_string_escapes_as_json_without_ascii_escapes(text: str) -> None:
    assert _string(text) == json.dumps(text, ensure_ascii=False)

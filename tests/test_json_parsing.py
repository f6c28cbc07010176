"""loads_json gives the same values and errors whether json or orjson parses the document."""

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criimages import files
from criimages.files import describe_json_error, loads_json


@pytest.fixture(params=["json", "orjson"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with the standard parser and once with orjson from the first document."""
    monkeypatch.setattr(files, "_fast_loads", None)
    monkeypatch.setattr(files, "_documents_parsed", 0)
    if request.param == "orjson":
        monkeypatch.setattr(files, "_STANDARD_PARSER_DOCUMENTS", 0)
    return request.param


def test_parser_switches_to_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_fast_loads", None)
    monkeypatch.setattr(files, "_documents_parsed", 0)
    monkeypatch.setattr(files, "_STANDARD_PARSER_DOCUMENTS", 2)
    for _ in range(2):
        assert loads_json(b"{}") == {}
    assert files._fast_loads is None
    assert loads_json(b"{}") == {}
    assert files._fast_loads is not None


def test_plain_document(parser: str) -> None:
    assert loads_json(b'{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


def test_byte_order_mark_rejected(parser: str) -> None:
    with pytest.raises(ValueError, match="byte order mark"):
        loads_json(b'\xef\xbb\xbf{"a": 1}')


def test_lone_surrogate_escape_becomes_replacement_character(parser: str) -> None:
    assert loads_json(b'{"a": "x\\ud800y", "\\udfff": 1}') == {"a": "x\ufffdy", "\ufffd": 1}


def test_paired_surrogate_escape_kept(parser: str) -> None:
    assert loads_json(b'["\\ud83d\\ude00"]') == ["\U0001f600"]


def test_integer_beyond_python_int_limit_becomes_float(parser: str) -> None:
    value = loads_json(b"[" + b"9" * 5000 + b"]")[0]
    assert isinstance(value, float) and math.isinf(value)


def test_invalid_json_names_line_and_column(parser: str) -> None:
    with pytest.raises(ValueError) as caught:
        loads_json(b'{\n  "a": }')
    assert describe_json_error(caught.value) == "Expecting value (line 2, column 8)"


def test_invalid_utf8_raises_unicode_error(parser: str) -> None:
    with pytest.raises(UnicodeDecodeError):
        loads_json(b'["\xff"]')


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES, ascii_only=st.booleans())
def test_both_parsers_agree(value: Any, ascii_only: bool) -> None:
    document = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    results = []
    for standard_documents in (1 << 30, 0):
        files._fast_loads = None
        files._documents_parsed = 0
        original = files._STANDARD_PARSER_DOCUMENTS
        files._STANDARD_PARSER_DOCUMENTS = standard_documents
        try:
            results.append(_outcome(document))
        finally:
            files._STANDARD_PARSER_DOCUMENTS = original
            files._fast_loads = None
            files._documents_parsed = 0
    assert results[0] == results[1]


def _outcome(document: bytes) -> Any:
    try:
        return ("value", json.dumps(loads_json(document), sort_keys=True))
    except (ValueError, UnicodeDecodeError) as error:
        return ("error", type(error).__name__)


def test_inexact_integers_beyond_64_bits(parser: str) -> None:
    document = b"[9223372036854775807, -9223372036854775808, 18446744073709551615, 18446744073709551616]"
    values = loads_json(document, exact_integers=False)
    assert values[:3] == [2**63 - 1, -(2**63), 2**64 - 1]
    assert values[3] == 2**64

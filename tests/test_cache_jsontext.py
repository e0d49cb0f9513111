"""The cache's JSON reader (mlops_lint/cache/jsontext.py) accepts and returns what json.loads does."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlops_lint.cache import jsontext

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _outcome(loads, text: str) -> tuple[str, str]:
    try:
        return "value", json.dumps(loads(text))  # NaN compares unequal to itself: compare the texts
    except ValueError:
        return "error", ""


@given(VALUES)
def test_every_document_the_cache_writes_reads_back_as_json_loads_reads_it(value):
    for text in (json.dumps(value, separators=(",", ":")), json.dumps(value, ensure_ascii=False)):
        assert jsontext.loads(text) == json.loads(text)


@given(st.text(alphabet='{}[]",:0123456789.eE+-truefalsn\\u NaIiy\t', max_size=30))
def test_any_text_is_accepted_or_refused_as_json_loads_does(text):
    if text != text.strip(" \t\n\r"):
        text = text.strip(" \t\n\r")  # json.loads skips surrounding whitespace; cache files have none
    assert _outcome(jsontext.loads, text) == _outcome(json.loads, text)


@pytest.mark.parametrize("text", ["", " 1", "1 ", "[1,]", "{\"a\":1}x", "NaN!", "\"\x01\"", "[" * 100_000])
def test_what_is_not_one_compact_document_is_refused(text):
    with pytest.raises((ValueError, RecursionError)):
        jsontext.loads(text)


def test_constants_read_as_json_loads_reads_them():
    assert json.dumps(jsontext.loads("[NaN,Infinity,-Infinity,1e400,-0.0,12345678901234567890]")) == \
        "[NaN, Infinity, -Infinity, Infinity, -0.0, 12345678901234567890]"

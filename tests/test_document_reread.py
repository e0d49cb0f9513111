"""Reading the bytes just read again (source/document.py keeps the last document read) gives the
document a fresh read gives, under the path asked for."""

from __future__ import annotations

import json

from mlops_lint.source import document_from_bytes
from mlops_lint.source import document as document_module

NOTEBOOK = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "%time x = 1\nprint(x)"},
    {"cell_type": "markdown", "metadata": {}, "source": "# notes"},
    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "y = 2"},
]}).encode()


def _fresh(path: str, data: bytes):
    document_module._last_read = None
    return document_from_bytes(path, data)


def test_the_same_bytes_read_again_give_the_same_document_under_the_path_asked_for():
    for first, second, data in (("/work/nb.ipynb", "nb.ipynb", NOTEBOOK), ("/work/a.py", "a.py", b"x = 1\r\nprint(x)\n")):
        document_from_bytes(first, data)
        again = document_from_bytes(second, bytes(data))  # equal bytes, another object
        assert again == _fresh(second, data) and again.path == second
        assert document_from_bytes(first, data) == _fresh(first, data)


def test_other_bytes_or_another_format_are_read_afresh():
    document_from_bytes("a.py", b"x = 1\n")
    assert document_from_bytes("a.py", b"x = 2\n").text == "x = 2\n"
    document_from_bytes("nb.ipynb", NOTEBOOK)
    as_python = document_from_bytes("nb.py", NOTEBOOK)  # the same bytes named as a Python file are Python
    assert as_python.cell_map is None and as_python == _fresh("nb.py", NOTEBOOK)

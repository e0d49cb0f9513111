"""Bad .py input: every kind becomes one MLO001/MLO002 diagnostic at the right place, never an exception."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace

import pytest

from harness import LEAKY, lint_text
from mlops_lint.catalog import load_catalog
from mlops_lint.engine.lint import LintOptions, lint_path
from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE

ALL = frozenset(load_catalog().rules)

SPLIT_COLUMN = LEAKY.splitlines()[4].index("train_test_split")  # 35


def lint_bytes(data: bytes, filename: str = "example.py"):
    """Lint bytes through the per-file entry point, as a run does (a decoding error is MLO002)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, filename)
        with open(path, "wb") as handle:
            handle.write(data)
        diagnostics = lint_path(path, load_catalog(), LintOptions(selected=ALL))
    return [replace(d, location=replace(d.location, path=filename)) for d in diagnostics]


def where(diagnostics) -> list[tuple[str, int, int]]:
    return [(d.code, d.location.start.line, d.location.start.column) for d in diagnostics]


@pytest.mark.parametrize("text", ["", "\n", "   \n\n\t\n", "# only a comment\n", "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# c"])
def test_empty_and_comment_only_files_are_clean(text):
    assert lint_bytes(text.encode()) == []


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        ("print 'x'\n", 1, 0, "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?"),
        ("def f(x):\n    return x\nprint 'x'\n", 3, 0, "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?"),
        ("exec 'code'\n", 1, 0, "SyntaxError: Missing parentheses in call to 'exec'. Did you mean exec(...)?"),
        ("def f(:\n    pass\n", 1, 6, "SyntaxError: invalid syntax"),
        ("x = (1,\n", 1, 4, "SyntaxError: '(' was never closed"),
        ("if x:\npass\n", 2, 0, "SyntaxError: expected an indented block after 'if' statement on line 1"),
        ("if x:\n\tif y:\n        pass\n", 3, 0, "SyntaxError: inconsistent use of tabs and spaces in indentation"),
        ("s = 'abc\n", 1, 4, "SyntaxError: unterminated string literal (detected at line 1)"),
        ("f(**x, *y)\n", 1, 7, "SyntaxError: iterable argument unpacking follows keyword argument unpacking"),
        # CPython's SyntaxError offsets for str input are code points: é is one column.
        ('x = "é" + (\n', 1, 10, "SyntaxError: '(' was never closed"),
    ],
)
def test_syntax_errors_are_one_mlo001_at_the_error(source, line, column, message):
    [diagnostic] = lint_bytes(source.encode())
    assert (diagnostic.code, diagnostic.location.start.line, diagnostic.location.start.column) == ("MLO001", line, column)
    assert diagnostic.message == message


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 syntax parses on 3.12")
@pytest.mark.parametrize("source", ["type Vector = list[float]\n", "x = f'{\"\\n\".join(parts)}'\n"])
def test_newer_syntax_libcst_accepts_is_mlo001_for_the_running_python(source):
    # libcst 1.x accepts both (3.12 grammar); ast, which the analysis uses, rejects them on 3.11.
    assert [d.code for d in lint_bytes(source.encode())] == ["MLO001"]


def test_invalid_utf8_is_mlo002_naming_byte_and_line():
    [diagnostic] = lint_bytes(b"x = 1\ny = '\xff'\n")
    assert diagnostic.code == "MLO002"
    assert diagnostic.message == "could not decode file: invalid utf-8 byte 0xff on line 2"


def test_stray_byte_in_first_line_names_the_byte_not_a_missing_cookie():
    [diagnostic] = lint_bytes(b"x = '\xe9'\n")
    assert diagnostic.message == "could not decode file: invalid utf-8 byte 0xe9 on line 1"


def test_unknown_coding_cookie_and_contradicting_bom_are_mlo002():
    assert [d.message for d in lint_bytes(b"# coding: klingon\nx = 1\n")] == ["could not decode file: unknown encoding: klingon"]
    assert [d.message for d in lint_bytes(b"\xef\xbb\xbf# coding: latin-1\nx = 1\n")] == [
        "could not decode file: the UTF-8 BOM contradicts the coding cookie"
    ]


def test_latin1_file_with_coding_cookie_lints_with_code_point_columns():
    source = "# -*- coding: latin-1 -*-\n" + LEAKY.replace("X_train, X_test", "café = 'é'; X_train, X_test")
    diagnostics = lint_bytes(source.encode("latin-1"))
    column = source.splitlines()[5].index("train_test_split")
    assert where(diagnostics) == [("MLO101", 6, column)]


def test_utf8_bom_is_not_part_of_the_first_line():
    diagnostics = lint_bytes(b"\xef\xbb\xbf" + b"import os\n" + LEAKY.encode())
    assert where(diagnostics) == [("MLO101", 6, SPLIT_COLUMN)]
    [syntax] = lint_bytes(b"\xef\xbb\xbfx = $\n")
    assert (syntax.location.start.line, syntax.location.start.column) == (1, 4)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr_keep_lines_and_columns(newline):
    data = LEAKY.replace("\n", newline).encode()
    assert where(lint_bytes(data)) == [("MLO101", 5, SPLIT_COLUMN)]
    broken = ("x = 1" + newline + "y = 2" + newline + "z = $" + newline).encode()
    assert where(lint_bytes(broken)) == [("MLO001", 3, 4)]


def test_tabs_count_as_one_column():
    source = LEAKY.replace("X = Standard", "if True:\n\tX = Standard").replace("X_train, X_test", "\tX_train, X_test")
    assert where(lint_bytes(source.encode())) == [("MLO101", 6, SPLIT_COLUMN + 1)]


def test_form_feeds_do_not_shift_lines():
    source = LEAKY.replace("\n\n", "\n\x0c\n").replace("X = Standard", "\x0cX = Standard")
    assert where(lint_bytes(source.encode())) == [("MLO101", 5, SPLIT_COLUMN)]


def test_nul_byte_is_mlo001_at_its_position():
    # The text decodes, so it is not MLO002; a NUL is invalid Python source, so MLO001 (3.11 raises a
    # position-less SyntaxError or ValueError, 3.12 a positioned one: we report the first NUL ourselves).
    [diagnostic] = lint_bytes(b"x = 1\ny = 2\x00\n")
    assert where([diagnostic]) == [("MLO001", 2, 5)]
    assert diagnostic.message == "SyntaxError: source code cannot contain null bytes"


def test_binary_file_named_py_is_mlo002():
    [diagnostic] = lint_bytes(bytes(range(256)) * 64)
    assert diagnostic.code == "MLO002"
    assert diagnostic.message == "could not decode file: invalid utf-8 byte 0x80 on line 2"


def test_pyc_renamed_py_is_mlo002(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text("x = 1\n")
    import py_compile

    compiled = py_compile.compile(str(source), cfile=str(tmp_path / "compiled.py"))
    [diagnostic] = lint_path(compiled, load_catalog(), LintOptions(selected=ALL))
    assert diagnostic.code == "MLO002"


@pytest.mark.slow
def test_a_five_megabyte_file_is_linted_to_its_last_line():
    # Just under the default size limit (5 MiB; larger files are MLO002, tests/security/test_item08_*).
    filler = "".join(f"value_{i} = compute({i}, 'padding text to make the line longer')\n" for i in range(76_000))
    source = filler + LEAKY
    assert 5_000_000 < len(source.encode()) <= DEFAULT_MAX_FILE_SIZE
    # How the cost grows with the length of a module is measured by benchmarks/scaling.py, not here.
    diagnostics = lint_bytes(source.encode())
    assert where(diagnostics) == [("MLO101", 76_005, SPLIT_COLUMN)]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n", "SyntaxError: too many nested parentheses"),
        ("x = " + "[" * 10_000 + "]" * 10_000 + "\n", "SyntaxError: too many nested parentheses"),
        ("x = a" + ".b" * 10_000 + "\n", "SyntaxError: too deeply nested to parse"),  # RecursionError in ast
        ("x = f" + "()" * 10_000 + "\n", "SyntaxError: too deeply nested to parse"),
        ("x = " + "+".join(["1"] * 100_000) + "\n", "SyntaxError: too deeply nested to parse"),
        ("x = " + "-" * 10_000 + "1\n", "SyntaxError: too deeply nested to parse"),  # MemoryError in the parser
        ("x = " + "not " * 10_000 + "1\n", "SyntaxError: too deeply nested to parse"),
        ("".join("    " * i + "if x:\n" for i in range(120)) + "    " * 120 + "pass\n", "SyntaxError: too many levels of indentation"),
    ],
)
def test_ten_thousand_deep_nesting_is_mlo001_not_a_traceback(source, message):
    limit = sys.getrecursionlimit()
    [diagnostic] = lint_bytes(source.encode())
    assert (diagnostic.code, diagnostic.message) == ("MLO001", message)
    assert sys.getrecursionlimit() == limit


@pytest.mark.parametrize(
    "expression",
    [
        # Deep enough for any recursive visitor (limit 1000), shallow enough for ast (about 3000).
        "a" + ".b" * 2_000 + "()",
        "f" + "()" * 2_000,
        "+".join(["X"] * 2_000),
        "lambda: " * 900 + "1",
        "-" * 900 + "1",
    ],
)
def test_deep_but_parseable_trees_do_not_crash_any_rule(expression):
    source = "import a\nfrom sklearn.preprocessing import StandardScaler\nX = " + expression + "\n"
    diagnostics = lint_bytes(source.encode())
    assert all(d.code == "MLO001" and d.message.startswith("too deeply nested for MLO") for d in diagnostics), diagnostics


def test_recursion_error_inside_a_rule_is_mlo001_and_other_rules_still_report(monkeypatch):
    from mlops_lint.engine import lint as engine_lint
    from mlops_lint.engine.rule import Rule

    # The registry scans Rule's subclasses once, when first asked: asked before this class exists,
    # so that it never registers it (run first, this test left it registered for every later one).
    real = engine_lint.rule_classes()

    class Recursive(Rule):
        code = "MLO003"  # any catalog code: the registry is replaced for this test only

        def check(self, module, options):
            def forever(n):
                return forever(n + 1)

            forever(0)  # overflows the stack like a recursive visitor on a very deep tree
            return iter(())

    classes = {**real, "MLO003": Recursive}
    monkeypatch.setattr(engine_lint, "rule_classes", lambda: classes)
    diagnostics = lint_bytes(LEAKY.encode())
    assert [(d.code, d.message) for d in diagnostics] == [
        ("MLO001", "too deeply nested for MLO003 to analyse"),
        ("MLO101", diagnostics[1].message),
    ]
    assert diagnostics[1].location.start.line == 5


@pytest.mark.slow
def test_very_long_lines_keep_positions():
    long_line = "data = [" + "0, " * 400_000 + "]\n"
    assert where(lint_bytes((long_line + LEAKY).encode())) == [("MLO101", 6, SPLIT_COLUMN)]
    padding = "café = '" + "é" * 100_000 + "'; "
    source = LEAKY.replace("X_train, X_test", padding + "X_train, X_test")
    assert where(lint_bytes(source.encode())) == [("MLO101", 5, len(padding) + SPLIT_COLUMN)]


@pytest.mark.parametrize("prefix", ["données = 'é'; ", "emoji = '🚀🚀'; ", "名前 = '値'; ", "s = '\\u00e9 é'; "])
def test_columns_are_code_points_after_non_ascii(prefix):
    source = LEAKY.replace("X_train, X_test", prefix + "X_train, X_test").replace("X = Standard", prefix + "X = Standard")
    [diagnostic] = lint_bytes(source.encode())
    split_line = source.splitlines()[4]
    call = split_line[split_line.index("train_test_split"):]
    assert (diagnostic.location.start.line, diagnostic.location.start.column) == (5, len(prefix) + SPLIT_COLUMN)
    assert diagnostic.location.end.column == len(split_line)
    assert call.endswith("(X, y)")
    fit = diagnostic.related[0].location
    assert (fit.start.line, fit.start.column) == (4, len(prefix) + len("X = "))


def test_harness_lint_text_agrees_with_bytes_path():
    assert where(lint_text(LEAKY, ALL)) == where(lint_bytes(LEAKY.encode())) == [("MLO101", 5, SPLIT_COLUMN)]


@pytest.mark.parametrize(
    ("target", "where"),
    [("mlops_lint.engine.lint.read_document", "the source loader"), ("mlops_lint.engine.lint.parse_document", "the engine")],
)
def test_a_bug_outside_the_rules_is_mlo003_for_that_file_only(monkeypatch, tmp_path, target, where):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text(LEAKY)
    module_name, attribute = target.rsplit(".", 1)
    import importlib

    module = importlib.import_module(module_name)
    real = getattr(module, attribute)

    def fail_on_a(argument):
        if str(getattr(argument, "path", argument)).endswith("a.py"):
            raise IndexError("list index out of range")
        return real(argument)

    monkeypatch.setattr(module, attribute, fail_on_a)
    from mlops_lint.engine.lint import lint_paths

    diagnostics = lint_paths([str(tmp_path / "a.py"), str(tmp_path / "b.py")], load_catalog(), LintOptions(selected=ALL))
    assert [(os.path.basename(d.location.path), d.code, d.message) for d in diagnostics] == [
        ("a.py", "MLO003", f"internal error in {where} (IndexError: list index out of range); please report it"),
        ("b.py", "MLO101", diagnostics[1].message),
    ]

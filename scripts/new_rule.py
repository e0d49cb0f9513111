"""Scaffold a new rule: its catalog file, its rule module, a fixture and its docs page.

    python scripts/new_rule.py MLO107 target-in-features [--family leakage] [--antipattern data-leakage]

Writes ``rules/MLOnnn.toml`` (metadata, message, docs, a bad and a good example), the rule module
``mlops_lint/rules/<family>/<name>.py`` (a ``Rule`` that already runs: it reports calls of one
catalog role, to be replaced by the real logic), ``tests/fixtures/MLOnnn/`` (one file with an
``# expect:`` line) and ``docs/rules/MLOnnn.md``. The suite passes on the result, so the loop
starts green: edit the TOML, write the logic, add fixtures, run the tests. See CONTRIBUTING.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The family package and the antipattern of each hundred (DESIGN: MLO1xx leakage … MLO6xx operations).
FAMILIES = {
    "1": ("leakage", "data-leakage"),
    "2": ("exam", "grade-your-own-exam"),
    "3": ("tuning", "tuning-under-the-carpet"),
    "4": ("comparison", "pest"),
    "5": ("data", "data-crisis-as-a-service"),
    "6": ("operations", "act-now-reflect-never"),
}
# A code outside the families (MLO7xx-MLO9xx) starts in a package of its own until it finds one.
UNFILED = ("unfiled", "data-leakage")

_CODE = re.compile(r"^MLO[1-9]\d\d$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

TOML = '''code = "{code}"
name = "{name}"
antipattern = "{antipattern}"
summary = "{summary}"
severity = "warning"
default = false
preview = true
message = "{{call}} is reported by the scaffold of {code}; say what is wrong, where, and what to do instead"

[docs]
what = \'\'\'Checks for … (what the rule reports, where the finding points, which related places it names).\'\'\'
why = \'\'\'Why it is a problem, naming the antipattern and its source.\'\'\'
use-instead = \'\'\'What to write instead.\'\'\'
known-limits = \'\'\'What the analysis cannot see, so the rule stays silent on it.\'\'\'
references = []

[[examples]]
kind = "bad"
expect = [3]
code = \'\'\'
import pandas as pd

frame = pd.read_csv("train.csv")
\'\'\'

[[examples]]
kind = "good"
code = \'\'\'
frame = {{"age": [1, 2, 3]}}
\'\'\'
'''

MODULE = '''"""{code}: {summary}."""

from __future__ import annotations

from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.rule import Finding, Options, Rule


class {cls}(Rule):
    code = "{code}"
    fields = ("call",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        # The scaffold reports every call of one catalog role; replace it with the rule's logic.
        # Ask the resolver (module.callee(call), module.calls_with_role(...)) what calls are, and
        # the dataflow (module.dataflow.events_of(...), .value_of(node)) where values go; yield a
        # Finding with the fields the message names (nodes, LineRefs and catalog entries are
        # written out by the engine).
        for call, entry in module.calls_with_role("loader"):
            yield Finding(call, {{"call": entry}})
'''

FIXTURE = '''import pandas as pd

frame = pd.read_csv("train.csv")  # expect: {code}
settings = {{"path": "train.csv"}}
'''

PACKAGE = '''"""Rules not yet given an antipattern family (codes outside MLO1xx-MLO6xx)."""
'''


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def scaffold(code: str, name: str, root: Path, family: str | None = None, antipattern: str | None = None) -> list[Path]:
    """Write the new rule's files under ``root``; the paths written, in order."""
    if not _CODE.match(code):
        raise SystemExit(f"{code}: a code is MLO followed by three digits (MLO101); MLO0xx belongs to the tool")
    if not _NAME.match(name):
        raise SystemExit(f"{name}: a rule name is kebab-case (preprocessing-before-split)")
    toml_path = root / "rules" / f"{code}.toml"
    if toml_path.exists():
        raise SystemExit(f"{code} exists already ({toml_path}); codes are never reused")
    default_family, default_antipattern = FAMILIES.get(code[3], UNFILED)
    family = family or default_family
    antipattern = antipattern or default_antipattern
    summary = name.replace("-", " ").capitalize()
    package = root / "mlops_lint" / "rules" / family
    module_path = package / f"{name.replace('-', '_')}.py"
    fixture_path = root / "tests" / "fixtures" / code / "reported_and_silent.py"
    if module_path.exists():
        raise SystemExit(f"{module_path} exists already")
    written = []
    if not package.is_dir():
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(PACKAGE, encoding="utf-8")
        written.append(package / "__init__.py")
    fields = {"code": code, "name": name, "antipattern": antipattern, "summary": summary, "cls": _class_name(name)}
    for path, template in ((toml_path, TOML), (module_path, MODULE), (fixture_path, FIXTURE)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**fields), encoding="utf-8")
        written.append(path)
    written.append(_docs_page(root, code))
    return written


def _docs_page(root: Path, code: str) -> Path:
    """docs/rules/CODE.md rendered from the new TOML, as `python -m mlops_lint.catalog.render` would."""
    sys.path.insert(0, str(root))
    from mlops_lint.catalog.load import _parse
    from mlops_lint.catalog.render import render_rule

    toml_path = root / "rules" / f"{code}.toml"
    spec = _parse([(toml_path, toml_path.read_bytes())], []).rules[code]
    page = root / "docs" / "rules" / f"{code}.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_rule(spec), encoding="utf-8")
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("code", help="MLOnnn, the next free code in the family's hundred")
    parser.add_argument("name", help="kebab-case name of the pattern (target-in-features)")
    parser.add_argument("--family", help="package under mlops_lint/rules/ (default: the hundred's)")
    parser.add_argument("--antipattern", help="the catalog antipattern (default: the hundred's)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to write into")
    args = parser.parse_args(argv)
    for path in scaffold(args.code, args.name, args.root, args.family, args.antipattern):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

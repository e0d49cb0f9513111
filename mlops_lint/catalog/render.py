"""Render a RuleSpec as the Markdown of its docs page (docs/rules/CODE.md and `mlops-lint rule`).

Run ``python -m mlops_lint.catalog.render`` to regenerate docs/rules/ after editing rules/*.toml, and
the tables of rules/README.md after editing catalog/schema.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlops_lint.catalog.model import RuleSpec
from mlops_lint.catalog.schema import ANTIPATTERNS


def _example(spec: RuleSpec, kind: str) -> str | None:
    example = next((e for e in spec.examples if e.kind == kind), None)
    return None if example is None else f"```python\n{example.code.rstrip()}\n```\n"


def render_rule(spec: RuleSpec) -> str:
    docs = spec.docs
    fix = "none"
    if spec.fix is not None:
        fix = f"{spec.fix.availability} ({spec.fix.safety})"
    out = [
        f"<!-- generated from rules/{spec.code}.toml by `python -m mlops_lint.catalog.render`; edit that file -->\n",
        f"# {spec.code} {spec.name}\n",
        f"Antipattern: {ANTIPATTERNS[spec.antipattern]} · Severity: {spec.severity} · "
        f"{'On' if spec.default else 'Off'} by default · Fix: {fix}\n",
        f"{spec.summary}.\n",
        "## What it does\n",
        docs.get("what", "").strip() + "\n",
    ]
    if docs.get("why"):
        out += ["## Why is this bad?\n", docs["why"].strip() + "\n"]
    bad, good = _example(spec, "bad"), _example(spec, "good")
    if bad:
        out += ["## Example\n", bad]
    if docs.get("use-instead") or good:
        out.append("## Use instead\n")
        if docs.get("use-instead"):
            out.append(docs["use-instead"].strip() + "\n")
        if good:
            out.append(good)
    if spec.options:
        out.append("## Options\n")
        for option in spec.options:
            out.append(f"- `{option.name}` ({option.type}, default `{option.default!r}`): {option.doc}")
        out.append(f"\nSet them under `[tool.mlops-lint.{spec.name}]` in pyproject.toml.\n")
    if spec.fix is not None:
        out += ["## Fix safety\n", f"{spec.fix.title}. This fix is **{spec.fix.safety}**"
                + (" and is applied only with `--unsafe-fixes`." if spec.fix.safety == "unsafe" else ".") + "\n"]
        if docs.get("fix-safety"):
            out.append(docs["fix-safety"].strip() + "\n")
    if docs.get("known-limits"):
        out += ["## Known limits\n", docs["known-limits"].strip() + "\n"]
    if docs.get("references"):
        out.append("## References\n")
        out += [f"- <{ref}>" for ref in docs["references"]]
        out.append("")
    return "\n".join(out)


README_START = "<!-- generated from mlops_lint/catalog/schema.py by `python -m mlops_lint.catalog.render`; edit that file -->\n"
README_END = "<!-- end of generated tables -->\n"


def render_readme(current: str) -> str:
    """rules/README.md with its generated tables (between the two markers) rewritten from the schema."""
    from mlops_lint.catalog.schema import readme_tables

    head, rest = current.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return head + README_START + "\n" + readme_tables() + "\n" + README_END + tail


def write_docs(docs_dir: Path) -> list[Path]:
    from mlops_lint.catalog import load_catalog

    written = []
    target = docs_dir / "rules"
    target.mkdir(parents=True, exist_ok=True)
    for spec in load_catalog().rules.values():
        path = target / f"{spec.code}.md"
        path.write_text(render_rule(spec), encoding="utf-8")
        written.append(path)
    return written


def write_readme(readme: Path) -> Path:
    readme.write_text(render_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    return readme


if __name__ == "__main__":
    checkout = Path(__file__).resolve().parents[2]
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else checkout / "docs"
    for page in write_docs(root):
        print(page)
    print(write_readme(checkout / "rules" / "README.md"))

"""Score mlops-lint on the wild development corpus: precision from verdicts, recall from labelled leaks.

    python benchmarks/wild/score.py [--corpus DIR] [--rules ALL] [--subset FILE]

Lints the files of ``corpus.tsv`` in the built corpus (see build.py) with the installed mlops-lint
(json output, default rules unless --rules, --no-cache), joins the findings with ``verdicts.tsv``
and ``leaks.tsv`` and prints markdown tables: per rule findings / right / wrong / arguable /
unjudged and precision; per leak category labelled / reported / recall; then the unjudged
findings and the missed leaks. It measures, it does not gate: the exit code is always 0.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = Path.home() / ".cache" / "mlops-lint" / "wild-corpus"
LEAK_CATEGORIES = ("preprocessing", "test-misuse", "unseeded-search", "shuffled-time-series", "target-in-features")
VERDICTS = ("right", "wrong", "arguable")


@dataclass(frozen=True)
class Finding:
    repo: str
    path: str
    position: str            # "42" in a .py file, "c3:7" in a notebook
    code: str
    message: str
    related: frozenset[str]  # positions of the related locations in the same file


@dataclass(frozen=True)
class Leak:
    repo: str
    path: str
    category: str
    codes: frozenset[str]
    lines: frozenset[str]
    note: str


def position(cell: int | None, row: int) -> str:
    return f"c{cell}:{row}" if cell is not None else str(row)


def read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def split_list(text: str) -> frozenset[str]:
    return frozenset(item.strip() for item in text.split(",") if item.strip())


def read_leaks(path: Path) -> list[Leak]:
    return [Leak(r["repo"], r["path"], r["category"], split_list(r["codes"]), split_list(r["lines"]), r["note"])
            for r in read_tsv(path)]


def read_verdicts(path: Path) -> dict[tuple[str, str, str, str], tuple[str, str]]:
    return {(r["repo"], r["path"], r["position"], r["code"]): (r["verdict"], r["reason"]) for r in read_tsv(path)}


def repo_and_path(filename: str) -> tuple[str, str]:
    """``owner+name/dir/file.py`` (relative to the corpus folder) -> (``owner/name``, ``dir/file.py``)."""
    folder, _, path = filename.replace(os.sep, "/").partition("/")
    return folder.replace("+", "/", 1), path


def parse_findings(report: dict) -> list[Finding]:
    findings = []
    for diagnostic in report["diagnostics"]:
        repo, path = repo_and_path(diagnostic["filename"])
        related = frozenset(position(r["cell"], r["location"]["row"]) for r in diagnostic["related"]
                            if r["filename"] == diagnostic["filename"])
        findings.append(Finding(repo, path, position(diagnostic["cell"], diagnostic["location"]["row"]),
                                diagnostic["code"], diagnostic["message"], related))
    return findings


def lint(corpus: Path, files: list[str], rules: str | None) -> tuple[list[Finding], str]:
    """Run the installed mlops-lint on ``files`` (relative to ``corpus``); return findings and stderr."""
    # An empty configuration file: no pyproject.toml above the corpus can change the rule set.
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as config:
        config_path = config.name
    command = [sys.executable, "-m", "mlops_lint", "check", "--output-format", "json", "--no-cache",
               "--exit-zero", "--quiet", "--config", config_path]
    if rules:
        command += ["--select", rules]
    try:
        done = subprocess.run([*command, *files], cwd=corpus, capture_output=True, text=True)
    finally:
        os.unlink(config_path)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return [], f"mlops-lint exited {done.returncode} without a JSON report:\n{done.stderr[-4000:]}"
    return parse_findings(report), done.stderr


def is_reported(leak: Leak, findings: list[Finding]) -> bool:
    return any(f.repo == leak.repo and f.path == leak.path and f.code in leak.codes
               and (f.position in leak.lines or f.related & leak.lines) for f in findings)


def precision_table(findings: list[Finding], verdicts: dict) -> list[str]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for finding in findings:
        verdict = verdicts.get((finding.repo, finding.path, finding.position, finding.code), ("unjudged", ""))[0]
        counts[finding.code][verdict] += 1
    lines = ["| rule | findings | right | wrong | arguable | unjudged | precision |", "|---|---|---|---|---|---|---|"]
    total: Counter = Counter()
    for code in sorted(counts):
        total.update(counts[code])
        lines.append(_precision_row(code, counts[code]))
    lines.append(_precision_row("all", total))
    return lines


def _precision_row(label: str, count: Counter) -> str:
    judged = count["right"] + count["wrong"]
    precision = f"{100 * count['right'] / judged:.0f} %" if judged else "-"
    return (f"| {label} | {sum(count.values())} | {count['right']} | {count['wrong']} | {count['arguable']} "
            f"| {count['unjudged']} | {precision} |")


def recall_table(leaks: list[Leak], findings: list[Finding]) -> list[str]:
    lines = ["| category | labelled | reported | recall |", "|---|---|---|---|"]
    for category in LEAK_CATEGORIES:
        labelled = [leak for leak in leaks if leak.category == category]
        reported = sum(is_reported(leak, findings) for leak in labelled)
        recall = f"{100 * reported / len(labelled):.0f} %" if labelled else "-"
        lines.append(f"| {category} | {len(labelled)} | {reported} | {recall} |")
    return lines


def in_subset(repo: str, subset: set[str] | None) -> bool:
    return subset is None or repo in subset


def read_subset(path: Path | None) -> set[str] | None:
    """Repositories named by the last field of each line (a list of repos, or a claims file)."""
    if path is None:
        return None
    return {line.split()[-1] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the folder build.py wrote")
    parser.add_argument("--rules", help="rules to select instead of the default ones, e.g. ALL")
    parser.add_argument("--data", type=Path, default=HERE, help="folder of corpus.tsv, leaks.tsv, verdicts.tsv")
    parser.add_argument("--subset", type=Path, help="score only the repositories listed in this file")
    args = parser.parse_args(argv)

    subset = read_subset(args.subset)
    listed = [(r["repo"], r["path"]) for r in read_tsv(args.data / "corpus.tsv") if in_subset(r["repo"], subset)]
    files = [f"{repo.replace('/', '+', 1)}/{path}" for repo, path in listed]
    present = [name for name in files if (args.corpus / name).is_file()]
    findings, stderr = lint(args.corpus, present, args.rules) if present else ([], "")
    verdicts = read_verdicts(args.data / "verdicts.tsv")
    leaks = [leak for leak in read_leaks(args.data / "leaks.tsv") if in_subset(leak.repo, subset)]
    read_files = {(leak.repo, leak.path) for leak in leaks}

    print(f"# Wild corpus score ({args.rules or 'default'} rules)\n")
    print(f"{len(present)} of {len(files)} listed files linted from {len(set(r for r, _ in listed))} repositories; "
          f"{len(read_files)} files read by hand.\n")
    print("## Precision (verdicts.tsv)\n")
    print("\n".join(precision_table(findings, verdicts)))
    print("\n## Recall (leaks.tsv)\n")
    print("\n".join(recall_table(leaks, findings)))
    print("\n## Unjudged findings\n")
    for f in findings:
        if (f.repo, f.path, f.position, f.code) not in verdicts:
            print(f"- {f.repo}\t{f.path}\t{f.position}\t{f.code}\t{f.message}")
    print("\n## Missed leaks\n")
    for leak in leaks:
        if leak.category in LEAK_CATEGORIES and not is_reported(leak, findings):
            print(f"- {leak.repo}\t{leak.path}\t{leak.category}\t{','.join(sorted(leak.codes))}\t"
                  f"{','.join(sorted(leak.lines))}\t{leak.note}")
    if len(present) < len(files):
        print(f"\n{len(files) - len(present)} listed files are missing from {args.corpus}: run build.py")
    if stderr.strip():
        print(f"\n## mlops-lint stderr\n\n```\n{stderr.strip()[-4000:]}\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())

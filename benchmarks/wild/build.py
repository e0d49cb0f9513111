"""Rebuild the wild development corpus from local git mirrors (issue 15).

    python benchmarks/wild/build.py [--mirrors DIR] [DEST]

Reads ``corpus.tsv`` next to this script and writes each listed file to
``DEST/<owner>+<name>/<path>`` (default DEST: ~/.cache/mlops-lint/wild-corpus) with
``git --git-dir=<mirror> show <commit>:<path>``. Mirrors are bare git directories named
``<owner>+<name>`` under --mirrors (default /work/.mirror), the git directory possibly nested one
level (``repo/`` or ``repo/.git``), as the session's fetch tool leaves them. No network access:
a missing mirror or commit is reported with the clone that would supply it. Each repository's
folder gets an empty ``.git`` folder, as its clone has one: the project root that resolves the
imports between its files.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS_TSV = HERE / "corpus.tsv"
DEFAULT_MIRRORS = Path("/work/.mirror")
DEFAULT_DEST = Path.home() / ".cache" / "mlops-lint" / "wild-corpus"


@dataclass(frozen=True)
class CorpusFile:
    repo: str
    commit: str
    path: str
    kind: str
    category: str

    @property
    def folder(self) -> str:
        # '+' cannot occur in a GitHub owner or repository name, so the folder name is reversible.
        return self.repo.replace("/", "+", 1)


def read_corpus(tsv: Path = CORPUS_TSV) -> list[CorpusFile]:
    with open(tsv, newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [CorpusFile(r["repo"], r["commit"], r["path"], r["kind"], r["category"]) for r in rows]


def find_git_dir(mirrors: Path, folder: str) -> Path | None:
    """The git directory of a mirror: the folder itself or one level down (``repo``, ``repo/.git``)."""
    root = mirrors / folder
    candidates = [root, *sorted(p for p in root.glob("*") if p.is_dir()), *sorted(root.glob("*/.git"))]
    for candidate in candidates:
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def how_to_supply(entry: CorpusFile) -> str:
    return (f"git clone https://github.com/{entry.repo} && git -C {entry.repo.split('/')[1]} "
            f"checkout {entry.commit}  # then pass its .git as a mirror named {entry.folder}")


def build(mirrors: Path, dest: Path, entries: list[CorpusFile]) -> list[str]:
    """Write every entry under ``dest``; return one problem line per file that could not be written."""
    problems: list[str] = []
    for entry in entries:
        git_dir = find_git_dir(mirrors, entry.folder)
        if git_dir is None:
            problems.append(f"{entry.repo}: no mirror under {mirrors}; {how_to_supply(entry)}")
            continue
        shown = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{entry.commit}:{entry.path}"],
                               capture_output=True)
        if shown.returncode != 0:
            reason = shown.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["git show failed"]
            problems.append(f"{entry.repo}:{entry.path}: {reason[0]}; {how_to_supply(entry)}")
            continue
        target = dest / entry.folder / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
        # A clone's top folder holds .git: mlops-lint takes it as the project's root, so that a script
        # in modeling/ imports src/ as in the repository (an empty folder marks it as well).
        (dest / entry.folder / ".git").mkdir(exist_ok=True)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS, help="folder of the git mirrors")
    parser.add_argument("dest", nargs="?", type=Path, default=DEFAULT_DEST, help="corpus folder to write")
    args = parser.parse_args(argv)
    entries = read_corpus()
    problems = build(args.mirrors, args.dest, entries)
    for line in problems:
        print(line, file=sys.stderr)
    print(f"{len(entries) - len(problems)} of {len(entries)} files written to {args.dest}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""The documented commands and their outputs, read from the docs so that tests can run them and compare.

The marker: a fenced block whose info string is ``console``. Each line starting with ``$ `` is a
command; the lines under it, up to the next command or the end of the block, are what it prints
(stdout and stderr, as a terminal shows them; stdout is not a terminal, so the default format is
``concise`` and there are no colours). In the expected output:

- a line ``...`` stands for any number of lines (an abridged sample stays honest about the rest),
  and ``...`` within a line for any text on that line (a temporary folder's absolute path);
- times (``in 0.1 s``, ``lint 0.12 s``) match any time.

A command runs in a fresh temporary folder holding a copy of ``docs/examples/`` and the files of the
fenced blocks just before it whose info string names a file (```` ```toml file=pyproject.toml ````).
The commands of one block run one after the other in the same folder.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Generated pages (docs/rules/) show no commands; every other page is read.
DOC_FILES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<info>.*)$")  # indented inside a list item too
_TIME = re.compile(r"\b\d+\.\d+ s\b")


@dataclass(frozen=True)
class Command:
    line: str  # as written after "$ "
    expected: str  # the output shown under it

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.line)

    @property
    def tool(self) -> str:
        return self.argv[0]


@dataclass(frozen=True)
class Example:
    doc: Path
    line: int  # of the opening fence, 1-based
    commands: tuple[Command, ...]
    files: dict[str, str] = field(default_factory=dict)  # relative path → text, written before the commands run

    @property
    def id(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"

    @property
    def tools(self) -> set[str]:
        return {command.tool for command in self.commands}


def _commands(body: list[str]) -> tuple[Command, ...]:
    commands: list[Command] = []
    line: str | None = None
    output: list[str] = []
    for text in body:
        if text.startswith("$ "):
            if line is not None:
                commands.append(Command(line, "\n".join(output)))
            line, output = text[2:], []
        else:
            output.append(text)
    if line is not None:
        commands.append(Command(line, "\n".join(output)))
    return tuple(commands)


def examples_in(doc: Path) -> list[Example]:
    found: list[Example] = []
    files: dict[str, str] = {}
    lines = doc.read_text(encoding="utf-8").split("\n")
    number = 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        if opening is None:
            number += 1
            continue
        indent, fence, info = opening["indent"], opening["fence"], opening["info"].split()
        end = next(i for i in range(number + 1, len(lines))
                   if lines[i].strip().startswith(fence) and not lines[i].strip().strip(fence[0]))
        body = [text.removeprefix(indent) for text in lines[number + 1:end]]
        named = [word.removeprefix("file=") for word in info[1:] if word.startswith("file=")]
        if named:
            files[named[0]] = "\n".join(body) + "\n"
        elif info[:1] == ["console"]:
            found.append(Example(doc, number + 1, _commands(body), files))
            files = {}
        number = end + 1
    return found


def all_examples() -> list[Example]:
    return [example for doc in DOC_FILES for example in examples_in(doc)]


def prepare(example: Example, folder: Path) -> None:
    """The folder a documented command runs in: the bundled examples and the files the doc shows before it."""
    shutil.copytree(ROOT / "docs" / "examples", folder / "docs" / "examples")
    for name, text in example.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def _lines(text: str) -> list[str]:
    lines = [_TIME.sub("T s", line.rstrip()) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _line_pattern(line: str) -> str:
    return "[^\n]*".join(re.escape(part) for part in line.split("...")) + "\n"


def matches(expected: str, actual: str) -> bool:
    """Whether ``actual`` is what the doc shows (``...`` lines and times aside)."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == "..." else _line_pattern(line) for line in _lines(expected))
    return re.fullmatch(pattern, "".join(line + "\n" for line in _lines(actual))) is not None


def as_shown(text: str) -> str:
    """``text`` as the comparison sees it, for a readable failure."""
    return "\n".join(_lines(text))

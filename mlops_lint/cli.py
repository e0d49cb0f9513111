"""The command line: parse options, build settings, call the engine and a reporter, choose the exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Sequence

import click

from mlops_lint import __version__
from mlops_lint.observer import CACHED, CHECKED, NO_ML_IMPORTS, UNREADABLE, RunObserver

if TYPE_CHECKING:
    from mlops_lint.diagnostics import Diagnostic
    from mlops_lint.fixes.result import FixRequest, FixResult
    from mlops_lint.progress import ProgressBar

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _misspelt_command(argument: str, commands: Sequence[str]) -> str | None:
    """The command ``argument`` was probably meant to be, when it is no path and looks like a command's name."""
    if argument.startswith("-") or os.path.lexists(argument) or not argument.isalpha():
        return None
    import difflib

    close = difflib.get_close_matches(argument.lower(), list(commands), n=1, cutoff=0.6)
    return close[0] if close else None


class _DefaultToCheck(click.Group):
    """``mlops-lint PATHS`` is ``mlops-lint check PATHS``; ``mlops-lint chek`` is a typo, not a file to lint."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            meant = _misspelt_command(args[0], sorted(self.commands))
            if meant is not None:
                _fail(f"unknown command '{args[0]}' — did you mean '{meant}'? "
                      f"(to lint a file of that name: mlops-lint check {args[0]})")
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlops-lint")
def main() -> None:
    """A static linter for machine-learning training code: data leakage and other MLOps antipatterns.

    \b
    Examples:
      mlops-lint check src/ notebooks/      lint folders (.py and .ipynb)
      mlops-lint train.py                   the same as 'check train.py'
      mlops-lint rules                      list every rule
      mlops-lint rule MLO101                read one rule's documentation

    Settings come from [tool.mlops-lint] in the nearest pyproject.toml; see 'mlops-lint check --help'.
    """


def _fix_request(fix: bool, diff: bool, unsafe: bool) -> FixRequest | None:
    """None unless ``--fix`` or ``--diff`` was given (``--unsafe-fixes`` alone only widens them)."""
    if not (fix or diff):
        return None
    from mlops_lint.fixes.result import FixMode, FixRequest

    return FixRequest(FixMode.DIFF if diff else FixMode.WRITE, unsafe)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _fail(message: str, source_back: bytes | None = None) -> NoReturn:
    """Exit 2 with one line on stderr; ``source_back`` (``--fix -``) goes to stdout unchanged, so that
    an editor replacing its buffer with our output never gets an empty one."""
    if source_back is not None:
        click.echo(source_back, nl=False)
    from mlops_lint.report.text_safety import printable

    # The message may quote the repository's file names and configuration keys.
    click.echo(f"mlops-lint: error: {printable(message)}", err=True)
    sys.exit(EXIT_ERROR)


def _say(message: str) -> None:
    """One line on stderr; it may quote the tree's file names, so control characters are shown escaped."""
    from mlops_lint.report.text_safety import printable

    click.echo(f"mlops-lint: {printable(message)}", err=True)


def _warn(message: str) -> None:
    _say(f"warning: {message}")


def exit_code(diagnostics: Sequence[Diagnostic], exit_zero: bool) -> int:
    """The one exit-code rule: 2 on an internal error (MLO003), 1 on findings unless --exit-zero, else 0."""
    if any(d.code == "MLO003" for d in diagnostics):
        return EXIT_ERROR
    return EXIT_FINDINGS if diagnostics and not exit_zero else EXIT_CLEAN


_FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab")
# What a person reads: these get a progress bar and a summary on stderr; the others are read by machines.
_HUMAN_FORMATS = ("full", "concise")


def _size_option(value: str | None) -> int | None:
    if value is None:
        return None
    from mlops_lint.source.reading import parse_size

    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--max-file-size'") from None


def _fix_messages(fixes: FixResult) -> str:
    """Each fix that was not made, and why: one line per finding, or per file when the whole file was left."""
    from mlops_lint.report.concise import place
    from mlops_lint.report.text_safety import printable

    # File names and reasons (a symlink's target) come from the tree: escaped, one line each.
    lines: list[str] = []
    for file in fixes.all:
        lines.extend(f"mlops-lint: {place(skip.diagnostic.location)}: {skip.diagnostic.code} fix skipped: {printable(skip.reason)}\n"
                     for skip in file.skipped)
        if file.not_written is not None:
            lines.append(f"mlops-lint: {printable(file.path)}: fixes not written: {printable(file.not_written)}\n")
    return "".join(lines)


def _say_skipped(fixes: FixResult, verb: str) -> None:
    """The fixes that were not made, counted apart from those that were (each is named above)."""
    if fixes.skipped_fixes:
        click.echo(f"{fixes.skipped_fixes} fix(es) {verb}, each named above with its reason.", err=True)


class _Watcher(RunObserver):
    """What the user sees while the run goes: a progress bar on a terminal; with -v, each file and its fate."""

    def __init__(self, bar: ProgressBar | None, verbose: bool) -> None:
        self.bar, self.verbose = bar, verbose
        self.wants_total = bar is not None or verbose

    def configuration(self, path: str | None) -> None:
        if self.verbose:
            _say(f"configuration: {_shown(path)}" if path else "configuration: no pyproject.toml found; the defaults apply")

    def total(self, files: int) -> None:
        if self.verbose:
            _say(f"{files:,} file{'' if files == 1 else 's'} to check")
        if self.bar is not None:
            self.bar.total(files)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance()

    def skipped(self, path: str, reason: str) -> None:
        if self.verbose:
            _say(f"skipped {path} ({reason})")

    def file(self, path: str, outcome: str) -> None:
        if self.verbose:
            _say(_VERBOSE_OUTCOME[outcome].format(path=path))


_VERBOSE_OUTCOME = {
    CHECKED: "checked {path}",
    NO_ML_IMPORTS: "skipped {path} (no ML imports: no selected rule can fire)",
    UNREADABLE: "could not read {path}",
    CACHED: "reused {path} (unchanged since the last run: findings from the cache)",
}


def _watcher(fmt: str, quiet: bool, verbose: bool) -> _Watcher:
    """A progress bar only for a person at a terminal reading a human format (-v lists every file instead)."""
    bar = None
    if sys.stderr.isatty() and fmt in _HUMAN_FORMATS and not quiet and not verbose:
        from mlops_lint.progress import ProgressBar

        bar = ProgressBar(sys.stderr)
    return _Watcher(bar, verbose)


def _shown(path: str) -> str:
    """``path`` relative to the current folder when it is inside it, as the findings name files."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _timings(seconds: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{stage} {spent:.2f} s" for stage, spent in seconds)


def _diffs(fixes: FixResult) -> str:
    from mlops_lint.source.formats import format_of

    return "".join(format_of(file.path).diff(file.path, file.original, file.new) for file in fixes.all if file.fixed and file.new is not None)


@main.command(short_help="Lint files, folders or stdin.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output-format", type=click.Choice(_FORMATS), default=None,
              help="How to print findings: full (code frames, hints), concise (flake8's path:line:col: CODE message), "
                   "json, sarif (SARIF 2.1.0), github (Actions annotations), gitlab (Code Quality). "
                   "Default: full on a terminal, concise otherwise.")
@click.option("--select", metavar="CODES", help="Comma-separated rule codes, prefixes or names to enable (replaces the configured set); ALL for every rule.")
@click.option("--extend-select", metavar="CODES", help="Comma-separated codes or prefixes to enable in addition.")
@click.option("--ignore", metavar="CODES", help="Comma-separated codes or prefixes to disable.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Read settings from this TOML file (a pyproject.toml or a bare table) instead of the nearest pyproject.toml.")
@click.option("--exclude", metavar="GLOBS", help="Comma-separated globs of files and folders to skip (replaces the defaults and the configured list).")
@click.option("--extend-exclude", metavar="GLOBS", help="Comma-separated globs to skip in addition to the defaults.")
@click.option("--stdin-filename", metavar="PATH",
              help="Read the source from stdin (as '-' does) and report it under this name (per-file-ignores match it).")
@click.option("--statistics", is_flag=True, help="After the findings, print how many each rule produced, most frequent first.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no progress bar, no summary line.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported (errors still exit 2).")
@click.option("-v", "--verbose", is_flag=True,
              help="Say which configuration applies, each file checked or skipped and why, and the time of each stage; "
                   "show debug logs and tracebacks of internal errors.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place, then report what remains ('-': fixed source to stdout).")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix or --diff, also apply fixes that change behaviour; alone, count them as fixable in the summary.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and change nothing (exit 1 if there are any).")
@click.option("--preview", is_flag=True, help="Also run the heuristic rules that are off by default.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="MLOPS_LINT_CACHE_DIR",
              help="The folder for the caches, one subfolder per project (default: ~/.cache/mlops-lint, "
                   "or $XDG_CACHE_HOME/mlops-lint).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to lint with (default: one per core, never more than the cores or the files; 1 lints in this process).")
@click.option("--max-file-size", metavar="SIZE", default=None,
              help="Skip (and report as MLO002) files larger than SIZE: bytes, or e.g. 5MiB, 500KB (default: 5MiB; notebooks may be 10 times larger on disk).")
def check(paths: tuple[str, ...], output_format: str | None, select: str | None, extend_select: str | None,
          ignore: str | None, config_file: str | None, exclude: str | None, extend_exclude: str | None,
          stdin_filename: str | None, statistics: bool, quiet: bool, exit_zero: bool, verbose: bool, fix: bool,
          unsafe_fixes: bool, diff: bool, preview: bool, no_cache: bool, cache_dir: str | None, jobs: int | None,
          max_file_size: str | None) -> None:
    """Lint PATHS: files and folders (walked for .py and .ipynb); '-' reads stdin. Default: the current folder.

    \b
    Exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal error.
    """
    import time

    from mlops_lint.report import DOCUMENT_FORMATS, renderer
    from mlops_lint.run import RunError, RunRequest, run_request

    started = time.perf_counter()
    verbose = verbose or os.environ.get("MLOPS_LINT_DEBUG") == "1"
    if verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG)
    fmt = output_format or ("full" if sys.stdout.isatty() else "concise")
    max_size = _size_option(max_file_size)
    if statistics and fmt in DOCUMENT_FORMATS:
        _fail(f"--statistics cannot be combined with --output-format {fmt} (its output is one document)")
    if stdin_filename is not None and "-" not in paths:
        # As in ruff: --stdin-filename means the source comes from stdin, whatever else is named.
        for path in paths:
            _warn(f"ignoring {path}: --stdin-filename reads the source from stdin")
        paths = ("-",)
    fix_request = _fix_request(fix, diff, unsafe_fixes)
    # Bytes, not text: a file in any encoding is decoded as Python would, and comes back as it went in.
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    writing_stdin = stdin if fix and not diff else None  # `--fix -`: stdout is the source, whatever happens
    watcher = _watcher(fmt, quiet, verbose)
    request = RunRequest(
        paths=tuple(paths) or (".",),
        config_file=Path(config_file) if config_file else None,
        select=_codes(select),
        extend_select=_codes(extend_select) or (),
        ignore=_codes(ignore) or (),
        exclude=_codes(exclude),
        extend_exclude=_codes(extend_exclude) or (),
        stdin_filename=stdin_filename,
        stdin=stdin,
        fix=fix_request,
        preview=preview,
        use_cache=not no_cache,
        cache_dir=Path(cache_dir) if cache_dir else None,
        jobs=jobs,
        max_file_size=max_size,
        observer=watcher,
    )
    try:
        try:
            result = run_request(request)
        finally:
            if watcher.bar is not None:
                watcher.bar.close()
        for warning in result.warnings:
            _warn(warning)
        report_started = time.perf_counter()
        diagnostics = result.diagnostics
        if fmt == "full":
            from mlops_lint.report.full import render as render_full
            from mlops_lint.report.source_lines import SourceLines

            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            text = render_full(diagnostics, color=color, sources=SourceLines(result.unsaved))
        elif fmt == "gitlab":
            from mlops_lint.report.gitlab import render as render_gitlab
            from mlops_lint.report.source_lines import SourceLines

            text = render_gitlab(diagnostics, sources=SourceLines(result.unsaved))
        else:
            text = renderer(fmt)(diagnostics)
        if statistics:
            from mlops_lint.report.statistics import render as render_statistics

            text += render_statistics(diagnostics)
        diff_text = _diffs(result.fixes) if diff and result.fixes is not None else ""
    except RunError as error:
        _fail(str(error), writing_stdin)
    except Exception as error:  # the last guard: one line, the traceback only when asked for
        if verbose:
            if writing_stdin is not None:
                click.echo(writing_stdin, nl=False)
            raise
        _fail(f"internal error: {type(error).__name__}: {error} (run with --verbose for the traceback)", writing_stdin)
    if verbose:
        _say(f"timings: {_timings([*result.stats.seconds, ('report', time.perf_counter() - report_started)])}")

    def summary_line(outcomes: dict[str, int], seconds: float) -> str:
        """The summary line on stderr, for a person reading a human format ('' for the others)."""
        if quiet or fmt not in _HUMAN_FORMATS:
            return ""
        from mlops_lint.diagnostics import Applicability
        from mlops_lint.report.summary import summary

        attempted = None
        if fix_request is not None:
            attempted = Applicability.UNSAFE if unsafe_fixes else Applicability.SAFE
        return summary(outcomes, diagnostics, seconds, unsafe_shown=unsafe_fixes, attempted=attempted)

    def summarise() -> None:
        click.echo(summary_line(result.stats.outcomes, time.perf_counter() - started), nl=False, err=True)

    fixes = result.fixes
    if fixes is None:
        click.echo(text, nl=False)
        summarise()
        status = exit_code(diagnostics, exit_zero)
        if request.use_cache and not result.warnings:  # the same command, unchanged, is then answered before click loads
            from mlops_lint.cache.replay import remember
            from mlops_lint.observer import CACHED

            # What that answer will say on stderr: every file unchanged since this run (its time apart).
            files = result.stats.files
            remember(text, status, summary_line({CACHED: files} if files else {}, 0.0))
        sys.exit(status)
    click.echo(_fix_messages(fixes), nl=False, err=True)
    if diff:
        click.echo(diff_text, nl=False)
        if fixes.fixed_findings:
            click.echo(f"Would fix {fixes.fixed_findings} finding(s) in {fixes.fixed_files} file(s).", err=True)
        _say_skipped(fixes, "would be skipped")
        sys.exit(EXIT_FINDINGS if diff_text else EXIT_CLEAN)
    if result.stdin is not None:
        # Editors read the fixed source from stdout (the bytes as they came when nothing was fixed);
        # the remaining findings go to stderr.
        click.echo(result.stdin, nl=False)
        click.echo(text, nl=False, err=True)
    else:
        click.echo(text, nl=False)
    if fixes.fixed_findings:  # only what reached a file (or stdout): a refused write fixed nothing
        click.echo(f"Fixed {fixes.fixed_findings} finding(s) in {fixes.fixed_files} file(s).", err=True)
    _say_skipped(fixes, "skipped")
    summarise()
    sys.exit(exit_code(diagnostics, exit_zero))


@main.command("rules", short_help="List every rule.")
@click.option("--output-format", type=click.Choice(["table", "json"]), default="table",
              help="table (one rule per line) or json (a list of objects).")
def list_rules(output_format: str) -> None:
    """List every rule: code, name, antipattern, on or off by default."""
    from mlops_lint.catalog import load_catalog

    specs = sorted(load_catalog().rules.values(), key=lambda spec: spec.code)
    if output_format == "json":
        import json

        rows = [{"code": s.code, "name": s.name, "antipattern": s.antipattern, "default": s.default,
                 "severity": s.severity, "summary": s.summary, "url": s.url} for s in specs]
        click.echo(json.dumps(rows, indent=2))
        return
    name_width = max([len("NAME"), *(len(s.name) for s in specs)])
    anti_width = max([len("ANTIPATTERN"), *(len(s.antipattern) for s in specs)])
    click.echo(f"{'CODE':<6}  {'NAME':<{name_width}}  {'ANTIPATTERN':<{anti_width}}  DEFAULT")
    for spec in specs:
        state = "on" if spec.default else "off"
        click.echo(f"{spec.code:<6}  {spec.name:<{name_width}}  {spec.antipattern:<{anti_width}}  {state}")


@main.command("rule", short_help="Show one rule's documentation.")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the documentation page of one rule, given by code (MLO101) or name (preprocessing-before-split)."""
    from mlops_lint.catalog import load_catalog
    from mlops_lint.catalog.render import render_rule

    catalog = load_catalog()
    spec = catalog.rules.get(code.upper()) or catalog.by_name(code)
    if spec is None:
        import difflib

        close = difflib.get_close_matches(code.upper(), list(catalog.rules), n=1) or difflib.get_close_matches(
            code, [s.name for s in catalog.rules.values()], n=1)
        _fail(f"unknown rule '{code}'" + (f" — did you mean '{close[0]}'?" if close else ""))
    page = _without_generator_note(render_rule(spec))
    if not sys.stdout.isatty():
        click.echo(page, nl=False)  # plain Markdown, for a pager, a file or another tool
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(page, code_theme="monokai", hyperlinks=False))


def _without_generator_note(page: str) -> str:
    """The page a reader wants: the docs file's first line, a note to its editors, is dropped."""
    if page.startswith("<!--"):
        page = page[page.index("-->") + len("-->"):].lstrip("\n")
    return page


@main.command("summarise", short_help="Print what each function of a project's modules does to data.")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--no-cache", is_flag=True, help="Neither read nor write the summary cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="The cache folder (default: $MLOPS_LINT_CACHE_DIR, else the user's cache folder).")
def summarise_modules(paths: tuple[str, ...], no_cache: bool, cache_dir: str | None) -> None:
    """Summarise the modules under PATHS and the project modules they import, as JSON: for each
    function and method, which parameters it fits, transforms, resamples, splits, evaluates or
    logs, what it returns and which attributes it writes (docs/performance.md, "Scaling out")."""
    import json
    from dataclasses import asdict

    from mlops_lint.project.pipeline import summarise_paths

    sources, result = summarise_paths(paths, cache_dir, not no_cache)
    modules = {_shown(path): asdict(summary) for path, summary in sorted(result.summaries.items())}
    click.echo(json.dumps({"modules": modules}, indent=1))
    _say(f"Summarised {len(result.computed)} of {len(sources.modules)} modules"
         f"{' (the others unchanged since the last run)' if len(result.computed) < len(sources.modules) else ''}.")


@main.command("server")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only transport).")
def server(stdio: bool) -> None:
    """Run the language server (needs the lsp extra: pip install 'mlops-lint[lsp]')."""
    try:
        from mlops_lint.integrations.lsp import serve_stdio
    except ImportError as error:
        if (error.name or "").partition(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        _fail(f"the language server needs pygls ({error.name or error} is missing): pip install 'mlops-lint[lsp]'")
    serve_stdio()

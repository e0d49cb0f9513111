"""The command line: parse options, build settings, call the engine and a reporter, choose the exit code."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from mlops_lint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _DefaultToCheck(click.Group):
    """``mlops-lint PATHS`` is ``mlops-lint check PATHS``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlops-lint")
def main() -> None:
    """A static linter for machine-learning training code: data leakage and other MLOps antipatterns."""


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _fail(message: str) -> None:
    click.echo(f"mlops-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output-format", type=click.Choice(["full", "concise", "json"]), default=None,
              help="Output format (default: full on a terminal, concise otherwise).")
@click.option("--select", help="Comma-separated rule codes or prefixes to enable (replaces the default set); ALL for every rule.")
@click.option("--extend-select", help="Comma-separated codes or prefixes to enable in addition.")
@click.option("--ignore", help="Comma-separated codes or prefixes to disable.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Read settings from this file instead of the nearest pyproject.toml.")
@click.option("--exclude", help="Comma-separated globs of files and folders to skip (replaces the defaults).")
@click.option("--extend-exclude", help="Comma-separated globs to skip in addition to the defaults.")
@click.option("--stdin-filename", help="The name to report for source read from stdin ('-').")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("-v", "--verbose", is_flag=True, help="Show debug logs and tracebacks of internal errors.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="MLOPS_LINT_CACHE_DIR",
              help="Where to keep the results cache (default: .mlops-lint-cache at the project root).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to lint with (default: one per core; 1 lints in this process).")
def check(paths, output_format, select, extend_select, ignore, config_file, exclude, extend_exclude,
          stdin_filename, exit_zero, verbose, no_cache, cache_dir, jobs) -> None:
    """Lint PATHS (files and folders; '-' reads stdin)."""
    from mlops_lint.run import RunRequest, run

    if verbose:
        logging.basicConfig(level=logging.DEBUG)
    request = RunRequest(
        paths=tuple(paths) or (".",),
        config_file=Path(config_file) if config_file else None,
        select=_codes(select),
        extend_select=_codes(extend_select) or (),
        ignore=_codes(ignore) or (),
        exclude=_codes(exclude),
        extend_exclude=_codes(extend_exclude) or (),
        stdin_filename=stdin_filename,
        read_stdin=sys.stdin.read if "-" in paths else None,
        use_cache=not no_cache,
        cache_dir=Path(cache_dir) if cache_dir else None,
        jobs=jobs,
    )
    from mlops_lint.run import RunError

    try:
        diagnostics = run(request)
    except RunError as error:
        _fail(str(error))
    from mlops_lint.report import renderer

    fmt = output_format or ("full" if sys.stdout.isatty() else "concise")
    click.echo(renderer(fmt)(diagnostics), nl=False)
    if any(d.code == "MLO003" for d in diagnostics):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if diagnostics and not exit_zero else EXIT_CLEAN)


@main.command("rules")
def list_rules() -> None:
    """List every rule: code, name, antipattern, on by default or not."""
    from mlops_lint.catalog import load_catalog

    for spec in load_catalog().rules.values():
        state = "on" if spec.default else "off"
        click.echo(f"{spec.code}  {spec.name:<36} {spec.antipattern:<28} {state}")


@main.command("rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the documentation of one rule (by code or name)."""
    from mlops_lint.catalog import load_catalog
    from mlops_lint.catalog.render import render_rule

    catalog = load_catalog()
    spec = catalog.rules.get(code.upper()) or catalog.by_name(code)
    if spec is None:
        _fail(f"unknown rule '{code}'")
    click.echo(render_rule(spec), nl=False)

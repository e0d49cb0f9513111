"""mlops-lint: a static linter for machine-learning training code."""

__version__ = "0.1.0"


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext mlops_lint``: lint the session's cells as each one runs (docs/notebooks.md).

    ``ipython`` is IPython's InteractiveShell. The extension lives in mlops_lint.integrations.ipython; importing it here would make every
    ``import mlops_lint`` (the CLI, the flake8 plugin) pay for the engine.
    """
    from mlops_lint.integrations.ipython import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: object) -> None:
    from mlops_lint.integrations.ipython import unload_ipython_extension as unload

    unload(ipython)

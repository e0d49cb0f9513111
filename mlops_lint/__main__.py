"""Run the command line with ``python -m mlops_lint``."""

from mlops_lint.cli import main

if __name__ == "__main__":
    main(prog_name="mlops-lint")

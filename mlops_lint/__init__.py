"""mlops-lint: a static linter for machine-learning training code."""

__version__ = "0.1.0"

"""Thin adapters that run the engine inside other tools: flake8 and a language server."""

"""Caches that make a second run cheap, kept outside the linted tree and holding data, never code.

- ``folder.py``: where they live (the user's cache folder, one subfolder per project) and when a
  folder may be trusted with them;
- ``results.py``: each file's diagnostics, reused while the file and the configuration are unchanged;
- ``answers.py``: a whole run's answer, given before the catalog, the configuration or the engine
  are even loaded when nothing it depends on has changed;
- ``codec.py``: diagnostics as validated JSON; ``fingerprint.py``: what "unchanged" means.

Every cache file is JSON, read only from a trusted folder and checked field by field; anything
unexpected reads as a miss, never as an error. See docs/safety.md and docs/performance.md.
"""

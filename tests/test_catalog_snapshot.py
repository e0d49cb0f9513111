"""The catalog snapshot (parsed TOML tables as JSON): same catalog as the TOML, never stale, never an
error, only written where Python would write bytecode, only read from a folder that can be trusted."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from mlops_lint import atomic
from mlops_lint.catalog import load, snapshot
from mlops_lint.catalog.locate import catalog_dir


@pytest.fixture
def rules(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshot, "_FOLDER", tmp_path / "pycache")
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    shutil.copytree(catalog_dir(), tmp_path / "rules")
    load.load_catalog.cache_clear()
    yield tmp_path / "rules"
    load.load_catalog.cache_clear()


def snapshots(rules):
    return sorted((rules.parent / "pycache").glob("catalog-*"))


def parsed(rules):
    rule_files = [(p, p.read_bytes()) for p in sorted(rules.glob("MLO*.toml"))]
    api_files = [(p, p.read_bytes()) for p in sorted((rules / "api").glob("*.toml"))]
    return load._parse(rule_files, api_files)


def test_the_snapshot_is_the_parsed_catalog(rules, monkeypatch):
    first = load.load_catalog(rules)
    assert len(snapshots(rules)) == 1
    load.load_catalog.cache_clear()
    monkeypatch.setattr(load, "_read", lambda *_: pytest.fail("parsed the TOML although a snapshot was there"))
    second = load.load_catalog(rules)
    monkeypatch.undo()
    assert second is not first
    assert second.rules == parsed(rules).rules == first.rules
    assert second.api == parsed(rules).api


def test_an_edited_catalog_file_is_parsed_again_and_replaces_the_old_snapshot(rules):
    load.load_catalog(rules)
    before = snapshots(rules)
    rule = rules / "MLO101.toml"
    rule.write_text(rule.read_text(encoding="utf-8").replace('severity = "error"', 'severity = "warning"'), encoding="utf-8")
    load.load_catalog.cache_clear()
    assert load.load_catalog(rules).rules["MLO101"].severity == "warning"
    after = snapshots(rules)
    assert len(after) == 1 and after != before


def test_a_corrupt_snapshot_is_rebuilt_not_an_error(rules):
    load.load_catalog(rules)
    (path,) = snapshots(rules)
    good = json.loads(path.read_bytes())
    wrong_tables = {**good, "tables": {name: {"code": 1} for name in good["tables"]}}
    for corrupt in (b"\x80\x05not json", b"1", json.dumps({**good, "kind": "other"}).encode(), json.dumps(wrong_tables).encode()):
        path.write_bytes(corrupt)
        load.load_catalog.cache_clear()
        assert load.load_catalog(rules).rules == parsed(rules).rules


def test_a_snapshot_in_a_symlinked_or_foreign_folder_is_not_read(rules, tmp_path, monkeypatch):
    load.load_catalog(rules)
    real = tmp_path / "elsewhere"
    (rules.parent / "pycache").rename(real)
    (rules.parent / "pycache").symlink_to(real)
    load.load_catalog.cache_clear()
    monkeypatch.setattr(load, "_read", lambda *_: pytest.fail("snapshot used"))
    with pytest.raises(pytest.fail.Exception, match="snapshot used"):
        load.load_catalog(rules)
    (rules.parent / "pycache").unlink()
    real.rename(rules.parent / "pycache")
    load.load_catalog.cache_clear()
    # Neither the current user nor the package's owner: someone else's folder and file.
    assert snapshot._owners() == {os.getuid(), os.stat(snapshot._PACKAGE).st_uid}
    monkeypatch.setattr(snapshot, "_owners", lambda: frozenset({os.stat(rules).st_uid + 4242}))
    with pytest.raises(pytest.fail.Exception, match="snapshot used"):
        load.load_catalog(rules)


def test_nothing_is_written_when_python_writes_no_bytecode(rules, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert load.load_catalog(rules).rules == parsed(rules).rules
    assert snapshots(rules) == []


def test_a_read_only_folder_only_loses_the_speed_up(rules, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    assert load.load_catalog(rules).rules == parsed(rules).rules
    assert snapshots(rules) == [] and not list((rules.parent / "pycache").glob(".*tmp"))

"""The shape of the code: the import contract (pyproject.toml, docs/contributing.md) holds,
names every app, the core knows no table of the web layer, and the core type-checks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

import netweave

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(netweave.__file__).resolve().parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_the_import_contract_holds():
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"),
                           "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_the_layers_name_every_package_of_netweave():
    layers = next(c for c in CONFIG["contracts"] if c["type"] == "layers")["layers"]
    layered = {m.strip() for layer in layers for m in layer.split("|")}
    packages = {f"netweave.{p.name}" for p in PACKAGE.iterdir()
                if (p / "__init__.py").is_file()} | {"netweave.cli"}
    assert packages == layered
    installed = {a for a in settings.INSTALLED_APPS if a.startswith("netweave.")}
    assert installed <= layered


def test_the_core_names_no_table_of_the_web_layer():
    tables = {m._meta.db_table for m in apps.get_models()
              if m.__module__.startswith("netweave.")}
    named = {}
    for path in (PACKAGE / "core").rglob("*.py"):
        text = path.read_text()
        found = sorted(t for t in tables if t in text)
        if found:
            named[str(path.relative_to(PACKAGE))] = found
    assert named == {}


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
                    reason="reads no database: runs once, in the SQLite pass")
def test_the_core_type_checks():
    """mypy over src/netweave/core as pyproject.toml configures it ([tool.mypy]), with its
    cache in var/ so that a second run takes seconds."""
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file",
                           str(ROOT / "pyproject.toml"), "--cache-dir",
                           str(ROOT / "var" / "mypy-cache")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_code_cites_the_metrics_doc_of_the_repository_by_existing_anchors():
    """Docstrings cite docs/metrics.md (the repository's own definitions, not a METRICS.md a
    clone does not have), by anchors the document has."""
    doc = (ROOT / "docs" / "metrics.md").read_text()
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', doc))
    assert len(anchors) >= 10
    stale, missing = [], []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        where = str(path.relative_to(PACKAGE))
        if "METRICS.md" in text:
            stale.append(where)
        missing += [f"{where}: #{a}" for a in re.findall(r"docs/metrics\.md#([\w-]+)", text)
                    if a not in anchors]
    assert stale == [] and missing == []

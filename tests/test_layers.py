"""The layers import downward only (issue 24): data, metrics, commentary, charts, render, publish, then the
pipeline and the commands, as pyproject.toml's [tool.importlinter] contract lists them; lint-imports checks
every import, those inside functions included."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return contract["layers"]


def test_the_layer_contract_holds():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    run = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "1 kept, 0 broken" in run.stdout


def test_every_module_of_the_package_has_a_layer():
    """A module left out of the contract would be free to import anything."""
    named = {part.strip() for layer in _layers() for part in layer.split("|")}
    package = ROOT / "generator"
    modules = {f"generator.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"generator.{p.name}" for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert modules - named == set(), "add these to a layer in pyproject.toml [tool.importlinter]"

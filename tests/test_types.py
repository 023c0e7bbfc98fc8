"""Issue 24, typed contracts: mypy (with pydantic's plugin) checks the whole package on every run. The modules
[tool.mypy] in pyproject.toml lists are not clean yet and are the list to shrink; every other module, and any
new one, must type-check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_type_checks(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mypy", "generator", "--cache-dir", str(tmp_path / "cache")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_settings_are_typed_where_they_are_read():
    """The settings object crosses every layer above it; where a clean module takes it, it says what it is, so
    the checker reads every `settings.<section>.<field>` there against the Settings model."""
    import re
    import tomllib

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    unchecked = set(tool["mypy"]["overrides"][0]["module"])
    layers = [layer.split(" | ") for layer in tool["importlinter"]["contracts"][0]["layers"]]
    # only the layers above settings may name it (below, it would be an upward import)
    above = [name for layer in layers[:[i for i, ls in enumerate(layers) if "generator.settings" in ls][0]]
             for name in layer]
    untyped = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if module in unchecked or \
                not any(module == a or module.startswith(a + ".") for a in above):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\bdef \w+\(.*\bsettings\b(?![:_.])", line) and "settings=" not in line:
                untyped.append(f"{module}:{n}: {line.strip()}")
    assert not untyped, "\n".join(untyped)

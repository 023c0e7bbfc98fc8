"""The README's pip route runs as written (issue 23): its code block is pasted, line by line, into a fresh
bash with a fresh HOME, beside a copy of this repository named as the README says (`capweekly/`).

Only the network is taken away, through pip's own environment variables, never by editing the lines:
PIP_NO_INDEX (nothing downloaded), PIP_NO_DEPS and no build isolation (the dependencies and hatchling come
from the test venv, on PYTHONPATH: a plain path entry runs none of the test venv's .pth files, so its
editable install of this repo stays invisible and the `generator` that runs is the wheel's). `preview`, a
server that runs until Ctrl-C, is the one line left out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib

from tests.conftest import ROOT


def pip_route(readme: str) -> list[str]:
    """The lines of the first sh block under "## Install with pip"."""
    section = readme.split("## Install with pip", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README: no ```sh block under '## Install with pip'"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_route_names_the_version_being_built():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    route = "\n".join(pip_route((ROOT / "README.md").read_text()))
    assert f"capweekly-{version}-py3-none-any.whl" in route


def _copy_of_the_repo(target):
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_the_pip_route_runs_as_written(tmp_path):
    lines = [line for line in pip_route((ROOT / "README.md").read_text()) if "capweekly preview" not in line]
    _copy_of_the_repo(tmp_path / "capweekly")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "python3").symlink_to(sys.executable)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAPWEEKLY", "PYTHON", "PIP_", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PATH=f"{shim}{os.pathsep}{env.get('PATH', '')}",
               PYTHONPATH=sysconfig.get_paths()["purelib"], PIP_NO_INDEX="1", PIP_NO_DEPS="1",
               PIP_NO_BUILD_ISOLATION="0",  # "0" turns isolation off (pip reads no-* variables inverted)
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    script = "set -euo pipefail\n" + "\n".join(f"echo '$ {line}'\n{line}" for line in lines) + \
        "\npython -c 'import generator; print(\"generator from\", generator.__file__)'\n"
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"the README's pip route failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    assert f"generator from {home}/.capweekly/" in run.stdout  # the wheel's code, not the repo's
    issue = tmp_path / "letter" / "reports" / "2025-10-31"
    for name in ("report.html", "report.pdf", "email.html", "metrics.json"):
        assert (issue / name).stat().st_size > 0, name
    assert "SAMPLE DATA" in (issue / "report.html").read_text()

"""A writer's first day: the wheel installed somewhere else, `capweekly init`, a first build.

The wheel test builds the real wheel with hatchling (no build isolation, so no
network), installs it with `pip --no-deps` into a fresh virtualenv created
without pip, and lets that venv see the test venv's third-party packages through
a plain path line in a .pth file. A plain path line does not run the test venv's
own .pth files, so its editable install of this repo is NOT visible: the
`generator` package imported there is the wheel's, and the command runs from an
empty temporary folder far from the repo.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.init import SAMPLE_WEEK
from generator.settings import load_settings, settings_schema
from tests.conftest import ROOT


def test_init_makes_a_newsletter_folder_that_loads(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "letter")])
    assert result.exit_code == 0, result.output
    letter = tmp_path / "letter"
    names = sorted(str(p.relative_to(letter)) for p in letter.rglob("*") if p.is_file())
    assert names == [".gitignore", f"notes/{SAMPLE_WEEK}.md", "settings.schema.json", "settings.yaml",
                     "templates/README.txt"]
    settings = load_settings(letter / "settings.yaml")
    assert settings.resolve(settings.templates_dir) == letter / "templates"
    assert settings.branding.title and settings.data.source == "yfinance"
    assert settings.resolve(settings.notes_dir) == letter / "notes"
    text = (letter / "settings.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=./settings.schema.json\n")
    # every key of the example is commented: no line with a value lacks its "# ..." (bar the disclosures' prose)
    body = text.split("\ndisclosures:")[0]
    bare = [line for line in body.splitlines() if ":" in line and not line.lstrip().startswith("#")
            and "#" not in line and not line.rstrip().endswith(":")]
    assert bare == []
    for pattern in ("/reports/", "/site/", "/cache/", "subscribers.sqlite*", "*.lock"):
        assert pattern in (letter / ".gitignore").read_text().splitlines()
    assert (letter / "settings.schema.json").read_text().count('"Pair"') >= 1


def test_init_explains_or_takes_the_signup_url(tmp_path):
    """Without --signup-url init says how sign-up is turned on; with it, settings.yaml holds both URLs."""
    plain = CliRunner().invoke(main, ["init", str(tmp_path / "a")])
    assert plain.exit_code == 0 and "web.public_url" in plain.stderr and "Atom feed" in plain.stderr
    given = CliRunner().invoke(main, ["init", str(tmp_path / "b"), "--site-url", "https://example.com/sc",
                                      "--signup-url", "https://example.com/letters/"])
    assert given.exit_code == 0, given.output
    settings = load_settings(tmp_path / "b" / "settings.yaml")
    assert settings.site.base_url == "https://example.com/sc/"
    assert settings.web.public_url == "https://example.com/letters/"
    assert "web.public_url" not in given.stderr
    bad = CliRunner().invoke(main, ["init", str(tmp_path / "c"), "--signup-url", "example.com"])
    assert bad.exit_code != 0 and not (tmp_path / "c" / "settings.yaml").exists()


def test_init_never_overwrites(tmp_path):
    (tmp_path / "settings.yaml").write_text("mine: true\n")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 4 and "settings.yaml already exists" in result.output
    assert (tmp_path / "settings.yaml").read_text() == "mine: true\n"
    assert not (tmp_path / "notes").exists()


def test_the_schema_file_is_current_and_matches_the_model():
    shipped = ROOT / "docs" / "settings.schema.json"
    result = CliRunner().invoke(main, ["settings", "schema"])
    assert result.exit_code == 0
    assert result.output == shipped.read_text(), \
        "docs/settings.schema.json is out of date: run capweekly settings schema --out docs/settings.schema.json"
    schema = settings_schema()
    assert set(schema["required"]) == {"branding", "pair", "disclosures"} and "base_dir" not in schema["properties"]
    assert schema["$defs"]["Pair"]["additionalProperties"] is False


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)], cwd=ROOT,
                   check=True, capture_output=True, timeout=120)
    (built,) = out.glob("capweekly-*.whl")
    return built


def test_the_wheel_ships_templates_settings_and_universe(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "generator/_defaults/settings.yaml" in names
    assert "generator/_templates/report.html" in names and "generator/_templates/words/lede.html" in names
    assert "generator/data/universe/small_caps.txt" in names
    assert not any(n.startswith(("tests/", "reports/")) for n in names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in meta and "Version: 0.2.0" in meta


def test_pip_installed_wheel_inits_and_builds_a_full_issue(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "--quiet", "--disable-pip-version-check", str(wheel)], check=True, capture_output=True, timeout=120)
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAPWEEKLY", "PYTHON"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = subprocess.check_output([str(python), "-c", "import generator;print(generator.__file__)"], text=True,
                                    cwd=tmp_path, env=env).strip()
    assert where.startswith(str(site)), where  # the wheel's code, not the repo's

    work = tmp_path / "writer"
    work.mkdir()
    capweekly = str(venv / "bin" / "capweekly")
    init = subprocess.run([capweekly, "init", "letter"], cwd=work, env=env, capture_output=True, text=True,
                          timeout=60)
    assert init.returncode == 0, init.stderr
    letter = work / "letter"
    (letter / "notes" / "2025-11-01.md").write_text("Written for Saturday by mistake.\n")
    build = subprocess.run([capweekly, "build", "--source", "sample"], cwd=letter, env=env, capture_output=True,
                           text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    folder = letter / "reports" / SAMPLE_WEEK
    assert build.stdout.strip() == str(folder)
    for name in ("report.html", "report.pdf", "metrics.json", "email.html", "email.txt", "review.txt", "site.html"):
        assert (folder / name).stat().st_size > 0, name
    assert len(list((folder / "charts").glob("*.png"))) >= 8
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    html = (folder / "report.html").read_text()
    assert "An example editor" in html  # the example note was found and used
    assert "SAMPLE DATA" in html
    assert "headline:" in build.stderr and "stance:" in build.stderr  # the summary
    assert "2025-11-01.md: matches no issue: this week's issue is dated 2025-10-31" in build.stderr
    doc = yaml.safe_load((folder / "metrics.json").read_text())
    assert doc["source"] == "sample" and doc["as_of"] == SAMPLE_WEEK

from pathlib import Path

import pytest
import yaml

from generator.errors import SettingsError
from generator.settings import load_settings
from tests.conftest import SETTINGS


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture()
def shipped():
    return yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))


def test_shipped_settings_load(settings):
    assert settings.pair.small == "IWM" and settings.pair.large == "SPY"
    assert settings.output.page_size in ("A4", "Letter")
    assert "^TNX" in settings.tickers.levels()


def test_every_problem_is_listed_at_once_with_its_location(tmp_path, shipped):
    shipped["pair"]["small"] = "not a ticker!"
    shipped["output"]["page_size"] = "A5"
    shipped["output"]["colour"] = "red"
    del shipped["disclosures"]["risk_statement"]
    with pytest.raises(SettingsError) as err:
        load_settings(_write(tmp_path, shipped))
    text = err.value.one_line()
    assert "pair.small:" in text
    assert "output.page_size:" in text
    assert "output.colour: unknown key" in text
    assert "disclosures.risk_statement: is required but missing" in text
    assert all(line.startswith("settings error: ") and "settings.yaml: " in line for line in text.splitlines())


@pytest.mark.parametrize("field", ["author_position", "editor_position", "publisher_disclaimer", "copyright"])
def test_empty_disclosure_fails(tmp_path, shipped, field):
    shipped["disclosures"][field] = "  "
    with pytest.raises(SettingsError, match=f"disclosures.{field}"):
        load_settings(_write(tmp_path, shipped))


def test_pair_must_differ(tmp_path, shipped):
    shipped["pair"]["large"] = "iwm"
    with pytest.raises(SettingsError, match="small and large must be different"):
        load_settings(_write(tmp_path, shipped))


def test_sma_windows_must_be_ordered(tmp_path, shipped):
    shipped["lookbacks"]["sma_short"] = 250
    with pytest.raises(SettingsError, match="lookbacks: sma_short must be shorter"):
        load_settings(_write(tmp_path, shipped))


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(SettingsError, match="file not found"):
        load_settings(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("branding: [unclosed\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid YAML"):
        load_settings(bad)


def test_relative_paths_resolve_against_the_settings_folder(tmp_path, shipped):
    shipped["output"]["dir"] = "out"
    settings = load_settings(_write(tmp_path, shipped))
    assert settings.resolve(settings.output.dir) == tmp_path / "out"

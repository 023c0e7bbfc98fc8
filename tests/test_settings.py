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


def test_every_error_has_its_line_and_column(tmp_path):
    text = SETTINGS.read_text(encoding="utf-8")
    text = text.replace("small: IWM ", "small: 'not a ticker!' ").replace("page_size: A4", "page_size: A5")
    text = text.replace("  sma_short: 50 ", "  sma_short: 500 ").replace("[XLK, XLI,", "[XLK, 'X L I',")
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    with pytest.raises(SettingsError) as err:
        load_settings(path, {})
    problems = err.value.problems
    assert len(problems) == 4
    for problem in problems:  # each names a line and column whose text is the key's value
        where, key, _ = problem.split(": ", 2)
        line, column = (int(part.split()[1]) for part in where.split(", "))
        assert lines[line - 1][column - 1:].startswith(("'not a ticker!'", "A5", "500", "[XLK")), problem
    assert any(p.endswith("tickers.sectors: not a ticker symbol: X L I") for p in problems), problems


def test_environment_overrides(tmp_path):
    env = {"CAPWEEKLY__PAIR__SMALL": "^RUT", "CAPWEEKLY__TICKERS__SECTORS": "[XLK, XLF]",
           "CAPWEEKLY__OUTPUT__DIR": "elsewhere", "CAPWEEKLY__EMAIL__RATE_PER_SECOND": "2.5",
           "CAPWEEKLY_SMTP_USER": "not a settings key", "OTHER": "x"}
    settings = load_settings(SETTINGS, env)
    assert settings.pair.small == "^RUT" and settings.tickers.sectors == ["XLK", "XLF"]
    assert settings.resolve(settings.output.dir) == SETTINGS.parent / "elsewhere"
    assert settings.email.rate_per_second == 2.5
    with pytest.raises(SettingsError) as err:
        load_settings(SETTINGS, {"CAPWEEKLY__PAIR__SMAL": "IWM"})
    assert err.value.problems == ["CAPWEEKLY__PAIR__SMAL (environment): pair.smal: unknown key (check the spelling "
                                  "against settings.yaml's comments)"]
    with pytest.raises(SettingsError) as err:
        load_settings(SETTINGS, {"CAPWEEKLY__BRANDING__TITLE__X": "y"})
    assert err.value.problems == ["CAPWEEKLY__BRANDING__TITLE__X (environment): branding.title is not a section"]


def test_an_optional_ticker_may_not_be_one_of_the_pair(tmp_path, shipped):
    shipped["pair"]["small"] = "IJR"
    with pytest.raises(SettingsError) as err:
        load_settings(_write(tmp_path, shipped), {})
    (problem,) = err.value.problems
    assert problem.endswith("tickers.quality: IJR is also pair.small; an optional ticker is compared with the pair, "
                            "so it must differ from both (remove it or pick another ticker)")
    assert problem.startswith("line ")


def test_the_test_settings_have_every_key_of_the_shipped_example():
    """tests/fixtures/settings.yaml is the tests' own copy: it may differ in values, never in keys."""
    import yaml

    from tests.conftest import ROOT, SETTINGS

    def keys(d, prefix=""):
        out = set()
        for k, v in d.items():
            out.add(prefix + k)
            if isinstance(v, dict):
                out |= keys(v, prefix + k + ".")
        return out

    shipped = yaml.safe_load((ROOT / "settings.yaml").read_text())
    fixture = yaml.safe_load(SETTINGS.read_text())
    assert keys(shipped) == keys(fixture)

"""metrics.json and docs/metrics-schema.md must describe each other exactly."""

import json
import re

from tests.conftest import ROOT

PERIODS = {"1w", "4w", "13w", "ytd", "52w", "3y"}
PER_TICKER = {"returns", "relative_to_large", "levels", "sectors", "leadership", "sector_week_rarity"}


def _paths(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for item in value:
            yield from _paths(item, prefix + "[]")
    else:
        yield prefix


def _generic(path: str) -> str:
    parts = path.split(".")
    if parts[0] in PER_TICKER or parts[:2] == ["provenance", "tickers"]:
        parts[2 if parts[0] == "provenance" else 1] = "<TICKER>"
    if parts[0] == "ratios":
        parts[1] = "<KIND>"
    if parts[:2] == ["news", "items"] and len(parts) > 2:
        parts[2] = "<KEY>"
    out = []
    for part in parts:
        if part in PERIODS and parts[0] in ("returns", "relative_to_large", "return_bases", "spread"):
            part = "<PERIOD>"
        elif re.fullmatch(r"\d+w", part):
            part = "<N>w"
        elif re.fullmatch(r"sma\d+", part):
            part = "sma<N>"
        out.append(part)
    return ".".join(out)


def test_every_key_is_documented_and_every_documented_key_written(built_issue):
    folder = built_issue()
    doc = json.loads((folder / "metrics.json").read_text())
    written = {_generic(p) for p in _paths(doc)}
    table = (ROOT / "docs" / "metrics-schema.md").read_text()
    documented = set(re.findall(r"^\| `([^`]+)` \|", table, flags=re.M))
    for obj in ("reference_high", "breadth", "rate_sensitivity", "analogue", "breakouts.current", "crowding",
                "track_record", "track_record.latest.<N>w"):
        documented.discard(obj)  # objects whose fields are listed
    # A passing fact-check writes an empty list; its item fields are documented for the weeks with flags.
    documented -= {k for k in documented if k.startswith("fact_check.flags[].")}
    written |= {"fact_check.flags", "fact_check.by_class"}  # empty when the issue passed
    sustained = {k for k in written if k.startswith("breakouts.sustained[]") or k.startswith("breakouts.current.")}
    written -= sustained  # documented once as "same fields as failed[]"
    written -= {"breakouts.current"}
    documented -= {"breakouts.sustained[].<field>"}
    assert written - documented == set(), "keys written but not documented"
    assert documented - written == set(), "keys documented but not written"


def test_required_contract_keys(built_issue):
    doc = json.loads((built_issue() / "metrics.json").read_text())
    assert doc["schema_version"] == 3
    assert set(doc["returns"]["IWM"]) == PERIODS
    assert {"value", "sma50", "sma200", "peak_date", "peak_value", "drawdown_from_peak"} <= set(doc["ratio"])
    assert set(doc["ratio"]["momentum"]) == {"4w", "13w", "26w", "52w"}
    assert {"label", "score"} <= set(doc["stance"])


def test_track_record_confidence_fields(built_issue):
    """Each hit rate carries its effective sample, 95% Wilson interval and verdict; the thresholds are written
    once under track_record.confidence; the five-year scope and the edges against either side are there."""
    from generator.metrics.track import COIN_WIDTH, LATELY_WEEKS, VERDICTS, Z

    doc = json.loads((built_issue() / "metrics.json").read_text())
    t = doc["track_record"]
    assert t["confidence"] == {"z": Z, "coin_width": COIN_WIDTH} and t["lately_weeks"] == LATELY_WEEKS
    for scope in ("all", "recent", "lately"):
        for by in [*t[scope]["by_stance"].values(), t[scope]["overall"]]:
            for weeks, h in by.items():
                if not h["calls"]:
                    assert h["verdict"] is None
                    continue
                assert h["effective"] == round(h["calls"] / int(weeks[:-1]), 2)
                assert h["low"] <= h["rate"] <= h["high"] and h["half_width"] == (h["high"] - h["low"]) / 2
                assert h["verdict"] in VERDICTS
        assert set(t[scope]["edge"]) == {"small", "large"}
    a = t["all"]
    assert a["edge"]["small"] == a["allocation"]["annualised"] - a["small"]["annualised"]

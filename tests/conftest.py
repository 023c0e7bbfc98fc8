"""Shared fixtures. Paths are relative to this file, never to the working directory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from contextlib import contextmanager

import pytest

from generator.data.model import MarketData, TickerHistory
from generator.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
# The tests' own settings (a copy of the shipped example, so renaming the newsletter in
# settings.yaml never breaks a test); the repo's settings.yaml is the commented example users copy.
SETTINGS = ROOT / "tests" / "fixtures" / "settings.yaml"
MARKET_DIR = ROOT.parent / "shared" / "data" / "market"


def rotating(settings):
    """`settings` with output.phrasing set to rotate: every slot speaks the phrasing the week picks, as published.
    The test settings speak each slot's first phrasing, since most tests read sentences' exact words; the tests of
    the rotation itself (test_phrasings, the whole-history runs) use this."""
    return settings.model_copy(update={"output": settings.output.model_copy(update={"phrasing": "rotate"})})


def pytest_configure(config):
    """Under xdist, hand out the test files in the order `pytest_collection_modifyitems` leaves them, not sorted
    by how many tests each holds (xdist's default)."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    """The files that run the commentary over a whole history (the `history` marker) first, then the others, most
    tests first. Under `--dist loadfile` each file stays on one worker and the longest file bounds the suite's
    time: a whole-history file handed out last would run alone on one core while the other waits."""
    import collections

    files = collections.Counter(item.nodeid.split("::")[0] for item in items)
    long = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("history")}
    items.sort(key=lambda item: (item.nodeid.split("::")[0] not in long, -files[item.nodeid.split("::")[0]],
                                 item.nodeid.split("::")[0]))


@pytest.fixture(autouse=True)
def _no_settings_overrides(monkeypatch):
    """A developer's CAPWEEKLY__... or CAPWEEKLY_SETTINGS variables must not change what the tests read."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("CAPWEEKLY__") or name.upper() == "CAPWEEKLY_SETTINGS":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def settings():
    return load_settings(SETTINGS)


@pytest.fixture(scope="session")
def market_dir() -> Path:
    if not (MARKET_DIR / "IWM.csv").is_file():
        pytest.skip(f"real market data not found at {MARKET_DIR} (it ships beside the repo in ../shared, not in it)")
    return MARKET_DIR


def history(ticker: str, closes, start: str = "2024-01-01", column: str = "adj_close",
            index: pd.DatetimeIndex | None = None) -> TickerHistory:
    idx = index if index is not None else pd.bdate_range(start, periods=len(closes))
    frame = pd.DataFrame({column: np.asarray(closes, dtype="float64")}, index=idx)
    frame.index.name = "date"
    return TickerHistory(ticker, frame, "test")


def market_of(*histories: TickerHistory, source: str = "csv") -> MarketData:
    return MarketData(source, "test data", {h.ticker: h for h in histories})


def metrics_with(m, **changes):
    """`m` (a Metrics, or any frozen dataclass) with fields replaced; a nested field is named with "__":
    `metrics_with(m, risk__vix_level=31.0, events__vix_high=31.0)`. Rule tests make one metrics run and give
    it the gauges of the week they need, instead of building a market for every case."""
    from dataclasses import replace

    nested: dict[str, dict] = {}
    flat = {}
    for path, value in changes.items():
        head, _, rest = path.partition("__")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            flat[head] = value
    for head, inner in nested.items():
        flat[head] = metrics_with(flat.get(head, getattr(m, head)), **inner)
    return replace(m, **flat)


def write_csv(folder: Path, ticker: str, text: str) -> Path:
    path = folder / f"{ticker}.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample_issue(settings, tmp_path_factory) -> Path:
    """One issue built from the sample, once per test session, for tests that need a finished issue folder to
    copy (never to modify in place). Its editor's note has a local image (tests/test_fetch_policy.py checks it)."""
    from generator.pipeline import build_issue
    from tests.loopback import PNG_1PX

    root = tmp_path_factory.mktemp("sample-issue")
    notes = root / "notes"
    notes.mkdir()
    (notes / "my chart.png").write_bytes(PNG_1PX)
    (notes / "2025-10-31.md").write_text("Opening.\n\n## risks\n![Our chart](my%20chart.png)\n")
    noted = settings.model_copy(update={"notes_dir": str(notes)})
    return build_issue(noted, source="sample", out_dir=root / "reports").folder


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built_issue(settings, tmp_path_factory):
    """`built_issue(as_of=None, source="sample")`: the folder of that week's issue built with the test settings,
    alone in its reports folder, once per test run. Building an issue is the costly part of many test files, and
    several need the same week: the first process to ask builds it, under a lock, in the run's temporary root
    (which every xdist worker shares); every later ask, from any file or worker, gets the same folder. Tests read
    or copy it, never write into it: each process checks at its end that the folders it used are unchanged."""
    import fcntl
    import os

    from generator.pipeline import build_issue

    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-builds"
    root.mkdir(exist_ok=True)
    used: dict[Path, dict[str, tuple[int, int]]] = {}

    def build(as_of=None, source: str = "sample") -> Path:
        key = f"{source}-{as_of or 'latest'}"
        done = root / f"{key}.folder"
        with open(root / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not done.exists():
                data_dir = None
                if source == "csv":
                    if not (MARKET_DIR / "IWM.csv").is_file():
                        pytest.skip(f"real market data not found at {MARKET_DIR}")
                    data_dir = MARKET_DIR
                folder = build_issue(settings, source=source, data_dir=data_dir, as_of=as_of,
                                     out_dir=root / key).folder
                done.write_text(str(folder))
        folder = Path(done.read_text())
        used.setdefault(folder, _tree(folder))
        return folder

    yield build
    changed = [str(folder) for folder, tree in used.items() if _tree(folder) != tree]
    assert not changed, f"a test wrote into a shared built issue (copy it first): {changed}"


@pytest.fixture(scope="session")
def sample_build(built_issue) -> Path:
    """One plain issue built from the sample (no editor's note), alone in its reports folder, shared by the whole
    run (`built_issue`). Tests copy it, or point `send` at its folder; never write into it."""
    return built_issue()


@pytest.fixture
def send_secret(monkeypatch):
    """A fresh CAPWEEKLY_SECRET for this test, and no SMTP user from the developer's environment."""
    from secrets import token_urlsafe

    monkeypatch.setenv("CAPWEEKLY_SECRET", token_urlsafe(32))
    monkeypatch.delenv("CAPWEEKLY_SMTP_USER", raising=False)


@pytest.fixture
def no_length_budget(monkeypatch):
    """Lift the week's word budget (generator.commentary.words.word_budget), for tests that read a sentence a quiet
    week's budget would cut: its wording, not its place in a short issue, is what they check."""
    import generator.commentary.words as words

    monkeypatch.setattr(words, "QUIET_WORDS", 10_000)
    monkeypatch.setattr(words, "MAX_WORDS", 10_000)
    monkeypatch.setattr(words, "HARD_MAX", 10_000)  # nor the hard limit's second core gauges
    monkeypatch.setattr(words, "OVER_LIMIT", 10_000)  # nor the trim again past 890 words


# --- the subscriber list on both backends (issue 22) ---------------------------------------------------------

@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL cluster per test process (tests/postgres.py), started on first use."""
    from tests.postgres import Cluster, binaries

    found = binaries()
    if found is None:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl in /usr/lib/postgresql/*/bin or on PATH): "
                    "scripts/setup installs Debian's postgresql")
    cluster = Cluster(found).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def list_db(request, tmp_path):
    """The subscriber list's location (email.database) on each backend: a fresh SQLite file, or a fresh
    PostgreSQL database (a copy of the migrated template, dropped afterwards)."""
    if request.param == "sqlite":
        yield str(tmp_path / "subs.sqlite")
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.fresh_database()
    yield url
    cluster.drop(url)

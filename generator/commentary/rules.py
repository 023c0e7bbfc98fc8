"""The names every section's rules share: `_Rules` (one issue's metrics, settings and the paths into
metrics.json, with `say` to declare a sentence and `view` to test a decision table's claims), and the
thresholds more than one section reads."""

from __future__ import annotations

from generator.commentary.claims import SHOWN_ZERO, Claim, Fact, Sentence, history_since
from generator.metrics import WeeklyMetrics
from generator.metrics.events import BIG_MARKET_DAY  # a large-cap session this big is one of the week's events
from generator.metrics.regime import FEAR
from generator.settings import Settings
from generator.metrics import paths as mp

# A call at most this many weeks old is "young" ("the evidence is young", "It is early").
YOUNG_WEEKS = 4
# A small-cap week down this much is a rout: a fall in yields beside it is a flight to safety (rates), and
# nothing is "alarming"-free (risks).
ROUT_DROP = 0.04
# "A record", "a new high", "all-time" need this many years of history; with less the words say "the highest
# since <start>".
RECORD_YEARS = 10
# Strength words on a gauge come from its percentile of the past year (issue 26, "strength words"): the VIX
# "signals stress", markets "are stressed", volatility "is elevated" or the VIX "is high" only at or above
# STRESSED_RANK; it "is low", "only" so much, or few "are paying for protection" only at or below CALM_RANK.
# Between them a VIX past a fixed line (settings.risk) is told against the line, not with a mood word.
STRESSED_RANK = 0.8
CALM_RANK = 0.2
# A one-week move at least this rare against the gauge's own weekly history (known that week) is the news of
# its section: the section tells it, with its rarity, before any thirteen-week reading of the same gauge.
RARE_WEEK = 0.95
# A yield's one-week move at least this large (10 bp) against the direction a longer reading tells is told in
# the same paragraph ("over thirteen weeks ..., but this week ..."), or the reading goes (issue 26).
WEEK_AGAINST = 0.001

# "Investors feel safe", "a quiet week on the risk gauges": only with the VIX at or under the median of its year
# (CALM_MEDIAN), up less than CALM_VIX_WEEK on the week, and neither index BEAR_LINE or more under its 52-week high
# (readers met "investors feel safe" one sentence after "the VIX is higher than on 98% of days").
CALM_MEDIAN = 0.5
CALM_VIX_WEEK = 0.10
BEAR_LINE = -0.20
# Carry-trade threat words ("forced selling", "unwind", "snap back") only when the yen's week is at least this rare
# against its own weekly history (news.items.fx_week.rarity) and its quote is not stale; otherwise the yen is a plain
# reading (readers met "a yen rally threatens forced selling" for an ordinary week).
CARRY_RARE = 0.95

# A junk-Treasury week whose high-yield leg moved less than this share of the Treasury leg is Treasuries' move.
ONE_LEG = 1 / 3
# A 10-year up this much on the week, with large caps down and the VIX up, denies a "growth hopes" reading of yields.
GROWTH_DENIED_RISE = 0.001
# The sections whose words read a rising 10-year as growth hopes (rates, and the case in positioning).
GROWTH_SECTIONS = ("rates", "positioning", "lede", "policy")
# ... and the words keys that say so ("reads more as hope for growth", "growth hopes rather than refinancing fears")
GROWTH_KEYS = ("ten_rising_zero", "helped_by_rising", "case_against_none_rates")

# The point that short rates sit at zero, so small caps need growth rather than cheaper money: the policy section
# makes it (generator/commentary/repeats.py POINT_HOME); the rates and junk sections then say theirs without it.
ZERO_POINT = "zero_rates"

__all__ = ["BIG_MARKET_DAY", "CALM_RANK", "RARE_WEEK", "RECORD_YEARS", "ROUT_DROP", "SHOWN_ZERO", "STRESSED_RANK",
           "WEEK_AGAINST", "YOUNG_WEEKS", "ZERO_POINT", "_Rules", "calm_claims", "label", "record_history", "sense",
           "yen_threat"]


class _Rules:
    """Names and paths shared by every rule of one issue."""

    def __init__(self, m: WeeklyMetrics, settings: Settings):
        self.m, self.settings = m, settings
        self.small, self.large = m.small, m.large
        self.pair = f"{m.small}/{m.large}"
        self.t = settings.tickers
        self._view = None
        self._denied: tuple[list[Claim]] | None = None
        self.regime = m.regime.key if m.regime is not None else None   # the week's market regime

    @property
    def view(self):
        """The week's measures as metrics.json holds them: what decision tables test their claims on."""
        if self._view is None:
            from generator.metrics.document import measures_view

            self._view = measures_view(self.m, self.settings)
        return self._view

    def fear(self) -> bool:
        """A week of fear (a shock or a flight to safety): falling yields are money hiding, not easier policy."""
        return self.regime in FEAR

    def credit_leg(self) -> tuple[str, list[Claim], tuple[str, ...]]:
        """Which leg moved the week's junk-against-Treasuries ratio, decided once for every section: "treasuries" when
        the high-yield fund moved less than ONE_LEG of the Treasury fund (a reader met junk "gaining 3.2% on
        Treasuries" in a week HYG was flat and IEF had its worst week in the data), else "junk". With the claims and
        subjects the words need when they name Treasuries as the mover."""
        hy, ust = self.t.high_yield or "", self.t.treasuries or ""
        hw = self.m.returns.get(hy, {}).get("1w") if hy else None
        uw = self.m.returns.get(ust, {}).get("1w") if ust else None
        if hw is None or uw is None or abs(hw) >= ONE_LEG * abs(uw):
            return "junk", [], ()
        from generator.commentary.claims import negative, positive, within

        return "treasuries", [(negative if uw < 0 else positive)(f"returns.{ust}.1w", ust, "week"),
                              *within(f"returns.{hy}.1w", ONE_LEG * abs(uw), hy, "week")], (ust, hy)

    def growth_denied(self) -> list[Claim] | None:
        """The issue's one reading of a rising 10-year as growth hopes, decided once: the week denies it when the
        yield rose GROWTH_DENIED_RISE or more while large caps fell and the VIX rose (a reader met "growth hopes rather
        than refinancing fears" in the taper week: +39 bp, stocks down, the VIX up). The claims that say so, or None
        when the week does not deny it; every sentence that reads yields as growth hopes says "not this week" then
        (its words' `growth_denied`)."""
        ly, vx = self.t.long_yield or "", self.t.volatility or ""
        ten, vix = self.m.levels.get(ly) if ly else None, self.m.levels.get(vx) if vx else None
        tw = ten.changes.get("1w") if ten is not None else None
        vw = vix.changes.get("1w") if vix is not None else None
        large = self.m.returns.get(self.large, {}).get("1w")
        if tw is None or vw is None or large is None or tw < GROWTH_DENIED_RISE or large >= 0 or vw <= 0:
            return None
        from generator.commentary.claims import at_least, negative, positive

        return [at_least(f"levels.{ly}.changes.1w", GROWTH_DENIED_RISE, ly, "1w"),
                negative(f"returns.{self.large}.1w", self.large, "week"), positive(f"levels.{vx}.changes.1w", vx, "1w")]

    def say(self, section: str, key: str, subjects, facts=(), claims=(), *, relationship: bool = False,
            words: str | None = None, optional: int = 0, regimes: tuple[str, ...] = (), kind: str = "prose",
            follows: bool = False, answers: bool = False, core: bool = False, qualifies: str | None = None,
            point: str | None = None, **extra) -> Sentence:
        subjects = (subjects,) if isinstance(subjects, str) else tuple(subjects)
        if section in GROWTH_SECTIONS:
            # the one reading of yields as growth hopes (`growth_denied`): every section's words read it
            if self._denied is None:
                self._denied = (self.growth_denied() or [],)
            denied = self._denied[0] if key in GROWTH_KEYS else []
            extra.setdefault("growth_denied", bool(denied))
            if denied:
                # the words add "though not this week, when yields rose as stocks fell and the VIX climbed": claimed
                claims = list(claims) + denied
                subjects = subjects + tuple(c.subject for c in denied if c.subject not in subjects)
        flat: list[Claim] = []
        for c in claims:
            flat.extend(c if isinstance(c, tuple) else (c,))
        return Sentence(section, key, subjects, tuple(facts), tuple(flat), extra, relationship, words, optional,
                        tuple(regimes), kind, follows, answers, core, qualifies, point)

    def ret(self, ticker: str, period: str, name: str | None = None) -> Fact:
        return Fact(name or f"{ticker}_{period}", f"returns.{ticker}.{period}", ticker, "pct")


def record_history(r: _Rules, path: str, start, subject: str) -> tuple[bool, list[Claim]]:
    """Whether the history at `path` (a first date) backs "a record" or "a new high", and the claim that says so."""
    from generator.commentary.claims import years_before

    bound = years_before(r.m.as_of, RECORD_YEARS)
    if start is not None and start.isoformat() <= bound:
        return True, [history_since(path, r.m.as_of, RECORD_YEARS, subject)]
    return False, [Claim(path, ">", bound, subject, "short history", 0)]


def yen_off_peak(r) -> bool:
    """The yen has rallied this week, to at least risk.yen_from_peak off dollar-yen's four-week high: the
    standfirst's yen event (story.py), which the risks section then does not tell again."""
    ev, fx_week = r.m.events, r.m.risk.fx_week
    return ev.fx_from_peak is not None and ev.fx_from_peak <= r.settings.risk.yen_from_peak and (fx_week or 0) < 0


def sense(v: float | None, flat: float = 0.0) -> str:
    """'up', 'down' or 'flat' (inside +/- flat: a figure that prints as zero)."""
    return "flat" if not v or abs(v) < flat else "up" if v > 0 else "down"


def label(key: str) -> str:
    from generator.metrics.stance import LABELS

    return LABELS[key]


def calm_claims(r, subject: str) -> list[Claim] | None:
    """The claims a calm word ("feel safe", "quiet") makes about the week, when they all hold: the VIX at or under
    its year's median (CALM_MEDIAN), up less than CALM_VIX_WEEK on the week, each index above BEAR_LINE from its
    52-week high. None when any fails; a gauge the data lacks is left out."""
    from generator.commentary.claims import at_most, less_than, more_than

    m, vix = r.m, r.t.volatility or "^VIX"
    claims = []
    if m.risk.vix_percentile_1y is not None:
        claims.append(at_most(mp.RISK_VIX_PERCENTILE_1Y, CALM_MEDIAN, subject, "vix rank", 0))
    level = m.levels.get(vix)
    if level is not None and level.changes.get("1w") is not None:
        claims.append(less_than(f"levels.{vix}.changes.1w", CALM_VIX_WEEK, subject, "vix week", 0))
    for side in ("small", "large"):
        if getattr(m.events, f"{side}_from_52w_high") is not None:
            claims.append(more_than(f"events.{side}_from_52w_high", BEAR_LINE, subject, "bear market", 0))
    return claims if all(c.holds(r.view) for c in claims) else None


def yen_threat(r, subject: str = "yen") -> list[Claim] | None:
    """The claims carry-trade threat words make, when they hold: the yen's week (USD/JPY down) at CARRY_RARE or
    rarer against its own history, on a quote that is not stale. None otherwise. Both claims are about the
    sentence's `subject`: USD/JPY down for the exchange rate, up for "yen" (the currency rose), no direction for
    anything else (the pair, carry trades)."""
    from generator.commentary.claims import Claim, at_least

    item = r.m.news.items.get("fx_week") if r.m.news is not None else None
    if item is None or item.rarity is None or item.rarity < CARRY_RARE or item.label == "stale" or item.value >= 0:
        return None
    fx = r.t.fx or "JPY=X"
    sense = -1 if subject == fx else +1 if subject == "yen" else 0
    return [at_least(mp.NEWS_ITEMS_FX_WEEK_RARITY, CARRY_RARE, subject, "yen rarity", 0),
            Claim(mp.NEWS_ITEMS_FX_WEEK_VALUE, "<", 0.0, subject, "week", sense)]

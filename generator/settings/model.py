"""The typed settings model: every option, its type, its default and its documentation (the `description`
of each field, also in the shipped settings.yaml). Unknown keys are errors. `settings_schema()` is the JSON
schema of the file (`capweekly settings schema`). Reading a file is generator.settings.loader's job."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TICKER_PATTERN = r"^[A-Za-z0-9^=.\-]{1,20}$"


def absolute_url(value: str | None) -> str | None:
    """An absolute http(s) URL that ends in '/', so relative paths can be appended."""
    if value is None:
        return None
    if not value.startswith(("https://", "http://")):
        raise ValueError("must start with https:// (or http:// for local testing)")
    return value if value.endswith("/") else value + "/"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class Branding(_Model):
    title: str = Field(min_length=1, description="Newsletter title, shown on every page.")
    subtitle: str = Field("", description="Optional line under the title.")
    author: str = Field(min_length=1, description="Writer named in the byline and PDF metadata.")
    editor: str = Field(min_length=1, description="Editor named in the disclosures.")
    publisher: str = Field(min_length=1, description="Publisher named in the disclosures and copyright.")
    postal_address: str = Field("", description="The publisher's postal address, on one line, printed in the footer "
                                                "of both parts of every email (US CAN-SPAM requires a valid physical "
                                                "postal address in commercial email). Required before any real send.")
    about: str = Field("", max_length=5000,
                       description="The about page's opening, in Markdown (raw HTML is shown as text): who writes, "
                                   "what the newsletter argues and how often it comes. Empty: the page opens with "
                                   "the data.")

    _one_line = field_validator("title", "subtitle", "author", "editor", "publisher", "postal_address")(
        classmethod(lambda cls, value: _one_line(value)))


class Pair(_Model):
    small: str = Field(pattern=TICKER_PATTERN, description="Small-cap ticker (numerator of the ratio).")
    large: str = Field(pattern=TICKER_PATTERN, description="Large-cap ticker (denominator of the ratio).")
    small_name: str = Field(min_length=1, description="How the text names the small-cap side.")
    large_name: str = Field(min_length=1, description="How the text names the large-cap side.")
    small_index: str | None = Field(None, pattern=TICKER_PATTERN,
                                    description="Optional: a long-history index of the small-cap side (e.g. ^RUT, from "
                                                "1987). Used only for the rarity of the side's moves (\"its worst week "
                                                "since 1987\") where the small-cap ticker's own history runs out; the "
                                                "sentence then names the index.")
    large_index: str | None = Field(None, pattern=TICKER_PATTERN,
                                    description="Optional: a long-history index of the large-cap side (e.g. ^GSPC, from "
                                                "1927), used like small_index.")

    @model_validator(mode="after")
    def _distinct(self) -> "Pair":
        if self.small.upper() == self.large.upper():
            raise ValueError("small and large must be different tickers")
        return self


class Tickers(_Model):
    """Tickers beyond the pair. All optional: a section whose data is missing says so."""

    sectors: list[str] = Field(default_factory=list, description="Sector ETFs compared with the large-cap benchmark.")
    tech: str | None = Field(None, description="Tech-heavy large-cap index (e.g. QQQ).")
    tech_sector: str | None = Field(None, description="The technology sector ETF among the sectors (e.g. XLK).")
    equal_weight: str | None = Field(None, description="Equal-weight large caps (e.g. RSP), a narrowness gauge.")
    quality: str | None = Field(None, description="Quality-screened small caps (e.g. IJR).")
    high_yield: str | None = Field(None, description="High-yield credit ETF (e.g. HYG).")
    treasuries: str | None = Field(None, description="Treasury ETF the credit ratio divides by (e.g. IEF).")
    long_yield: str | None = Field(None, description="10-year yield in percent (e.g. ^TNX).")
    short_yield: str | None = Field(None, description="13-week yield in percent (e.g. ^IRX).")
    volatility: str | None = Field(None, description="Volatility index (e.g. ^VIX).")
    small_volatility: str | None = Field(None, description="Small-cap volatility index (e.g. ^RVX, the Cboe Russell "
                                                           "2000 volatility index): its premium over `volatility` is "
                                                           "the hedging gauge of the crowding section.")
    fx: str | None = Field(None, description="Carry-trade currency pair (e.g. JPY=X).")

    @field_validator("sectors")
    @classmethod
    def _sector_tickers(cls, value: list[str]) -> list[str]:
        import re

        bad = [t for t in value if not re.match(TICKER_PATTERN, t)]
        if bad:
            raise ValueError(f"not a ticker symbol: {', '.join(bad)}")
        return value

    def optional(self) -> list[str]:
        """Every configured optional ticker, in a stable order."""
        singles = [self.tech, self.tech_sector, self.equal_weight, self.quality, self.high_yield, self.treasuries,
                   self.long_yield, self.short_yield, self.volatility, self.small_volatility, self.fx]
        out = list(self.sectors) + [t for t in singles if t]
        return list(dict.fromkeys(out))

    def levels(self) -> list[str]:
        """Tickers quoted as levels that may be zero or negative (yields)."""
        return [t for t in (self.long_yield, self.short_yield) if t]


class Lookbacks(_Model):
    sma_short: int = Field(50, ge=5, le=400, description="Sessions in the short moving average of the ratio.")
    sma_long: int = Field(200, ge=20, le=1000, description="Sessions in the long moving average of the ratio.")
    momentum_weeks: list[int] = Field(default_factory=lambda: [4, 13, 26, 52],
                                      description="Weeks over which relative momentum is measured.")
    reference_high_year: int = Field(2021, ge=1990, le=2100,
                                     description="Year whose closing high the small-cap price is compared with.")

    @model_validator(mode="after")
    def _ordered(self) -> "Lookbacks":
        if self.sma_short >= self.sma_long:
            raise ValueError("sma_short must be shorter than sma_long")
        if not self.momentum_weeks or any(w < 1 or w > 520 for w in self.momentum_weeks):
            raise ValueError("momentum_weeks must list whole weeks between 1 and 520")
        return self


class Stance(_Model):
    flat_band: float = Field(0.005, ge=0, le=0.1,
                             description="Weekly spreads smaller than this (decimal) count as a flat week.")
    rate_band: float = Field(0.0025, ge=0, le=0.05,
                             description="13-week 10-year yield changes within this (decimal, 0.0025 = 25 bp) are flat.")
    history_weeks: int = Field(12, ge=1, le=104, description="Weeks of stance history shown and stored.")
    steady: bool = Field(True, description="Publish the steadied stance (a change must hold two weeks; no upgrade "
                                           "in a week of market-wide stress). false publishes the raw rules.")


class Risk(_Model):
    vix_calm: float = Field(15.0, gt=0, description="A VIX below this reads as complacent.")
    vix_stressed: float = Field(25.0, gt=0, description="A VIX at or above this reads as stressed.")
    yen_rally_week: float = Field(-0.015, lt=0, gt=-0.5,
                                  description="A one-week USD/JPY change at or below this (decimal) is a yen rally.")
    yen_from_peak: float = Field(-0.05, lt=0, gt=-0.5,
                                 description="USD/JPY this far below its highest close of the last four weeks (decimal) "
                                             "is a yen rally worth a sentence even when the week's own move is small.")
    vix_spike: float = Field(0.25, gt=0, lt=5,
                             description="A VIX close this much above the previous week's last close (decimal), "
                                         "reaching vix_stressed, is a volatility spike.")
    stress_week_drop: float = Field(-0.04, lt=0, gt=-0.5,
                                    description="A large-cap weekly return at or below this (decimal) is a week of "
                                                "market-wide stress: the stance does not lean further in.")
    rsi_stretched: float = Field(70.0, gt=50, lt=100, description="A 14-day RSI of the small-cap price above this is stretched.")
    stretch_from_50d: float = Field(0.08, gt=0, lt=1,
                                    description="A small-cap price this far above its 50-day average (decimal) is stretched.")

    @model_validator(mode="after")
    def _ordered(self) -> "Risk":
        if self.vix_calm >= self.vix_stressed:
            raise ValueError("vix_calm must be below vix_stressed")
        return self


class Positioning(_Model):
    """Crowding and hedging gauges (generator/metrics/crowding.py). Each is optional: one whose data is missing
    says so in a sentence and the rest builds."""

    hedge_window: int = Field(252, ge=20, le=2520, description="Sessions over which the RVX-VIX spread's percentile "
                                                               "is measured (252: one year).")
    volume_average: int = Field(50, ge=5, le=400, description="Sessions in the small-cap ticker's average volume "
                                                              "that the last five sessions are compared with.")
    volume_window: int = Field(252, ge=20, le=2520, description="Sessions over which the volume ratio's percentile "
                                                                "is measured.")
    cot: bool = Field(False, description="Read the CFTC Commitments of Traders (Traders in Financial Futures, "
                                         "futures-only) for the Russell 2000 E-mini from `cot_file`.")
    cot_file: str | None = Field(None, description="The CFTC file: a FinFutYY.txt (or several years of its rows) with "
                                                   "the CFTC's own 87-column header; relative to this settings file.")
    cot_download: bool = Field(False, description="Download the CFTC's yearly TFF files (fut_fin_txt_YYYY.zip) into "
                                                  "`cot_cache_dir` and read them instead of `cot_file`; --offline "
                                                  "uses the cache only.")
    cot_cache_dir: str = Field("cache/cot", min_length=1, description="Folder of the downloaded CFTC files.")
    cot_first_year: int = Field(2017, ge=2006, le=2100, description="First year downloaded (the TFF report starts "
                                                                    "in 2006; the CME E-mini in July 2017).")
    cot_code: str = Field("239742", pattern=r"^[0-9A-Za-z]{6}$",
                          description="CFTC_Contract_Market_Code of the contract (239742: CME Russell E-mini).")
    cot_window_years: int = Field(3, ge=1, le=20, description="Years of reports the net positions' percentiles "
                                                              "are measured over.")
    cot_min_reports: int = Field(52, ge=10, le=1000, description="Fewer reports than this in the window: no "
                                                                 "percentile.")
    cot_stale_weeks: int = Field(3, ge=1, le=52, description="A report older than this many weeks at the issue's "
                                                             "date is stale: the text says so and argues nothing "
                                                             "from it.")

    @model_validator(mode="after")
    def _file(self) -> "Positioning":
        if self.cot and not self.cot_file and not self.cot_download:
            raise ValueError("cot is on but neither cot_file nor cot_download is set (give the CFTC file's path, "
                             "set cot_download: true, or set cot: false)")
        return self


class Breadth(_Model):
    universe: str | list[str] = Field(
        default_factory=list,
        description="The small caps breadth is measured on: `default` (the packaged list, "
                    "generator/data/universe/small_caps.txt), a file (one Yahoo symbol a line, or an index "
                    "provider's holdings CSV; relative to this settings file), or a YAML list of tickers.")
    universe_as_of: date | None = Field(None, description="When the universe's membership was true, for a file "
                                                          "(or list) that does not say.")
    symbols: dict[str, str] = Field(default_factory=dict,
                                    description="Provider ticker -> Yahoo symbol overrides, e.g. {XYZB: XYZ-B}.")
    data_dir: str | None = Field(None, description="Folder of the members' <TICKER>.csv files for the csv source "
                                                   "(default: the market data folder).")
    min_members: int = Field(10, ge=1, description="Fewer members with data than this: breadth is unavailable.")
    history_start: date = Field(date(2015, 1, 1), description="yfinance: first day downloaded for a member new to "
                                                              "the cache (breadth needs the reference year and the "
                                                              "chart's five years before the issue).")
    max_daily_move: float = Field(1.0, gt=0.05, le=50.0,
                                  description="A member's one-day move above this (decimal) with no split rejects "
                                              "that member (small caps move more than the index funds).")

    @field_validator("universe")
    @classmethod
    def _tickers(cls, value: str | list[str]) -> str | list[str]:
        import re

        if isinstance(value, str):
            if not value.strip():
                raise ValueError("give `default`, a file path or a list of tickers")
            return value.strip()
        bad = [t for t in value if not re.match(TICKER_PATTERN, t)]
        if bad:
            raise ValueError(f"not a ticker symbol: {', '.join(bad)}")
        return list(dict.fromkeys(value))

    @field_validator("symbols")
    @classmethod
    def _symbols(cls, value: dict[str, str]) -> dict[str, str]:
        import re

        bad = [f"{k}: {v}" for k, v in value.items() if not (re.match(TICKER_PATTERN, k) and re.match(TICKER_PATTERN, v))]
        if bad:
            raise ValueError(f"not a ticker symbol: {', '.join(bad)}")
        return value


class History(_Model):
    failed_breakout_weeks: int = Field(13, ge=1, le=104,
                                       description="A move above the 200-session average that ends within this many "
                                                   "weeks counts as a failed breakout.")
    analogue_start: date = Field(date(2020, 9, 1), description="Start of the historical relative run used as analogue.")
    analogue_end: date = Field(date(2021, 3, 31), description="End of the analogue window.")

    @model_validator(mode="after")
    def _ordered(self) -> "History":
        if self.analogue_start >= self.analogue_end:
            raise ValueError("analogue_start must be before analogue_end")
        return self


class Data(_Model):
    source: Literal["sample", "csv", "yfinance"] = Field("yfinance", description="Where prices come from.")
    data_dir: str | None = Field(None, description="Folder of <TICKER>.csv files for the csv source.")
    cache_dir: str = Field("cache", min_length=1, description="Folder of the yfinance price cache (prices.sqlite).")
    history_start: date = Field(date(1990, 1, 1), description="First day fetched for a ticker new to the cache.")
    overlap_sessions: int = Field(5, ge=1, le=60,
                                  description="Cached sessions re-downloaded on refresh to detect re-adjusted history.")
    retries: int = Field(4, ge=0, le=10, description="Retries after a rate limit, timeout or connection error.")
    backoff_seconds: float = Field(2.0, ge=0, le=120, description="First retry wait; doubles on each retry.")
    timeout_seconds: float = Field(20.0, gt=0, le=300, description="Network timeout of one download request.")
    max_daily_move: float = Field(0.35, gt=0.05, le=5.0,
                                  description="A one-day move above this (decimal) with no split is rejected.")


class Output(_Model):
    dir: str = Field("reports", min_length=1, description="Folder that receives one sub-folder per issue.")
    page_size: Literal["A4", "Letter"] = Field("A4", description="PDF paper size.")
    phrasing: Literal["rotate", "first"] = Field(
        "rotate", description="Which wording each sentence speaks: rotate (the week picks one of its phrasings, so the "
                              "column does not read the same every week) or first (always the first phrasing: to "
                              "compare a change of wording, and in tests that read exact sentences).")


class Site(_Model):
    dir: str = Field("site", min_length=1, description="Folder of the static site that `publish` writes.")
    base_url: str | None = Field(None, description="Public URL of the site (https://.../); needed for the feed, "
                                                   "sitemap, email links and hosted email images.")
    feed_entries: int = Field(30, ge=1, le=500, description="Most recent issues listed in the Atom feed.")
    first_issue: date | None = Field(None, description="Unset (the default): the first issue published is "
                                                       "No. 1 and each later week takes the next number, recorded "
                                                       "at publish time; older weeks published later are "
                                                       "unnumbered. A date: the week of No. 1, issues numbered by "
                                                       "the week they cover. Either way a published number never "
                                                       "changes.")

    feed_id: str | None = Field(None, description="The feed's permanent id, a urn:uuid:... (`capweekly init` writes "
                                                   "one): the Atom feed's and its entries' ids derive from it, so "
                                                   "they never change with the host. Unset: ids from the "
                                                   "base_url's host (they change when the host does).")

    _url = field_validator("base_url")(classmethod(lambda cls, value: absolute_url(value)))

    @field_validator("feed_id")
    @classmethod
    def _feed_id(cls, value):
        if value is None:
            return value
        import uuid

        try:
            return f"urn:uuid:{uuid.UUID(value.removeprefix('urn:uuid:'))}"
        except ValueError:
            raise ValueError("must be a urn:uuid:... id (capweekly init writes one; python3 -c 'import uuid; "
                             "print(uuid.uuid4().urn)' makes one)") from None


def _one_line(value):
    """Refuse control characters (a newline in a header value would forge headers)."""
    if isinstance(value, str) and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must be one line of text (no line breaks or control characters)")
    return value


class Email(_Model):
    """Sending to subscribers. Credentials and the token secret come from the environment only:
    CAPWEEKLY_SMTP_USER, CAPWEEKLY_SMTP_PASSWORD, CAPWEEKLY_SECRET."""

    database: str = Field("subscribers.sqlite", min_length=1,
                          description="Subscribers and the send ledger: a SQLite file path, or a PostgreSQL URL "
                                      "(postgresql://user@host:5432/dbname; the password comes from PGPASSWORD "
                                      "or ~/.pgpass, never from this file).")
    from_address: str = Field("Small Caps Weekly <letters@example.com>", description="From header.")
    reply_to: str | None = Field(None, description="Optional Reply-To header.")
    smtp_host: str = Field("localhost", min_length=1, description="SMTP server host.")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP server port (587 STARTTLS, 465 TLS).")
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls or tls verify the server certificate; none is refused except on localhost.")
    rate_per_second: float = Field(5.0, gt=0, le=1000, description="Most messages sent per second.")
    retries: int = Field(3, ge=0, le=10, description="Retries of a message after a temporary (4xx) refusal.")
    backoff_seconds: float = Field(2.0, ge=0, le=300, description="First retry wait; doubles on each retry.")
    max_consecutive_failures: int = Field(5, ge=1, le=1000,
                                          description="Stop the run after this many temporary failures (or "
                                                      "unknown outcomes) in a row; twice this many readers refused "
                                                      "in a row with one 5xx is a relay-wide refusal, which also "
                                                      "stops it, with no reader marked failed.")
    attach_pdf: bool = Field(False, description="Attach report.pdf to every message.")
    unsubscribe_url: str | None = Field(None, description="https URL of the unsubscribe endpoint (the `serve` app); "
                                                          "default: <site.base_url>unsubscribe")
    unsubscribe_mailto: str = Field("unsubscribe@example.com", description="Address for mailto: unsubscribes.")
    list_id: str = Field("small-caps-weekly.example.com", description="List-Id header value.")
    max_age_days: int = Field(7, ge=0, le=60, description="An issue older than this many days is stale: refused.")
    bounce_address: str | None = Field(None, pattern=r"^[A-Za-z0-9._-]{1,40}@[A-Za-z0-9.-]{1,200}$",
                                       description="Return path for bounces, e.g. bounces@example.com: each message's "
                                                   "envelope sender becomes bounces+<reader token>@example.com "
                                                   "(VERP), which `capweekly bounces import` reads back.")
    soft_bounce_limit: int = Field(3, ge=1, le=100, description="Soft bounces within soft_bounce_days that suppress "
                                                                "a reader.")
    soft_bounce_days: int = Field(30, ge=1, le=365, description="Window for soft_bounce_limit.")

    _header_values = field_validator("from_address", "reply_to", "unsubscribe_mailto", "list_id", "smtp_host",
                                     "unsubscribe_url")(classmethod(lambda cls, value: _one_line(value)))

    @field_validator("database")
    @classmethod
    def _a_file_path_or_postgresql(cls, value: str) -> str:
        # A URL would otherwise be taken for a relative file name: `mysql://u@h/db` creates `mysql:/`.
        from urllib.parse import parse_qs, urlsplit

        scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", value)
        if scheme and scheme.group(1).lower() in ("postgresql", "postgres"):
            try:
                parts = urlsplit(value)
                parts.port  # noqa: B018 -- raises on a port that is not a number
            except ValueError as exc:
                raise ValueError(f"not a valid postgresql:// URL ({exc})") from None
            if parts.password is not None or "password" in parse_qs(parts.query):
                raise ValueError("a password in the database URL is refused (settings files get shared and "
                                 "committed): remove it and set PGPASSWORD or put it in ~/.pgpass")
            if not value.lower().startswith(("postgresql://", "postgres://")):
                raise ValueError("write a PostgreSQL database as postgresql://user@host:port/dbname")
            return value
        if scheme and not re.match(r"^[A-Za-z]:[\\/]", value):  # C:\ or C:/ is a Windows path, not a scheme
            raise ValueError(f"{scheme.group(1)}: URLs are not supported: only a SQLite file path (for example "
                             "subscribers.sqlite or /var/lib/capweekly/subscribers.sqlite) or a postgresql:// URL is")
        return value


class Web(_Model):
    """The subscription app (`capweekly serve`)."""

    public_url: str | None = Field(None, description="Public https URL where the app is reachable (behind the proxy), "
                                                     "e.g. https://example.com/letters/; the site's sign-up form and "
                                                     "the email's unsubscribe links point there.")
    confirm_hours: int = Field(48, ge=1, le=24 * 14, description="Hours a confirmation link stays valid.")
    signups_per_hour: int = Field(10, ge=1, le=10000, description="Sign-up requests allowed per client per hour "
                                                                  "(an IPv6 client counts as its /64).")
    confirmations_per_day: int = Field(3, ge=1, le=20, description="Confirmation emails one address may be sent in "
                                                                   "24 hours, whatever client asks; further sign-ups "
                                                                   "get the same answer and no email.")
    trusted_proxies: int = Field(0, ge=0, le=5, description="Reverse proxies in front of the app whose "
                                                            "X-Forwarded-For may be trusted for the client address.")

    _url = field_validator("public_url")(classmethod(lambda cls, value: absolute_url(value)))


class Notes(_Model):
    """Editor's notes (the folder itself is notes_dir)."""

    allowed_image_hosts: list[str] = Field(
        default_factory=list, max_length=50,
        description="Hosts (e.g. images.example.com, or host:port) a note's remote images may come from. Empty: "
                    "only images in the notes folder, copied into the issue. A listed host is fetched by the PDF "
                    "renderer and loaded by every reader's mail program.")

    @field_validator("allowed_image_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        import re

        bad = [h for h in value if not re.fullmatch(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?", h)]
        if bad:
            raise ValueError(f"not a host name: {', '.join(repr(h) for h in bad)} (no scheme, path or wildcard)")
        return [h.lower() for h in value]


class Disclosures(_Model):
    """Section 10. Every field is required: a build without them fails."""

    author_position: str = Field(min_length=1, description="The author's positions in the securities mentioned.")
    editor_position: str = Field(min_length=1, description="The editor's positions in the securities mentioned.")
    opinions: str = Field(min_length=1, description="That opinions are the writer's as of the date and may change.")
    not_advice: str = Field(min_length=1, description="Not a primary basis for decisions nor personalised advice.")
    risk_statement: str = Field(min_length=1, description="Risk of loss; past performance does not predict results.")
    publisher_disclaimer: str = Field(min_length=1, description="The publisher's disclaimer of liability.")
    copyright: str = Field(min_length=1, description="Copyright line; {year} is replaced by the issue's year.")
    short_form: str = Field(min_length=1, description="One line printed in the footer of every PDF page.")


class Settings(_Model):
    branding: Branding
    pair: Pair
    tickers: Tickers = Field(default_factory=Tickers)
    lookbacks: Lookbacks = Field(default_factory=Lookbacks)
    stance: Stance = Field(default_factory=Stance)
    risk: Risk = Field(default_factory=Risk)
    breadth: Breadth = Field(default_factory=Breadth)
    positioning: Positioning = Field(default_factory=Positioning)
    history: History = Field(default_factory=History)
    data: Data = Field(default_factory=Data)
    output: Output = Field(default_factory=Output)
    disclosures: Disclosures
    site: Site = Field(default_factory=Site)
    email: Email = Field(default_factory=Email)
    web: Web = Field(default_factory=Web)
    templates_dir: str | None = Field(None, description="A folder of templates searched before the built-in ones.")
    notes_dir: str | None = Field("notes", description="Folder of editor's notes, one Markdown file per issue: YYYY-MM-DD.md.")
    notes: Notes = Field(default_factory=Notes)

    # Where the file was read from; relative paths in it resolve against its folder.
    base_dir: Path = Field(default=Path("."), exclude=True)

    def resolve(self, path: str) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)

    def list_database(self) -> "str | Path":
        """email.database as SubscriberStore takes it: a postgresql:// URL as it is, a file path resolved."""
        from generator.db import is_url

        return self.email.database if is_url(self.email.database) else self.resolve(self.email.database)

    def all_tickers(self) -> list[str]:
        """The pair and every optional ticker (not the breadth universe's members: see `member_tickers`)."""
        indices = [t for t in (self.pair.small_index, self.pair.large_index) if t]
        return list(dict.fromkeys([self.pair.small, self.pair.large, *self.tickers.optional(), *indices]))

    def optional_tickers(self) -> list[str]:
        return [t for t in self.all_tickers() if t not in (self.pair.small, self.pair.large)]

    def universe(self):
        """The breadth universe (generator.data.universe.Universe): its members, origin and as-of date."""
        from generator.data.universe import resolve_universe  # here: loading settings must not load pandas

        b = self.breadth
        return resolve_universe(b.universe, self.base_dir, b.symbols, b.universe_as_of)

    def member_tickers(self) -> list[str]:
        """The breadth universe's members (loaded as one matrix; a member that fails is counted, never fatal)."""
        return list(self.universe().tickers)

    def ticker_keys(self) -> dict[str, list[tuple]]:
        """Each optional ticker -> the settings keys that name it: ("tickers", "quality"), ("tickers", "sectors", 2)."""
        out: dict[str, list[tuple]] = {}
        for i, t in enumerate(self.tickers.sectors):
            out.setdefault(t, []).append(("tickers", "sectors", i))
        for name in Tickers.model_fields:
            value = getattr(self.tickers, name)
            if name != "sectors" and value:
                out.setdefault(value, []).append(("tickers", name))
        return out

    def ticker_fields(self) -> dict[str, list[str]]:
        return {t: [key_path(k) for k in keys] for t, keys in self.ticker_keys().items()}

    def pair_clashes(self) -> list[tuple[tuple, str]]:
        """(key, problem) for each optional ticker that is one of the pair: it would be compared with
        itself ("IJR is level with the profitability-screened IJR")."""
        pair = {self.pair.small.upper(): "pair.small", self.pair.large.upper(): "pair.large"}
        return [(key, f"{value} is also {pair[value.upper()]}; an optional ticker is compared with the pair, "
                      "so it must differ from both (remove it or pick another ticker)")
                for value, keys in self.ticker_keys().items() if value.upper() in pair for key in keys]


def key_path(loc: tuple) -> str:
    """A key's dotted path as a reader writes it: "tickers.sectors[2]"."""
    out = ""
    for part in loc:
        if part == "function-after":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def missing_optional(settings: Settings, metrics: dict) -> list[str]:
    """Warnings for optional tickers the issue had no data for (a misspelt `quality: IJRR`): their
    sections are left out, which is easy to miss."""
    missing = (metrics.get("provenance") or {}).get("missing") or []
    fields = settings.ticker_fields()
    source = (metrics.get("provenance") or {}).get("description") or metrics.get("source", "the data")
    return [f"{', '.join(fields.get(t, ['tickers']))}: {t} has no data up to {metrics.get('as_of')} in {source}; "
            "the sections that use it are left out (check the spelling, or add its data)"
            for t in missing if t in fields]


def settings_schema() -> dict:
    """The JSON schema of settings.yaml (for editor completion and checks), from the model."""
    schema = Settings.model_json_schema(mode="validation")
    schema["properties"].pop("base_dir", None)
    schema["title"] = "capweekly settings.yaml"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema

"""Cross-asset charts: sectors, the sector quadrant, rates, credit and quality, carry and volatility."""

from __future__ import annotations

import pandas as pd

from generator.charts.style import (ACCENT, AVERAGE, HEIGHT_IN, INK, LARGE, MUTED, SMALL, STRESS, WEAKENING,
                                   ChartOutput, ChartSpec, bar_values, figsize, is_phone, label_room, legend_below,
                                   legend_room, margins, pct, save, signed_label, style, title, type_pt, SMALL_PT)
from generator.data.model import MarketData
from generator.metrics import WeeklyMetrics, pair_ratio
from generator.metrics.indicators import weekly_last
from generator.names import label, named, plain
from generator.settings import Settings

FX, VIX = "JPY=X", "^VIX"  # the risk panel's series, named as generator/names.py names them
QUADRANT_COLOURS = {"leading": ACCENT, "weakening": WEAKENING, "lagging": LARGE, "improving": SMALL}


def draw_sector_bars(m: WeeklyMetrics, out: ChartOutput) -> ChartSpec | None:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    ranked = m.sector_ranking  # strongest first (generator.metrics.rank_sectors)
    if not ranked:
        return None
    names = [label(t) if is_phone() else sector_label(t) for t, _ in ranked][::-1]
    values = [v * 100 for _, v in ranked][::-1]
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=figsize(0.75 + 0.3 * len(names)))
        margins(fig, left=label_room(names))
        bars = ax.barh(names, values, color=[SMALL if v >= 0 else LARGE for v in values], height=0.6)
        bar_values(ax, bars, values, [signed_label(v, "%") for v in values], margin=0.2)
        ax.axvline(0, color=MUTED, linewidth=0.8)
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.grid(axis="y", visible=False)
        title(ax, f"Sector returns relative to {m.large}, last 13 weeks", f"Sectors against {m.large}, 13 weeks")
        svg, png = save(fig, out, "sector_bars")
    alt = (f"Bar chart ranking sector funds by 13-week return relative to {m.large}: "
           + "; ".join(f"{named(t)} {pct(v)}" for t, v in ranked) + ".")
    return ChartSpec("sector_bars", svg, png, alt, f"13-week total return minus {m.large}'s, best first.")


def sector_label(ticker: str) -> str:
    """A sector fund as a chart labels it: "Energy (XLE)" (generator/names.py); a fund with no name, its ticker."""
    name = label(ticker)
    return f"{name} ({ticker})" if name != ticker else ticker


# Where a label may sit around its point, in points (dx, dy, ha, va), tried in this order.
LABEL_SPOTS = ((5, 4, "left", "bottom"), (5, -4, "left", "top"), (-5, 4, "right", "bottom"),
               (-5, -4, "right", "top"), (0, 7, "center", "bottom"), (0, -7, "center", "top"),
               (9, 0, "left", "center"), (-9, 0, "right", "center"))


def place_labels(ax, points: list[tuple[float, float, str]], fontsize: float | None = None) -> list:
    """Label each point where the label overlaps no label placed before it, no other point and stays inside the
    axes: the first free spot of LABEL_SPOTS; if none is free, the spot that overlaps least. Deterministic."""
    from matplotlib.transforms import Bbox

    fontsize = type_pt(SMALL_PT) if fontsize is None else fontsize
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    dots = [ax.transData.transform((x, y)) for x, y, _ in points]
    dot_boxes = [Bbox.from_extents(px - 3, py - 3, px + 3, py + 3) for px, py in dots]
    placed: list = []  # matplotlib Bbox
    texts: list = []
    for i, (x, y, text) in enumerate(points):
        best = None
        for dx, dy, ha, va in LABEL_SPOTS:
            t = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                            fontsize=fontsize, color=INK)
            box = t.get_window_extent(renderer).padded(1.5)
            overlap = sum(_area(box, b) for b in placed) + sum(_area(box, b) for j, b in enumerate(dot_boxes) if j != i)
            outside = box.width * box.height - _area(box, inside)
            cost = overlap + 4 * outside
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, t, box)
            else:
                t.remove()
            if cost == 0:
                break
        assert best is not None  # LABEL_SPOTS is not empty
        placed.append(best[2])
        texts.append(best[1])
    return texts


def _area(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def draw_quadrant(m: WeeklyMetrics, out: ChartOutput) -> ChartSpec | None:
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.ticker import PercentFormatter

    if not m.sectors:
        return None
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=figsize(3.9))
        margins(fig, left=0.75, bottom=legend_room(2, 2, 0.8) + (0.3 if is_phone() else 0))
        heads = []
        for p in m.sectors:
            xs = [t * 100 for _, t, _ in p.tail]
            ys = [v * 100 for _, _, v in p.tail]
            colour = QUADRANT_COLOURS[p.quadrant]
            n = len(xs)
            # The tail fades with age: the oldest week faintest and smallest, this week solid.
            ages = [(k + 1) / n for k in range(n)]
            segments = [((xs[k], ys[k]), (xs[k + 1], ys[k + 1])) for k in range(n - 1)]
            ax.add_collection(LineCollection(segments, colors=[to_rgba(colour, 0.15 + 0.75 * a) for a in ages[1:]],
                                             linewidths=[0.6 + 0.9 * a for a in ages[1:]]))
            ax.scatter(xs[:-1], ys[:-1], color=[to_rgba(colour, 0.15 + 0.6 * a) for a in ages[:-1]],
                       s=[4 + 10 * a for a in ages[:-1]], linewidths=0)
            ax.scatter([xs[-1]], [ys[-1]], color=colour, s=30, zorder=3, edgecolors="white", linewidths=0.6)
            heads.append((xs[-1], ys[-1], label(p.ticker) if is_phone() else sector_label(p.ticker)))
        ax.axhline(0, color=MUTED, linewidth=0.8)
        ax.axvline(0, color=MUTED, linewidth=0.8)
        xmax = max(abs(v) for p in m.sectors for _, v, _ in p.tail) * 100 * 1.3
        ymax = max(abs(v) for p in m.sectors for _, _, v in p.tail) * 100 * 1.3
        ax.set_xlim(-xmax, xmax)
        ax.set_ylim(-ymax, ymax)
        for text, x, y, ha, va in (("leading", 0.98, 0.97, "right", "top"), ("weakening", 0.98, 0.03, "right", "bottom"),
                                   ("lagging", 0.02, 0.03, "left", "bottom"), ("improving", 0.02, 0.97, "left", "top")):
            ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=type_pt(8), color=QUADRANT_COLOURS[text],
                    style="italic")
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xlabel(f"Trend: ratio to {m.large} vs its 200-day avg." if is_phone()
                      else f"Relative trend: ratio to {m.large} vs its 200-day average")
        ax.set_ylabel("Momentum: 4-week change" if is_phone() else "Relative momentum: 4-week change")
        title(ax, f"Sector relative trend and momentum against {m.large}, with 5-week tails",
              f"Sectors against {m.large}: trend and momentum")
        place_labels(ax, heads)
        age = [Line2D([], [], marker="o", linestyle="-", color=to_rgba(MUTED, a), markersize=ms, linewidth=lw)
               for a, ms, lw in ((0.3, 2.5, 0.7), (0.9, 5.5, 1.5))]
        legend_below(fig, age, ["five weeks ago (faint)", "this week (solid)"], ncols=2)
        svg, png = save(fig, out, "sector_quadrant")
    alt = (f"Scatter chart placing each sector by relative trend against {m.large} (horizontal) and 4-week relative "
           "momentum (vertical), with a five-week tail: "
           + "; ".join(f"{named(p.ticker)} {p.quadrant} (trend {pct(p.trend)}, momentum {pct(p.momentum)})"
                       for p in m.sectors)
           + ".")
    return ChartSpec("sector_quadrant", svg, png, alt,
                     f"Right of centre: the sector's ratio to {m.large} is above its 200-day average; "
                     "above centre: it gained on the index over the last 4 weeks.")


def draw_rates(m: WeeklyMetrics, out: ChartOutput, years: int = 3) -> ChartSpec | None:
    import matplotlib.pyplot as plt

    s = m.signals
    if s.long_yield is None:
        return None
    start = pd.Timestamp(m.as_of) - pd.DateOffset(years=years)
    ratio = weekly_last(s.ratio.loc[start:])
    yields = weekly_last(s.long_yield.loc[start:]) * 100
    with plt.rc_context(style()):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=figsize(3.4), sharex=True, height_ratios=(1, 1))
        margins(fig, hspace=0.12)
        top.plot(ratio.index, ratio.to_numpy(), color=SMALL, linewidth=1.1)
        title(top, f"{m.small}/{m.large} ratio (top) and the 10-year Treasury yield, % (bottom)",
              f"{m.small}/{m.large} ratio (top), 10-year Treasury yield % (bottom)")
        bottom.plot(yields.index, yields.to_numpy(), color=LARGE, linewidth=1.1)
        bottom.invert_yaxis()
        note = "inverted: up = lower yields" if is_phone() else "yield axis inverted: up = lower yields"
        bottom.text(0.01, 0.05, note, transform=bottom.transAxes, fontsize=type_pt(7), color=MUTED)
        top.margins(x=0.01)
        svg, png = save(fig, out, "rates")
    sens = m.rate_sensitivity
    corr = f" Over 52 weeks the weekly correlation was {sens.correlation:+.2f}." if sens and sens.correlation is not None else ""
    alt = (f"Two line charts over {years} years: the {m.small} to {m.large} ratio and the 10-year yield on an inverted "
           f"scale, now {yields.iloc[-1]:.2f}%.{corr}")
    return ChartSpec("rates", svg, png, alt, "When the two lines move together, falling yields are helping small caps.")


def draw_credit_quality(m: WeeklyMetrics, market: MarketData, out: ChartOutput, years: int = 2) -> ChartSpec | None:
    import matplotlib.pyplot as plt

    lines = []
    labels = {"credit": "high yield vs Treasuries", "quality": "all small caps vs quality small caps",
              "narrowness": "equal-weight vs cap-weight large caps"}
    colours = {"credit": SMALL, "quality": ACCENT, "narrowness": LARGE}
    start = pd.Timestamp(m.as_of) - pd.DateOffset(years=years)
    for key, trend in m.ratios.items():
        r = weekly_last(pair_ratio(market, trend.numerator, trend.denominator).loc[start:])
        if len(r) > 10:
            tickers = "" if is_phone() else f" ({trend.numerator}/{trend.denominator})"
            lines.append((key, f"{labels[key][:1].upper()}{labels[key][1:]}{tickers}", r / r.iloc[0] * 100))
    if not lines:
        return None
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=figsize(HEIGHT_IN + 0.3))
        margins(fig, bottom=legend_room(len(lines), 1, 0.95))
        for key, text, series in lines:
            ax.plot(series.index, series.to_numpy(), color=colours[key], linewidth=1.1, label=text)
        ax.axhline(100, color=MUTED, linewidth=0.8)
        title(ax, f"Credit, quality and breadth ratios, rebased to 100 {years} years ago",
              f"Credit, quality and breadth\n(100 = {years} years ago)")
        legend_below(fig, ncols=1)
        ax.margins(x=0.01)
        svg, png = save(fig, out, "credit_quality")
    alt = (f"Line chart of ratios rebased to 100 {years} years ago: "
           + "; ".join(f"{text} now {series.iloc[-1]:.1f}" for _, text, series in lines) + ".")
    return ChartSpec("credit_quality", svg, png, alt, "Rising lines: riskier or broader assets are gaining.")


def draw_risk_panel(m: WeeklyMetrics, settings: Settings, out: ChartOutput, years: int = 2) -> ChartSpec | None:
    import matplotlib.pyplot as plt

    s, r = m.signals, m.risk
    panels = [p for p in ("fx", "vix") if getattr(s, p) is not None]
    if not panels:
        return None
    start = pd.Timestamp(m.as_of) - pd.DateOffset(years=years)
    with plt.rc_context(style()):
        fig, axes = plt.subplots(len(panels), 1, figsize=figsize(1.8 * len(panels) + 0.6), sharex=True,
                                 squeeze=False)
        margins(fig, hspace=0.12)
        for ax, panel in zip(axes[:, 0], panels):
            if panel == "fx":
                assert s.fx is not None and s.fx_sma200 is not None  # `panels` lists only the gauges the week has
                fx, avg = s.fx.loc[start:], s.fx_sma200.loc[start:]
                ax.plot(fx.index, fx.to_numpy(), color=LARGE, linewidth=0.9, label=label(FX))
                ax.plot(avg.index, avg.to_numpy(), color=AVERAGE, linewidth=1, linestyle="--", label="200-day average")
                title(ax, f"Carry: {plain(FX)}, yen per dollar (a fall is a stronger yen), and volatility: "
                          f"{plain(VIX)}", f"{label(FX)} (a fall is a stronger yen) and {plain(VIX)}")
                ax.legend(loc="best", ncols=2)
            else:
                assert s.vix is not None
                vix = s.vix.loc[start:]
                ax.fill_between(vix.index, settings.risk.vix_stressed, max(vix.max(), settings.risk.vix_stressed),
                                color=STRESS, linewidth=0)
                ax.plot(vix.index, vix.to_numpy(), color=SMALL, linewidth=0.9, label=label(VIX))
                ax.axhline(settings.risk.vix_calm, color=MUTED, linewidth=0.8, linestyle=":")
                ax.legend(loc="best")
            ax.margins(x=0.01)
        svg, png = save(fig, out, "risk_panel")
    parts = []
    if r.fx_level is not None:
        parts.append(f"{label(FX)} (USD/JPY) at {r.fx_level:.2f} yen, {pct(r.fx_week)} on the week and "
                     f"{pct(r.fx_distance_200d)} from its 200-day average")
    if r.vix_level is not None:
        parts.append(f"{plain(VIX)} at {r.vix_level:.1f}")
    alt = f"Line charts over {years} years of " + " and ".join(panels).replace("fx", plain(FX)).replace(
        "vix", plain(VIX)) + ": " + "; ".join(parts) + "."
    return ChartSpec("risk_panel", svg, png, alt,
                     f"Shaded: {plain(VIX)} at or above {settings.risk.vix_stressed:g}; "
                     f"dotted: {settings.risk.vix_calm:g}.")

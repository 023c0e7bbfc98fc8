"""Charts of the pair itself: the long ratio, period returns, momentum, failed breakouts."""

from __future__ import annotations

from generator.charts.style import (AVERAGE, CURRENT, INK, LARGE, MUTED, SHADE, SMALL, ChartOutput, ChartSpec,
                                   bar_values, figsize, is_phone, label_room, legend_below, legend_room, margins, pct,
                                   save, signed_label, style, title, type_pt, SMALL_PT)
from generator.metrics import PERIODS, WeeklyMetrics
from generator.metrics.indicators import weekly_last


def draw_ratio_history(m: WeeklyMetrics, names: tuple[str, str], out: ChartOutput) -> ChartSpec:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    s = m.series
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=figsize())
        margins(fig, bottom=0.6, left=0.5 if is_phone() else 0.55)
        # Weekly points are plenty for 25 years on a page and keep the SVG small.
        ratio, average = weekly_last(s.ratio), weekly_last(s.sma_long)
        ax.plot(ratio.index, ratio.to_numpy(), color=SMALL, linewidth=0.9, label=f"{m.small}/{m.large} ratio")
        ax.plot(average.index, average.to_numpy(), color=AVERAGE, linewidth=1.1, linestyle="--",
                label="200-session average")
        peak = m.ratio
        # (matplotlib's stubs take numbers only; the date axis's unit converter takes dates)
        ax.scatter([peak.peak_date], [peak.peak_value], color=INK, s=18, zorder=3)  # type: ignore[arg-type]
        ax.annotate(f"all-time high {peak.peak_date:%b %Y}", (peak.peak_date, peak.peak_value),
                    xytext=(6, 4), textcoords="offset points", fontsize=type_pt(SMALL_PT), color=INK)
        ax.scatter([m.as_of], [peak.value], color=SMALL, s=18, zorder=3)  # type: ignore[arg-type]
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.2f}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"{m.small}/{m.large} ratio, log scale" if is_phone()
                     else f"{m.small} relative to {m.large}: total-return ratio, log scale")
        if is_phone():
            from matplotlib.dates import YearLocator
            ax.xaxis.set_major_locator(YearLocator(8))
        # Outside the plot: a 25-year line leaves no corner free for a legend.
        fig.legend(loc="lower center", ncols=2, bbox_to_anchor=(0.5, 0.0))
        ax.margins(x=0.01)
        svg, png = save(fig, out, "ratio_history")
    alt = (f"Line chart of the {m.small} to {m.large} total-return ratio from {s.ratio.index[0]:%Y} to {m.as_of:%B %Y} "
           f"on a log scale with its 200-session average. The all-time high was {peak.peak_value:.3f} in "
           f"{peak.peak_date:%B %Y}; the ratio now stands at {peak.value:.3f}, "
           f"{pct(peak.drawdown_from_peak)} from that high.")
    caption = f"The small/large ratio since {s.ratio.index[0]:%Y}; dashed line: 200-session average."
    return ChartSpec("ratio_history", svg, png, alt, caption)


def draw_period_returns(m: WeeklyMetrics, names: tuple[str, str], out: ChartOutput) -> ChartSpec:
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import PercentFormatter

    labels = {"1w": "1 week", "4w": "4 weeks", "13w": "13 weeks", "ytd": "YTD", "52w": "52 weeks", "3y": "3 years"}
    small = [m.returns[m.small].get(p) for p in PERIODS]
    large = [m.returns[m.large].get(p) for p in PERIODS]
    x = np.arange(len(PERIODS))
    with plt.rc_context(style()):
        phone = is_phone()
        fig, ax = plt.subplots(figsize=figsize())
        # The legend goes under the plot, never over bars (a week of all-negative bars leaves no free corner).
        margins(fig, bottom=0.62, left=0.5 if phone else 0.55)
        if phone:  # the tickers: the names do not fit side by side under a phone-wide chart
            names = (m.small, m.large)
        for offset, values, colour, name in ((-0.19, small, SMALL, names[0]), (0.19, large, LARGE, names[1])):
            heights = [v * 100 if v is not None else 0.0 for v in values]
            bars = ax.bar(x + offset, heights, width=0.36, color=colour, label=name)
            if phone:
                continue  # no room for twelve labels: the email's table above the chart has every number
            for bar, v in zip(bars, values):
                text = "n/a" if v is None else signed_label(v * 100)
                va = "bottom" if (v or 0) >= 0 else "top"
                ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va=va,
                            fontsize=type_pt(SMALL_PT), color=INK, xytext=(0, 2 if va == "bottom" else -2),
                            textcoords="offset points")
        ax.axhline(0, color=MUTED, linewidth=0.8)
        short = {"1w": "1w", "4w": "4w", "13w": "13w", "ytd": "YTD", "52w": "52w", "3y": "3y"}
        ax.set_xticks(x, [(short if phone else labels)[p] for p in PERIODS])
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.grid(axis="x", visible=False)
        ax.set_title("Total return by period, %")
        fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncols=2, bbox_to_anchor=(0.5, 0.0))
        ax.margins(y=0.18)
        svg, png = save(fig, out, "period_returns")
    parts = "; ".join(f"{labels[p]}: {m.small} {pct(a)}, {m.large} {pct(b)}" for p, a, b in zip(PERIODS, small, large))
    alt = f"Bar chart of total returns for {m.small} and {m.large} by period. {parts}."
    return ChartSpec("period_returns", svg, png, alt,
                     f"Total returns to {m.as_of:%B} {m.as_of.day}, {m.as_of.year}, in percent.")


def draw_relative_momentum(m: WeeklyMetrics, out: ChartOutput) -> ChartSpec:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    items = list(m.ratio.momentum.items())
    labels = [k.replace("w", " weeks") for k, _ in items]
    values = [v * 100 if v is not None else 0.0 for _, v in items]
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=figsize(2.2))
        margins(fig, left=label_room(labels))
        colours = [SMALL if v >= 0 else LARGE for v in values]
        bars = ax.barh(labels[::-1], values[::-1], color=colours[::-1], height=0.55)
        shown = [v for _, v in items[::-1]]
        bar_values(ax, bars, [None if v is None else v * 100 for v in shown],
                   ["n/a" if v is None else signed_label(v * 100, "%") for v in shown], margin=0.25)
        ax.axvline(0, color=MUTED, linewidth=0.8)
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.grid(axis="y", visible=False)
        title(ax, f"Relative momentum: change in the {m.small}/{m.large} ratio",
              f"Change in the {m.small}/{m.large} ratio")
        svg, png = save(fig, out, "relative_momentum")
    parts = "; ".join(f"{k}: {pct(v)}" for k, v in items)
    alt = (f"Horizontal bar chart of the change in the {m.small} to {m.large} ratio over several lookbacks, "
           f"positive meaning small caps outperformed. {parts}.")
    return ChartSpec("relative_momentum", svg, png, alt,
                     "Bars right of zero: small caps beat large caps over that span.")


def draw_breakouts(m: WeeklyMetrics, out: ChartOutput) -> ChartSpec:
    import matplotlib.pyplot as plt
    import pandas as pd

    b = m.breakouts
    since = pd.Timestamp(b.since)
    ratio, average = weekly_last(m.series.ratio.loc[since:]), weekly_last(m.series.sma_long.loc[since:])
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=figsize())
        entries = 2 + bool(b.failed) + (b.current is not None)
        margins(fig, bottom=legend_room(entries, 4, 0.55))
        for i, episode in enumerate(b.failed):
            ax.axvspan(pd.Timestamp(episode.start), pd.Timestamp(episode.end), color=SHADE, linewidth=0,
                       label="failed breakout" if i == 0 else None)
        if b.current is not None:
            ax.axvspan(pd.Timestamp(b.current.start), ratio.index[-1], color=CURRENT, linewidth=0,
                       label="current move above the average")
        ax.plot(ratio.index, ratio.to_numpy(), color=SMALL, linewidth=0.8, label=f"{m.small}/{m.large} ratio")
        ax.plot(average.index, average.to_numpy(), color=AVERAGE, linewidth=1.1, linestyle="--",
                label="200-session average")
        title(ax, f"Relative breakouts since the {b.since:%Y} peak: {len(b.failed)} failed within "
                  f"{b.limit_weeks} weeks",
              f"Breakouts since the {b.since:%Y} peak:\n{len(b.failed)} failed within {b.limit_weeks} weeks")
        if is_phone():
            from matplotlib.dates import YearLocator
            ax.xaxis.set_major_locator(YearLocator(max(1, (m.as_of.year - b.since.year) // 3)))
        legend_below(fig, ncols=4)
        ax.margins(x=0.01)
        svg, png = save(fig, out, "breakouts")
    listed = "; ".join(f"{e.start:%b %Y} (got {e.peak_excess * 100:.1f}% above the average)" for e in b.failed[-6:])
    alt = (f"Line chart of the {m.small} to {m.large} ratio since its peak on {b.since:%B %d, %Y}, with its "
           f"200-session average. {len(b.failed)} moves above the average failed within {b.limit_weeks} weeks"
           + (f"; the most recent: {listed}" if listed else "") + ".")
    return ChartSpec("breakouts", svg, png, alt,
                     f"Shaded: closes above the 200-session average that fell back within {b.limit_weeks} weeks.")

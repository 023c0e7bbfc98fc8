"""How our call has done: the allocation that follows the stance's calls against holding either side."""

from __future__ import annotations

import pandas as pd

from generator.charts.style import (ACCENT, LARGE, SMALL, ChartOutput, ChartSpec, figsize, legend_below, legend_room,
                                    is_phone, margins, save, style, title)
from generator.metrics import WeeklyMetrics
from generator.metrics.indicators import weekly_last


def draw_track_record(m: WeeklyMetrics, names: tuple[str, str], out: ChartOutput) -> ChartSpec | None:
    """Growth of 1 from the first call, weekly closes (log scale); absent until the record spans a year."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    t = m.track
    if t is None or len(t.curve.days) < 260:
        return None
    c = t.curve
    frame = weekly_last(pd.DataFrame({"allocation": c.allocation, "small": c.small, "large": c.large},
                                     index=c.days))
    small_name, large_name = (n[:1].upper() + n[1:] for n in names)
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=figsize())
        margins(fig, bottom=legend_room(3, 3, 0.55))
        ax.plot(frame.index, frame["large"].to_numpy(), color=LARGE, linewidth=0.9, label=f"{large_name} only")
        ax.plot(frame.index, frame["small"].to_numpy(), color=SMALL, linewidth=0.9, label=f"{small_name} only")
        ax.plot(frame.index, frame["allocation"].to_numpy(), color=ACCENT, linewidth=1.4,
                label="following our calls" if is_phone() else "following our calls (100/50/0% small caps)")
        ax.set_yscale("log")
        low, high = float(frame.min().min()), float(frame.max().max())
        ax.set_yticks([v for v in (0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32) if low / 1.2 <= v <= high * 1.2])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        title(ax, f"How our call has done: growth of 1 from {c.days[0]:%B %Y}, weekly, log scale",
              f"Our call: growth of 1 since {c.days[0]:%Y}, log scale")
        legend_below(fig, ncols=3)
        ax.margins(x=0.01)
        svg, png = save(fig, out, "track_record")
    a = t.all
    end = lambda v: f"{v:.2f}"  # noqa: E731
    alt = (f"Line chart, log scale, weekly from {c.days[0]:%B %Y} to {m.as_of:%B %Y}: 1 invested following the "
           f"stance's calls grew to {end(c.allocation[-1])}, against {end(c.small[-1])} in {small_name} alone and "
           f"{end(c.large[-1])} in {large_name} alone.")
    caption = ("Each week's call as the rules made it that week, acted on at the next session's close: "
               "100% small caps at \u201cLean in further\u201d, 50/50 at \u201cStart to lean in\u201d, 100% large "
               "caps at \u201cStay with large caps\u201d; no costs or taxes. "
               f"{a.calls:,} calls; see the methodology page.")
    return ChartSpec("track_record", svg, png, alt, caption)

"""The share card of an issue: a 1200x630 PNG for Open Graph and Twitter cards.

Title and issue line, the headline, the stance and one sparkline of the
small/large ratio over the last year. Drawn with matplotlib like every chart
(no extra dependency), at 100 dpi on a 12 x 6.3 inch figure, so it is exactly
1200 x 630 pixels.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from generator.charts.style import AVERAGE, INK, LARGE, MUTED, SMALL, style
from generator.metrics.indicators import weekly_last

SIZE = (1200, 630)
SAMPLE_STAMP = "SAMPLE DATA - not market data"


def draw_social_card(m, *, title: str, headline: str, issue_line: str, target: Path, sample: bool) -> Path:
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg


    since = pd.Timestamp(m.as_of) - pd.DateOffset(years=1)
    ratio = weekly_last(m.series.ratio.loc[since:])
    with plt.rc_context(style()):
        fig = plt.figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100, facecolor="#fbfaf7")
        fig.patches.append(plt.Rectangle((0, 0.975), 1, 0.025, transform=fig.transFigure, color=SMALL))
        fig.text(0.05, 0.86, title, fontsize=30, fontweight="bold", color=INK)
        fig.text(0.05, 0.79, issue_line.upper(), fontsize=15, color=MUTED)
        wrapped = textwrap.wrap(headline, 25)
        lines = wrapped[:4]
        if len(wrapped) > 4:
            lines[-1] = lines[-1].rstrip(" ,;:") + "..."
        fig.text(0.05, 0.70, "\n".join(lines), fontsize=32, fontweight="bold", color=INK, va="top", linespacing=1.2)
        colour = SMALL if m.stance.score > 0 else LARGE if m.stance.score < 0 else MUTED
        fig.text(0.05, 0.09, f"Stance: {m.stance.label}", fontsize=22, color="white", fontweight="bold",
                 bbox={"boxstyle": "round,pad=0.45", "facecolor": colour, "edgecolor": "none"})
        if sample:
            fig.text(0.95, 0.86, SAMPLE_STAMP, fontsize=16, color="#5a2d00", ha="right", fontweight="bold",
                     bbox={"boxstyle": "square,pad=0.4", "facecolor": "#fde68a", "edgecolor": "#b45309"})
        ax = fig.add_axes((0.64, 0.26, 0.31, 0.40))
        ax.plot(ratio.index, ratio.to_numpy(), color=SMALL, linewidth=3)
        ax.scatter([ratio.index[-1]], [ratio.iloc[-1]], color=SMALL, s=80, zorder=3)
        average = weekly_last(m.series.sma_long.loc[since:])
        ax.plot(average.index, average.to_numpy(), color=AVERAGE, linewidth=1.6, linestyle="--")
        ax.set_axis_off()
        fig.text(0.64, 0.16, f"{m.small}/{m.large} ratio, last 52 weeks\ndashed: its 200-day average", fontsize=14,
                 color=MUTED, va="top", linespacing=1.4)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        from PIL import Image

        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
        plt.close(fig)
    target.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(target, format="png")
    return target

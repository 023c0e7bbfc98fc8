"""House style shared by every chart, and the one function that writes chart files."""

from __future__ import annotations

import io
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from generator.charts.svg import compact_svg

INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#d9dee4"
SMALL = "#c2410c"  # small caps: burnt orange
LARGE = "#1d4e89"  # large caps: deep blue
ACCENT = "#2f7d4f"  # a third series: green
AVERAGE = "#6b7785"
SHADE = "#f2c9b1"
WEAKENING = "#7a4fa3"  # the sector quadrant's fourth colour: purple, far from the small caps' orange
STRESS = "#f6d5c6"  # VIX at or above the stressed level
CURRENT = "#c7dccf"  # the current move above the average
PAPER, TEXT = "#ffffff", "#000000"
# Kept exact in the palette PNGs, so the web charts match the print ones and the page.
EXACT_COLOURS = (PAPER, TEXT, INK, MUTED, GRID, SMALL, LARGE, ACCENT, SHADE, WEAKENING, STRESS, CURRENT)
WIDTH_IN, HEIGHT_IN = 6.8, 2.9
PNG_DPI = 160
SMALLEST_TYPE_KEY = "capweekly:smallest-type-pt"  # a PNG text chunk: the chart's smallest type, for the tests
# Every chart's phone version: drawn narrow with larger type, so that shown 340 px wide (a 375 px phone less the
# page's or the email's padding) the smallest text, 8.2 pt (a 7 pt note scaled by type_pt), is 11.4 px.
PHONE_WIDTH_IN, PHONE_FONT_PT = 3.4, 10.0
BASE_PT = 8.5  # the page's base type size
PHONE_TITLE_CHARS = 34  # a bold 11 pt title line that fits the phone chart's width
PHONE_TOP = 0.6  # inches above a phone chart's axes: a title of two lines
_PHONE = ContextVar("capweekly_phone_charts", default=False)


@contextmanager
def phone():
    """Draw charts for a phone (the email) inside this block."""
    token = _PHONE.set(True)
    try:
        yield
    finally:
        _PHONE.reset(token)


def is_phone() -> bool:
    return _PHONE.get()


def figsize(height: float = HEIGHT_IN) -> tuple[float, float]:
    """The figure size of a chart `height` inches tall on the page; on a phone, narrower and a little taller."""
    return (PHONE_WIDTH_IN, height * 1.15) if is_phone() else (WIDTH_IN, height)


# The smallest type on a page chart: the site shows the 6.8 in chart 704 px wide (1.44 px a point), so 7.7 pt is
# 11 px there; the print edition's notes are no smaller.
PAGE_MIN_PT = 7.7
SMALL_PT = 8.5 / 1.2  # matplotlib's "small" at the page's base size, the annotations' size


def type_pt(size: float) -> float:
    """A fixed type size (an annotation's 7.5 pt) scaled with the phone's larger base, so it stays readable; on
    the page, never under PAGE_MIN_PT."""
    return size * PHONE_FONT_PT / BASE_PT if is_phone() else max(size, PAGE_MIN_PT)


def title(ax, text: str, phone_text: str | None = None) -> None:
    """The chart's title; on a phone the shorter wording, from the figure's left edge rather than the axes' (a
    narrow chart has no width to spare), wrapped to two lines at most (PHONE_TOP leaves room for them); a
    newline in `phone_text` is where it breaks."""
    import textwrap

    if not is_phone():
        ax.set_title(text)
        return
    text = phone_text or text
    if "\n" not in text:
        text = "\n".join(textwrap.wrap(text, PHONE_TITLE_CHARS))
    box = ax.get_position()
    ax.set_title(text, x=(0.1 / PHONE_WIDTH_IN - box.x0) / box.width, ha="left")


def bar_values(ax, bars, values: Sequence[float | None], texts: list[str], margin: float) -> None:
    """Each horizontal bar's value beside it, and room for the labels. On the page a label sits at its bar's
    end, outward; on a phone, where the type is large for the width, right of the bar or of the zero line,
    so the labels need room on one side only and never run into the category names on the left."""
    phone = is_phone()
    for bar, v, text in zip(bars, values, texts):
        right = phone or (v or 0) >= 0
        x = max(bar.get_width(), 0.0) if phone else bar.get_width()
        ax.annotate(text, (x, bar.get_y() + bar.get_height() / 2), ha="left" if right else "right", va="center",
                    fontsize=type_pt(7.5), color=INK, xytext=(3 if right else -3, 0), textcoords="offset points")
    if not phone:
        ax.margins(x=margin)
        return
    shown = [v for v in values if v is not None]
    width = ax.get_position().width * ax.figure.get_size_inches()[0]
    room = (max(len(t) for t in texts) * 0.68 * type_pt(7.5) + 5) / 72  # the widest label and its offset, inches
    low, high = min(shown + [0.0]), max(shown + [0.0])
    left = 0.05 * width
    span = ((high - low) or 1.0) / max(0.2, 1 - (left + room) / width)  # the whole axis, in data units
    ax.set_xlim(low - left / width * span, high + room / width * span)


def label_room(labels: list[str], pad: float = 0.15) -> float:
    """The left margin, in inches, for horizontal bars' tick labels: DejaVu Sans averages about 0.54 em a
    character at the tick labels' size (0.54 em measured on the sector names)."""
    size = PHONE_FONT_PT if is_phone() else BASE_PT
    return pad + max(len(t) for t in labels) * 0.54 * size / 72


def legend_below(fig, handles=None, labels=None, ncols: int = 2) -> None:
    """The legend under the plot (never over data); one entry a row on a phone, where two do not fit side by side."""
    args = (handles, labels) if handles is not None else ()
    fig.legend(*args, loc="lower center", ncols=1 if is_phone() else ncols, bbox_to_anchor=(0.5, 0.0))


def legend_room(entries: int, ncols: int, desktop: float) -> float:
    """The bottom margin, in inches, for `legend_below`: the desktop's, or on a phone one row per entry."""
    return 0.32 + 0.2 * entries if is_phone() else desktop


@dataclass
class ChartOutput:
    """Where charts go: an SVG of each (print) and a PNG (web and email).

    With `defer_png`, saving writes the SVG and keeps the figure; `finish()` then
    draws the PNGs. A parallel build uses this to hand the SVGs to the PDF
    process as early as possible.
    """

    folder: Path
    defer_png: bool = False
    suffix: str = ""         # added to each file name, e.g. ".phone"
    png_only: bool = False   # no SVG (the phone charts, which only the email uses)
    _pending: list = field(default_factory=list, repr=False)

    def finish(self) -> None:
        while self._pending:
            fig, png = self._pending.pop(0)
            _write_png(fig, png)


@dataclass(frozen=True)
class ChartSpec:
    id: str
    svg: Path
    png: Path
    alt: str
    caption: str


def style() -> dict:
    import matplotlib

    matplotlib.use("Agg", force=True)
    base = PHONE_FONT_PT if is_phone() else BASE_PT
    return {
        "font.family": "DejaVu Sans",  # ships with matplotlib, so it exists on every machine
        "font.size": base,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.titlesize": base + 1,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titley": 1.0,  # fixed: automatic placement measures every tick label on every save
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": GRID,
        "grid.linewidth": 0.6,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "legend.frameon": False,
        "legend.fontsize": base - 0.5,
        "svg.fonttype": "none",
        "svg.hashsalt": "capweekly",
        "path.simplify": True,
        "figure.dpi": 100,
    }


def margins(fig, *, left: float = 0.55, right: float = 0.12, top: float = 0.32, bottom: float = 0.3,
            hspace: float | None = None) -> None:
    """Fixed margins in inches. Cheaper than constrained layout, which re-measures every
    label on every save, and the same look at every figure height."""
    width, height = fig.get_size_inches()
    if is_phone():
        top = max(top, PHONE_TOP)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height,
                        hspace=hspace)


def save(fig, out: ChartOutput, name: str) -> tuple[Path, Path]:
    """Write the figure's SVG and (now or at `out.finish()`) its PNG; returns both paths."""
    if is_phone():
        _phone_dates(fig)
    out.folder.mkdir(parents=True, exist_ok=True)
    svg, png = out.folder / f"{name}{out.suffix}.svg", out.folder / f"{name}{out.suffix}.png"
    if not out.png_only:
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        svg.write_text(compact_svg(buffer.getvalue()), encoding="utf-8")
    if out.defer_png:
        out._pending.append((fig, png))
    else:
        _write_png(fig, png)
    return svg, png


def _phone_dates(fig) -> None:
    """Date axes with a few concise ticks ("2023  Jul  2024"): the default's eight dates overlap on a phone.
    Axes with their own date locator (a year every eight) keep it."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    for ax in fig.axes:
        if isinstance(ax.xaxis.get_major_locator(), AutoDateLocator):
            locator = AutoDateLocator(minticks=2, maxticks=5)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))


def _write_png(fig, png: Path) -> None:
    """Draw on an Agg canvas and store a 256-colour palette PNG, then close the figure.

    Charts are flat colours plus anti-aliasing, so a palette looks the same as
    full colour at about a third of the bytes, and encodes faster.
    """
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    fig.set_dpi(PNG_DPI)
    canvas = FigureCanvasAgg(fig)
    with plt.rc_context(style()):  # a deferred PNG is drawn after its chart's own style block
        canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    info = PngInfo()
    info.add_text(SMALLEST_TYPE_KEY, f"{smallest_type(fig):.2f}")
    _exact_palette(image.quantize(256, method=Image.Quantize.FASTOCTREE)).save(png, format="png", pnginfo=info)
    plt.close(fig)


def smallest_type(fig) -> float:
    """The smallest font size, in points, of any text drawn in the figure (ticks, legend, labels, notes)."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes)


def shown_type_px(png, shown_width: float) -> float:
    """The smallest text of a chart PNG in CSS px as a browser shows it `shown_width` px wide: its smallest type
    (stored in the PNG when drawn) at the PNG's dots per inch, scaled by the width shown over the PNG's width.
    `png` is a path or an open file."""
    from PIL import Image, PngImagePlugin

    with Image.open(png) as image:
        if not isinstance(image, PngImagePlugin.PngImageFile):
            raise ValueError(f"{png}: not a PNG chart (its smallest type is stored in a PNG text chunk)")
        points = float(image.text[SMALLEST_TYPE_KEY])
        return points / 72 * PNG_DPI * shown_width / image.width


def _exact_palette(image):
    """The octree averages each colour with its anti-aliased neighbours (white comes out
    #fefefe); put the house colours back exactly where the palette holds a close match."""
    import numpy as np

    palette = np.array(image.getpalette()[:768], dtype=np.int16).reshape(-1, 3)
    for colour in EXACT_COLOURS:
        exact = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
        distance = np.abs(palette - exact).max(axis=1)
        nearest = int(distance.argmin())
        if distance[nearest] <= 4:
            palette[nearest] = exact
    image.putpalette(palette.astype(np.uint8).flatten().tolist())
    return image


def signed_label(value: float, unit: str = "") -> str:
    """A bar's label with a true minus sign, as the text and the tick labels write it: +1.9, \u22127.6%."""
    return f"{value:+.1f}".replace("-", "\u2212") + unit


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f}%"

"""House style shared by every chart, and the one function that writes chart files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#d9dee4"
SMALL = "#c2410c"  # small caps: burnt orange
LARGE = "#1d4e89"  # large caps: deep blue
ACCENT = "#2f7d4f"  # a third series: green
AVERAGE = "#6b7785"
SHADE = "#f2c9b1"
WIDTH_IN, HEIGHT_IN = 6.8, 2.9
PNG_DPI = 160


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
    return {
        "font.family": "DejaVu Sans",  # ships with matplotlib, so it exists on every machine
        "font.size": 8.5,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.titlesize": 9.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": GRID,
        "grid.linewidth": 0.6,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "legend.frameon": False,
        "legend.fontsize": 8,
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
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height,
                        hspace=hspace)


def save(fig, folder: Path, name: str) -> tuple[Path, Path]:
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    svg, png = folder / f"{name}.svg", folder / f"{name}.png"
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    plt.close(fig)
    return svg, png


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f}%"

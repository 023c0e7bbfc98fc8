"""Chart files: the compacted SVG draws exactly like matplotlib's own, and PNGs are palette images."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from generator.charts.style import ChartOutput, margins, save, style
from generator.charts.svg import SVG_NS, compact_svg


def _figure():
    import matplotlib.pyplot as plt

    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=(6.8, 2.9))
        margins(fig, bottom=0.55)
        x = np.arange(200)
        ax.plot(x, np.sin(x / 9) + x / 80, color="#c2410c", linewidth=0.9, label="ratio")
        ax.plot(x, x / 80, color="#6b7785", linestyle="--", label="average")
        ax.axvspan(40, 70, color="#f2c9b1", linewidth=0)
        ax.bar([150, 160], [1.5, -0.5], width=6, color="#1d4e89")
        ax.annotate("all-time high", (120, 2.2), xytext=(6, 4), textcoords="offset points", fontsize=7.5)
        ax.set_title("A chart with every kind of element")
        ax.set_ylabel("ratio")  # a rotated label
        fig.legend(loc="lower center", ncols=2)
    return fig


def _svg_text(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _elements(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for element in ET.fromstring(text).iter():
        tag = element.tag.split("}")[1]
        counts[tag] = counts.get(tag, 0) + 1
    return counts


def test_compact_svg_keeps_every_drawing_element_and_drops_the_wrappers():
    original = _svg_text(_figure())
    compact = compact_svg(original)
    before, after = _elements(original), _elements(compact)
    for tag in ("path", "use", "text", "clipPath", "rect"):
        assert after.get(tag) == before.get(tag), tag
    assert after.get("g", 0) < before["g"] / 3
    assert "style=" not in compact and "<metadata" not in compact
    assert compact.startswith(f'<svg xmlns="{SVG_NS}" xmlns:xlink=')
    root = ET.fromstring(compact)
    assert root.get("stroke-linecap") == "butt" and root.get("stroke-linejoin") == "round"
    assert compact_svg(original) == compact  # deterministic


def test_compact_svg_drops_the_label_rotations_that_do_nothing():
    import matplotlib.pyplot as plt

    with plt.rc_context(style()):  # as the charts save: text kept as text
        original = _svg_text(_figure())
    texts = ET.fromstring(compact_svg(original)).iter(f"{{{SVG_NS}}}text")
    transforms = [t.get("transform") for t in texts]
    assert original.count("rotate(-0 ") == transforms.count(None) > 5
    turned = [t for t in transforms if t is not None]
    assert len(turned) == 1 and turned[0].startswith("rotate(-90 ")  # the y label stays turned


def test_compact_svg_leaves_a_stylesheet_it_does_not_understand_alone():
    text = (f'<svg xmlns="{SVG_NS}" width="10pt" height="10pt"><defs><style>.a {{fill: red}}</style></defs>'
            '<g id="x"><rect class="a" width="5" height="5"/></g></svg>')
    assert compact_svg(text) == text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed; "
                    "scripts/setup --with-browser installs it")
def test_compact_svg_prints_pixel_for_pixel_like_the_original(tmp_path):
    from weasyprint import HTML

    original = _svg_text(_figure())
    (tmp_path / "original.svg").write_text(original)
    (tmp_path / "compact.svg").write_text(compact_svg(original))
    pages = {}
    for name in ("original", "compact"):
        HTML(string=f'<img src="{name}.svg" style="width: 17cm">', base_url=str(tmp_path)).write_pdf(
            tmp_path / f"{name}.pdf")
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", tmp_path / f"{name}.pdf",
                        tmp_path / name], check=True)
        pages[name] = np.asarray(Image.open(tmp_path / f"{name}.png").convert("RGB"))
    assert pages["original"].shape == pages["compact"].shape
    assert (pages["original"] != 255).any()  # the chart really was drawn
    assert np.array_equal(pages["original"], pages["compact"])


def test_save_writes_compact_svg_and_palette_png_now_or_deferred(tmp_path):
    now = ChartOutput(tmp_path / "now")
    later = ChartOutput(tmp_path / "later", defer_png=True)
    import matplotlib.pyplot as plt

    with plt.rc_context(style()):  # as every chart function does
        svg_now, png_now = save(_figure(), now, "chart")
        svg_later, png_later = save(_figure(), later, "chart")
    assert svg_later.read_bytes() == svg_now.read_bytes()
    assert not png_later.exists()
    later.finish()
    assert png_later.read_bytes() == png_now.read_bytes()
    image = Image.open(png_now)
    assert image.mode == "P" and image.size == (1088, 464)  # 6.8 x 2.9 inches at 160 dpi
    assert len(image.getcolors()) > 8  # anti-aliasing kept, not posterised to a few colours
    colours = {rgb for _, rgb in image.convert("RGB").getcolors(256)}
    assert image.convert("RGB").getpixel((2, 2)) == (255, 255, 255)  # the page's white, not #fefefe
    assert {(0xc2, 0x41, 0x0c), (0x1d, 0x4e, 0x89), (0xd9, 0xde, 0xe4)} <= colours  # house colours exact


def _print_svg(svg: str, folder, name: str) -> np.ndarray:
    from weasyprint import HTML

    (folder / f"{name}.svg").write_text(svg)
    HTML(string=f'<img src="{name}.svg" style="width: 17cm">', base_url=str(folder)).write_pdf(folder / f"{name}.pdf")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-singlefile", folder / f"{name}.pdf", folder / name], check=True)
    return np.asarray(Image.open(folder / f"{name}.pgm"), dtype=np.int16)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed; "
                    "scripts/setup --with-browser installs it")
def test_faster_painting_prints_the_charts_like_weasyprints_own_painter(tmp_path, monkeypatch):
    """generator.render.svgpaint draws a label as one run instead of letter by letter, and reads matplotlib's
    paths itself: every pixel of the page lies within the range of the original page's pixels around it (nothing
    moved by a pixel at 150 dpi), and the labels are still text."""
    import matplotlib.pyplot as plt
    import weasyprint.svg as painter

    from generator.render import svgpaint

    with plt.rc_context(style()):  # as the charts save it: labels as <text>
        svg = compact_svg(_svg_text(_figure()))
    assert svg.count("<text") >= 10
    # WeasyPrint's own painter, even if a build in this process installed ours
    monkeypatch.setattr(painter, "text", getattr(painter.text, "original", painter.text))
    monkeypatch.setattr(painter, "TAGS", {tag: getattr(draw, "original", draw) for tag, draw in painter.TAGS.items()})
    letters = _print_svg(svg, tmp_path, "letters")
    drawn: list[str] = []
    draw_whole = svgpaint._draw_whole
    monkeypatch.setattr(svgpaint, "_draw_whole", lambda svg, node, size: drawn.append(node.text) or
                        draw_whole(svg, node, size))
    assert svgpaint.install()
    whole = _print_svg(svg, tmp_path, "whole")

    assert "all-time high" in drawn and "ratio" in drawn  # the labels took the whole-string path
    assert letters.shape == whole.shape and (whole < 128).any()
    padded = np.pad(letters, 1, mode="edge")
    around = np.stack([padded[dy:dy + letters.shape[0], dx:dx + letters.shape[1]] for dy in range(3) for dx in range(3)])
    assert ((whole >= around.min(axis=0) - 8) & (whole <= around.max(axis=0) + 8)).all()
    assert (letters != whole).sum() < 0.002 * whole.size
    text = subprocess.run(["pdftotext", tmp_path / "whole.pdf", "-"], capture_output=True, text=True).stdout
    assert "all-time high" in text and "A chart with every kind of element" in text


def test_only_labels_without_per_letter_positions_take_the_whole_string_path():
    from types import SimpleNamespace

    from generator.render.svgpaint import whole_string

    def node(**attrib) -> SimpleNamespace:  # what whole_string reads of WeasyPrint's svg.Node
        return SimpleNamespace(attrib={k.replace("_", "-"): v for k, v in attrib.items()}, text="2024")

    assert whole_string(node(x="10.5", y="20", dx="1"))
    assert not whole_string(node(x="10 20 30", y="20"))
    assert not whole_string(node(x="10", dy="1 2"))
    assert not whole_string(node(x="10", rotate="0 30"))
    assert not whole_string(node(x="10", letter_spacing="2"))
    assert not whole_string(node(x="10", textLength="40"))
    empty = node(x="1")
    empty.text = ""
    assert not whole_string(empty)


class _Recorder:
    """What a path drawing asks of WeasyPrint's PDF stream, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args))


@pytest.mark.parametrize("d", [
    "M 39.6 165.6  L 480.96 165.6  L 480.96 23.04  L 39.6 23.04  z ",
    "M 0 0 L 0 3.5 ",
    "M 1 2 3 4 5 6 z M 7 8 L 9 10",  # implicit L after M, a second subpath
    "M 0 -3 C 0.795609 -3 1.55874 -2.683901 2.12132 -2.12132 C 2.683901 -1.55874 3 -0.795609 3 0 z",
    "M 5 5 z L 1 1",  # a line straight after a close
    "",
])
def test_matplotlib_paths_are_drawn_with_weasyprints_operations_and_vertices(d):
    from collections import deque
    from types import SimpleNamespace

    from weasyprint.svg.path import path as weasyprint_path
    from weasyprint.svg.utils import size

    from generator.render.svgpaint import _draw_path, path_commands

    drawn = []
    for draw in (lambda svg, node: weasyprint_path(svg, node, 10),
                 lambda svg, node: _draw_path(svg, node, path_commands(d))):
        svg = SimpleNamespace(stream=_Recorder(), point=lambda x, y, font_size: (size(x), size(y)))
        node = SimpleNamespace(vertices=deque(), get=lambda name, default=None: {"d": d}.get(name, default))
        draw(svg, node)
        drawn.append((svg.stream.calls, list(node.vertices)))
    assert drawn[0] == drawn[1]


def test_paths_matplotlib_does_not_write_go_to_weasyprint():
    from generator.render.svgpaint import path_commands

    assert path_commands("M 1 2 L 3 4 z") == [("M", (1.0, 2.0)), ("L", (3.0, 4.0)), ("z", ())]
    for d in ("m 1 2 l 3 4", "M 1,2 L 3,4", "M 1 2 H 5", "M 1 2 A 1 1 0 0 1 3 4", "M 1 2 L 3", "M 1-2 L 3 4",
              "M 1px 2 L 3 4", "1 2 L 3 4"):
        assert path_commands(d) is None, d

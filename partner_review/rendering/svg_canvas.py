"""A matplotlib figure as lean SVG markup: few elements for WeasyPrint and browsers to lay out.

matplotlib's own SVG output is made for editors: a ``<g id>`` around every
artist, tick and label, markers as ``<defs>`` + one ``<use>`` per point, a clip
path per artist, metadata and a stylesheet. Inlined twenty times in a report,
that is thousands of elements the PDF engine parses, styles and draws one by one.
This renderer draws the same picture with matplotlib's SVG renderer, but writes
each artist as plain ``<path>`` and ``<text>`` elements: no groups, no ids, no
``<use>``, all markers of a line as one compound path, coordinates to 0.01 pt
without repeated points, and styles as presentation attributes (``fill="none"``
rather than ``style="fill: none"``: no CSS to parse), the texts' common font
written once on the root.
"""

from __future__ import annotations

import io
import re
from typing import Any

from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, IdentityTransform

_NO_METADATA = {"Format": None, "Type": None, "Creator": None, "Date": None}
_SEGMENT = re.compile(r"([MLQCz])([^MLQCz]*)")
_BETWEEN_TAGS = re.compile(r">\s+<")
_NO_ROTATION = re.compile(r' transform="rotate\(-?0 [-\d.]+ [-\d.]+\)"')
_ROOT = re.compile(r"<svg[^>]*>")
_STYLE = re.compile(r' style="([^"]*)"')
_FONT = re.compile(r' (font-size|font-family)="([^"]*)"')


def figure_svg(figure: Figure, root_attributes: str) -> str:
    """The figure (at 72 dpi, so 1 unit = 1 pt) as one ``<svg>`` element.

    ``root_attributes`` replace the root's size and namespace attributes,
    e.g. ``class="chart"``; the drawing keeps its viewBox.
    """
    buffer = io.StringIO()
    width, height = (72 * v for v in figure.get_size_inches())
    renderer = _LeanRenderer(width, height, buffer)
    figure.draw(renderer)
    renderer.finalize()
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" {root_attributes} '
        f'viewBox="0 0 {_short(width)} {_short(height)}" stroke-linejoin="round">'
    )
    text = _NO_ROTATION.sub("", text)
    text = _STYLE.sub(_as_attributes, text)
    text, font = _common_font(text)
    text = _ROOT.sub(root.replace(">", f"{font}>"), text, count=1)
    return _BETWEEN_TAGS.sub("><", text).strip()


def _as_attributes(style: re.Match[str]) -> str:
    """``style="fill: none; stroke: #fff"`` as ``fill="none" stroke="#fff"``."""
    pairs = (d.split(":", 1) for d in style[1].split(";") if d.strip())
    return "".join(f' {k.strip()}="{v.strip()}"' for k, v in pairs)


def _common_font(svg: str) -> tuple[str, str]:
    """The texts' most frequent font size and family, dropped from them for the root."""
    root = ""
    for name in ("font-size", "font-family"):
        values = [v for n, v in _FONT.findall(svg) if n == name]
        if values:
            common = max(sorted(set(values)), key=values.count)
            svg = svg.replace(f' {name}="{common}"', "")
            root += f' {name}="{common}"'
    return svg, root


class _LeanRenderer(RendererSVG):
    """matplotlib's SVG renderer writing each artist as plain elements."""

    def __init__(self, width: float, height: float, buffer: io.StringIO) -> None:
        super().__init__(width, height, buffer, metadata=_NO_METADATA)

    def open_group(self, s: str, gid: str | None = None) -> None:
        """No ``<g id>`` per artist: nothing refers to them."""

    def close_group(self, s: str) -> None:
        """See open_group."""

    def _write_default_style(self) -> None:
        # The root's stroke-linejoin attribute replaces the default stylesheet.
        pass

    def _convert_path(self, *args: Any, **kwargs: Any) -> str:
        return _compact_path(super()._convert_path(*args, **kwargs))

    def draw_markers(
        self,
        gc: Any,
        marker_path: Path,
        marker_trans: Any,
        path: Path,
        trans: Any,
        rgbFace: Any = None,  # matplotlib's name
    ) -> None:
        """Every marker of a line as one compound path instead of a ``<use>`` each."""
        shape = marker_path.transformed(marker_trans)
        placed = [
            shape.transformed(Affine2D().translate(*vertices[-2:]))
            for vertices, _code in path.iter_segments(trans, simplify=False)
            if len(vertices)
        ]
        if placed:
            self.draw_path(gc, Path.make_compound_path(*placed), IdentityTransform(), rgbFace)

    # One inline <path> per item (fills between curves), never <defs> + <use>.
    draw_path_collection = RendererBase.draw_path_collection


def _compact_path(data: str) -> str:
    """Path data with coordinates to 0.01 and no line to the point it starts from."""
    parts: list[str] = []
    last: list[str] = []
    for command, numbers in _SEGMENT.findall(data):
        point = [_short(float(v)) for v in numbers.split()]
        if command == "L" and point == last:
            continue
        parts.append(" ".join([command, *point]))
        last = point[-2:]
    return " ".join(parts)


def _short(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text

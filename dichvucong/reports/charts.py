"""Charts drawn on the server as SVG: no JavaScript, no chart library, nothing fetched from elsewhere.

Each chart is one ``<svg role="img">`` (``key`` names its ids, unique on the page) with a ``<title>`` and a
``<desc>`` (what a screen reader announces; the page also carries the same numbers as a table). The drawing
has a fixed ``viewBox`` and a width of 100%, so it scales down to a 360 px phone and up to the column's
width. Numbers are written the Vietnamese way (1.234; 12,5%). Every label is escaped; a series of zeros
draws an empty chart (no division by zero).

- ``stacked_bars``: one bar per label (a month), its parts stacked (on time, late) with their values in
  each part's ``<title>`` and ``data-value``.
- ``percent_lines``: one or more percentages (online share, paid online) per label on a 0–100% scale; a
  missing value (nothing to divide) leaves a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
HEIGHT = 300
LEFT = 50  # room for the axis numbers
RIGHT = 8
TOP = 34  # room for the legend
BOTTOM = 46  # room for two lines of labels
FONT = 16
SMALL = 14

# GOV.UK palette: distinguishable with the common colour-vision deficiencies and on white.
GREEN = "#00703c"
RED = "#d4351c"
BLUE = "#1d70b8"
ORANGE = "#f47738"
GREY = "#b1b4b6"
TEXT = "#0b0c0c"


@dataclass(frozen=True)
class Series:
    """One coloured part of each bar, or one line: its name (legend), a value per label, its colour."""

    name: str
    values: Sequence[int | Decimal | None]
    colour: str


def format_int(value: int | Decimal | None) -> str:
    """1234567 -> "1.234.567" (dot thousands); None -> "–"."""
    if value is None:
        return "–"
    whole = int(Decimal(value).to_integral_value(rounding=ROUND_HALF_UP))
    grouped = f"{abs(whole):,}".replace(",", ".")
    return f"-{grouped}" if whole < 0 else grouped


def format_decimal(value: int | Decimal | None, places: int = 1) -> str:
    """12.345 -> "12,3" (comma decimals, dot thousands); None -> "–"."""
    if value is None:
        return "–"
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    text = f"{int(whole):,}".replace(",", ".")
    if fraction and int(fraction):
        text += "," + fraction.rstrip("0")
    return f"-{text}" if rounded < 0 else text


def format_percent(value: int | Decimal | None) -> str:
    return "–" if value is None else f"{format_decimal(value)}%"


def nice_ceiling(value: int | Decimal, ticks: int = 4) -> int:
    """The axis top: ``ticks`` whole steps of 1, 2 or 5 × 10ⁿ reaching at least ``value``, so every grid line
    is a whole number (4 for an empty chart)."""
    need = max(Decimal(value), Decimal(1)) / ticks
    magnitude = Decimal(1)
    while magnitude * 10 <= need:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if magnitude * step >= need:
            return int(magnitude * step * ticks)
    return int(magnitude * 10 * ticks)  # pragma: no cover (10 always reaches)


def _num(value: float) -> str:
    """A coordinate with at most two decimals, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(x: float, y: float, content: str, *, size: int = SMALL, anchor: str = "middle", **attrs) -> str:
    extra = "".join(f" {name.replace('_', '-')}={quoteattr(str(v))}" for name, v in attrs.items())
    lines = content.split("\n")
    if len(lines) == 1:
        body = escape(content)
    else:
        body = "".join(
            f'<tspan x="{_num(x)}" dy="{0 if i == 0 else size + 1}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" text-anchor="{anchor}" fill="{TEXT}"{extra}>'
        f"{body}</text>"
    )


def _open(title: str, desc: str, css_class: str, key: str) -> tuple[str, str]:
    slug = "".join(ch for ch in key if ch.isascii() and (ch.isalnum() or ch == "-")) or "chart"
    title_id, desc_id = f"{slug}-title", f"{slug}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="sans-serif">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _legend(series: Sequence[Series], *, line: bool = False) -> str:
    parts, x = [], LEFT
    for item in series:
        if line:
            parts.append(
                f'<line x1="{x}" y1="13" x2="{x + 14}" y2="13" stroke="{item.colour}" stroke-width="3"/>'
            )
        else:
            parts.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{item.colour}"/>')
        parts.append(_text(x + 19, 18, item.name, size=FONT, anchor="start"))
        x += 19 + int(len(item.name) * FONT * 0.55) + 18
    return f'<g class="chart-legend">{"".join(parts)}</g>'


def _grid(top_value: int, *, percent: bool = False) -> str:
    """Four horizontal lines with their values, and the base line."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(5):
        value = Decimal(top_value) * i / 4
        y = HEIGHT - BOTTOM - plot_h * i / 4
        colour = TEXT if i == 0 else "#dddddd"
        parts.append(
            f'<line x1="{LEFT}" y1="{_num(y)}" x2="{WIDTH - RIGHT}" y2="{_num(y)}" stroke="{colour}"/>'
        )
        label = f"{format_int(value)}%" if percent else format_int(value)
        parts.append(_text(LEFT - 5, y + 4, label, anchor="end"))
    return f'<g class="chart-grid" aria-hidden="true">{"".join(parts)}</g>'


def _labels(labels: Sequence[str], slot: float) -> str:
    y = HEIGHT - BOTTOM + 18
    return "".join(_text(LEFT + slot * (i + 0.5), y, label) for i, label in enumerate(labels))


def stacked_bars(
    *, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], key: str = "chart-bars"
) -> SafeString:
    """A bar per label with the series stacked bottom to top; bar heights are proportional to the values
    (the axis top is a round number at least the tallest bar)."""
    count = len(labels)
    values = [[int(s.values[i] or 0) for s in series] for i in range(count)]
    tallest = max((sum(v) for v in values), default=0)
    top_value = nice_ceiling(tallest)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    bar_w = max(slot * 0.64, 1)
    head, tail = _open(title, desc, "chart chart-bars", key)
    parts = [head, _legend(series), _grid(top_value)]
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - bar_w) / 2
        base = HEIGHT - BOTTOM
        bar = [f'<g class="chart-bar" data-label={quoteattr(label)}>']
        for item, value in zip(series, values[i], strict=True):
            height = plot_h * value / top_value
            base -= height
            tip = f"{label.replace(chr(10), ' ')} – {item.name}: {format_int(value)}"
            bar.append(
                f'<rect x="{_num(x)}" y="{_num(base)}" width="{_num(bar_w)}" height="{_num(height)}" '
                f'fill="{item.colour}" data-series={quoteattr(item.name)} data-value="{value}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        bar.append("</g>")
        parts.append("".join(bar))
    parts.append(_labels(labels, slot))
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 (every label and name above is escaped)


def percent_lines(
    *, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], key: str = "chart-lines"
) -> SafeString:
    """Percentages (0–100) per label as lines with a dot at each value; None leaves a gap in the line."""
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    head, tail = _open(title, desc, "chart chart-lines", key)
    parts = [head, _legend(series, line=True), _grid(100, percent=True)]
    for item in series:
        runs: list[list[tuple[float, float]]] = [[]]
        dots = []
        for i, label in enumerate(labels):
            value = item.values[i] if i < len(item.values) else None
            if value is None:
                runs.append([])
                continue
            share = min(max(Decimal(value), Decimal(0)), Decimal(100))
            x = LEFT + slot * (i + 0.5)
            y = HEIGHT - BOTTOM - plot_h * float(share) / 100
            runs[-1].append((x, y))
            tip = f"{label.replace(chr(10), ' ')} – {item.name}: {format_percent(value)}"
            dots.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{item.colour}" '
                f'data-series={quoteattr(item.name)} data-value="{value}">'
                f"<title>{escape(tip)}</title></circle>"
            )
        group = [f'<g class="chart-line" data-series={quoteattr(item.name)}>']
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
                group.append(
                    f'<polyline points="{points}" fill="none" stroke="{item.colour}" stroke-width="2.5"/>'
                )
        group.extend(dots)
        group.append("</g>")
        parts.append("".join(group))
    parts.append(_labels(labels, slot))
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 (every label and name above is escaped)

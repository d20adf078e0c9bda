"""Charts as SVG markup, drawn on the server with matplotlib.

The same functions serve the dashboard (as `<img>` from a scoped URL, because the
Content-Security-Policy forbids the style attributes matplotlib writes into inline
SVG) and the PDF reports (which accept inline SVG). Labels stay text
(`svg.fonttype = none`); every bar carries its value, so no colour is needed to read it.
"""

import io
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

import matplotlib
from django.utils import formats
from django.utils.translation import get_language
from lokal import format_rupiah

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "tjsl"  # stable ids: identical input, identical SVG
matplotlib.rcParams["font.family"] = "DejaVu Sans"

from matplotlib.figure import Figure  # noqa: E402

from tjsl.text import printable  # noqa: E402

BAR_COLOUR = "#1f5f8b"
INK = "#212529"


def _to_svg(figure: Figure, *, title: str, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Title": title})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prologue and DOCTYPE: embeddable as is
    accessible = f'<svg role="img" aria-label="{escape(title, {chr(34): "&quot;"})}"'
    svg = svg.replace("<svg", accessible, 1)
    head_end = svg.index(">") + 1
    svg = f"{svg[:head_end]}<title>{escape(title)}</title><desc>{escape(description)}</desc>{svg[head_end:]}"
    return printable(svg)  # labels are stored text, and SVG (XML) cannot hold control characters


def describe(labels: Sequence[str], values: Sequence[int], fmt: Callable[[int], str]) -> str:
    """The text alternative: every label with its value."""
    return "; ".join(f"{label}: {fmt(value)}" for label, value in zip(labels, values, strict=True))


def bar_chart_svg(
    *, title: str, labels: Sequence[str], values: Sequence[int], fmt: Callable[[int], str], empty_text: str = "-"
) -> str:
    """Horizontal bars, largest first as given, each labelled with its value."""
    height = 1.2 + 0.38 * max(len(labels), 1)
    figure = Figure(figsize=(7.5, height))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    bars = axes.barh(positions, values, color=BAR_COLOUR)
    axes.set_yticks(positions, labels=[_short(label) for label in labels])
    axes.invert_yaxis()
    axes.bar_label(bars, labels=[fmt(v) for v in values], padding=3, fontsize=8, color=INK)
    axes.set_title(title, loc="left", fontsize=11, color=INK)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.margins(x=0.25)
    if not labels:
        axes.text(0.5, 0.5, empty_text, ha="center", va="center", transform=axes.transAxes)
    return _to_svg(figure, title=title, description=describe(labels, values, fmt))


def column_chart_svg(*, title: str, labels: Sequence[str], values: Sequence[int], fmt: Callable[[int], str]) -> str:
    """Vertical columns in time order (trends), each non-empty one labelled with its value."""
    figure = Figure(figsize=(max(4.0, 0.62 * len(labels) + 1.5), 3.2))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    bars = axes.bar(positions, values, color=BAR_COLOUR)
    axes.set_xticks(positions, labels=labels, fontsize=8)
    # An empty month has no bar and no label: a row of rotated "Rp0" would only hide the real ones.
    axes.bar_label(bars, labels=[fmt(v) if v else "" for v in values], padding=2, fontsize=7, color=INK, rotation=90)
    axes.set_title(title, loc="left", fontsize=11, color=INK)
    axes.yaxis.set_visible(False)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.margins(y=0.35)
    return _to_svg(figure, title=title, description=describe(labels, values, fmt))


def _short(label: str, limit: int = 38) -> str:
    """A stored name as a label: shortened, and with `$` escaped so matplotlib never parses it as mathtext."""
    label = printable(str(label))
    label = label if len(label) <= limit else label[: limit - 1] + "…"
    return label.replace("$", r"\$")


# Short amounts in the words of each language; the amount itself stays rupiah.
SHORT_UNITS = {
    "id": ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")),
    "en": ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")),
}


def _language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def rupiah_short(value: int) -> str:
    """Rp200 juta, Rp37,65 juta, Rp1,2 miliar (Rp200 million, Rp37,65 million in English: the
    number keeps the Indonesian decimal comma in both languages, as every figure does).

    The one short form of an amount, for chart labels on pages and in PDFs: up to two
    decimals, rounded half up, without trailing zeros, so Rp37.650.000 is Rp37,65 juta.
    """
    sign, value = ("-" if value < 0 else ""), abs(int(value))
    language = _language()
    units = SHORT_UNITS[language]
    for index, (size, word) in enumerate(units):
        if value < size:
            continue
        number = (Decimal(value) / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if number >= 1000 and index > 0:  # Rp999.995.000 is Rp1 miliar, never Rp1000 juta
            size, word = units[index - 1]
            number = (Decimal(value) / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = format(number.normalize(), "f").replace(".", ",")
        return f"{sign}Rp{text} {word}"
    return f"{sign}{format_rupiah(value)}"


def count_label(value: int) -> str:
    """A count grouped the Indonesian way in both languages: 1.234."""
    return formats.number_format(int(value), force_grouping=True)

"""A small size-class history chart, drawn on the server as inline SVG (no script, no styles)."""

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import SizeClass

WIDTH, HEIGHT = 560, 170
LEFT, RIGHT, TOP, BOTTOM = 110, 20, 12, 34
COLOUR = "#0d6efd"


def size_class_svg(assessments) -> SafeString:
    """Step chart of the class over the dates of the assessments (oldest first)."""
    points = [(a.assessed_on, a.size_class) for a in assessments]
    if not points:
        return mark_safe("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    span = max(last - first, 1)

    def x(day) -> float:
        return LEFT + (plot_w * (day.toordinal() - first) / span if len(points) > 1 else plot_w / 2)

    def y(size_class: int) -> float:
        return TOP + plot_h - plot_h * (size_class - 1) / 3

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dee2e6"/><text x="{}" y="{}" font-size="11" '
        'text-anchor="end" fill="#6c757d">{}</text>',
        ((LEFT, y(c), WIDTH - RIGHT, y(c), LEFT - 6, y(c) + 4, c.label) for c in SizeClass),
    )
    path = []
    for i, (day, size_class) in enumerate(points):
        if i:
            path.append(f"H{x(day):.1f}V{y(size_class):.1f}")
        else:
            path.append(f"M{x(day):.1f} {y(size_class):.1f}")
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}: {}</title></circle>',
        ((f"{x(d):.1f}", f"{y(c):.1f}", COLOUR, date_format(d), SizeClass(c).label) for d, c in points),
    )
    labels = format_html(
        '<text x="{}" y="{}" font-size="11" fill="#6c757d">{}</text>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#6c757d">{}</text>',
        LEFT,
        HEIGHT - 10,
        date_format(points[0][0]),
        WIDTH - RIGHT,
        HEIGHT - 10,
        date_format(points[-1][0]),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="partners-chart" role="img" '
        'aria-label="{}">{}<path d="{}" fill="none" stroke="{}" stroke-width="2"/>{}{}</svg>',
        WIDTH,
        HEIGHT,
        _("Size class over time"),
        grid,
        "".join(path),
        COLOUR,
        dots,
        labels,
    )

"""Money, counts and quantities for templates: `{{ amount|rupiah }}` gives Rp200.000.000,
`{{ item.quantity|quantity }}` 2,5: numbers follow the Indonesian convention in both
languages (tjsl/formats/en/formats.py), so a line never mixes two."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language
from lokal import format_rupiah, terbilang

register = template.Library()


def rupiah_text(value) -> str:
    """Rp318.000.000 as plain text, for messages, alt texts and cells formatted in Python."""
    if value in (None, ""):
        return ""
    return format_rupiah(int(value))


@register.filter
def rupiah(value) -> str:
    """Rp318.000.000 in a page, kept on one line (class `amount`): a narrow column never shows
    "Rp318.000." above "000"."""
    text = rupiah_text(value)
    return format_html('<span class="amount">{}</span>', text) if text else ""


@register.filter
def number(value) -> str:
    """A count grouped the Indonesian way in both languages: 1.234.567."""
    if value in (None, ""):
        return ""
    return formats.number_format(value, force_grouping=True)


def quantity_text(value) -> str:
    """A quantity without trailing zeros, grouped as every number is: 2,5 and 1.500, never 2.50."""
    if value in (None, ""):
        return ""
    try:
        exact = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    places = max(-exact.as_tuple().exponent, 0)
    return formats.number_format(exact, decimal_pos=places, force_grouping=True)


@register.filter
def quantity(value) -> str:
    return quantity_text(value)


@register.filter
def rupiah_words(value) -> str:
    """The amount spelled out in Indonesian (*terbilang*), as on a BAST."""
    if value in (None, ""):
        return ""
    return terbilang(int(value), currency=True)


@register.simple_tag
def current_language() -> str:
    return get_language() or "id"

"""Indonesian money formats for templates: `{{ amount|rupiah }}` gives Rp200.000.000."""

from django import template
from django.utils import formats
from django.utils.translation import get_language
from lokal import format_rupiah, terbilang

register = template.Library()


@register.filter
def rupiah(value) -> str:
    if value in (None, ""):
        return ""
    return format_rupiah(int(value))


@register.filter
def number(value) -> str:
    """A count grouped in the current language: 1.234.567 (id) or 1,234,567 (en)."""
    if value in (None, ""):
        return ""
    return formats.number_format(value, force_grouping=True)


@register.filter
def rupiah_words(value) -> str:
    """The amount spelled out in Indonesian (*terbilang*), as on a BAST."""
    if value in (None, ""):
        return ""
    return terbilang(int(value), currency=True)


@register.simple_tag
def current_language() -> str:
    return get_language() or "id"

"""Breadcrumbs: `{% breadcrumbs _("Partners") list_url partner.business_name %}` gives the trail
Partners > Perak Tanjung Senai, each step but the last a link (label, url pairs, then the page)."""

from django import template

register = template.Library()


@register.inclusion_tag("partials/_breadcrumbs.html")
def breadcrumbs(*steps) -> dict:
    *pairs, current = steps
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes (label, url) pairs and then the page's own title")
    return {"links": list(zip(pairs[::2], pairs[1::2], strict=True)), "current": current}

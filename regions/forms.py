"""Province, then regency: the pair of choices every form with a place uses."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tjsl.params import id_or_none

from .models import Region


def province_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Province"), queryset=Region.objects.provinces().order_by("name"), required=False
    )


def offer_regencies_of_one_province(form, *, province: str, regency: str, user) -> None:
    """Render only the chosen province's regencies; choosing another province reloads them
    (htmx). Validation still accepts any regency, so a page without JavaScript works too.

    The province is the posted one, else the regency's, else the user's own region's."""
    regency_pk = id_or_none(form.data.get(form.add_prefix(regency)) if form.is_bound else form.initial.get(regency))
    province_pk = id_or_none(form.data.get(form.add_prefix(province))) if form.is_bound else None
    chosen = Region.objects.filter(pk=regency_pk).first() if regency_pk is not None else None
    if chosen is not None:
        province_pk = chosen.parent_id
    elif province_pk is None and getattr(user, "region_id", None):
        province_pk = Region.objects.get(code=user.region.code[:2]).pk
    form.fields[province].initial = province_pk
    form.fields[province].widget.attrs.update(
        {
            "hx-get": reverse("regions:regency-options"),
            "hx-target": f"#{form[regency].id_for_label}",
            "hx-trigger": "change",
        }
    )
    regencies = Region.objects.regencies().filter(parent_id=province_pk).order_by("name") if province_pk else []
    form.fields[regency].widget.choices = [("", "---------")] + [(r.pk, r.name) for r in regencies]

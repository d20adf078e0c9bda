from django.shortcuts import render
from django.views.decorators.http import require_GET

from tjsl.params import id_or_none

from .models import Region


@require_GET
def regency_options(request):
    """htmx: the regency options of a province. The province's select sends its value under its
    own name (`province`, `place_province`…), so the one parameter given is the province."""
    province = id_or_none(next(iter(request.GET.values()), None))
    regencies = Region.objects.regencies().filter(parent_id=province).order_by("name") if province is not None else []
    return render(request, "regions/_regency_options.html", {"regencies": regencies})

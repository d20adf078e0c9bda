"""The results page of the search box in the menu."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import TERM_MAX_LENGTH, search_everything


@require_GET
def search(request):
    term = request.GET.get("q", "").strip()[:TERM_MAX_LENGTH]
    found = search_everything(request.user, term)
    return render(
        request,
        "search/results.html",
        {"term": term, "found": found, "total": sum(kind.count for kind in found)},
    )

"""htmx-filtered lists: the address bar follows the filters shown."""

from urllib.parse import urlencode

from django.utils.cache import patch_vary_headers


def filtered_query(request, *, drop=()) -> str:
    """The query string of this request's filters, blank ones (and those in `drop`) left out."""
    return urlencode(
        [(key, value) for key, values in request.GET.lists() if key not in drop for value in values if value.strip()]
    )


def filtered_url(request) -> str:
    """The list's own URL for the filters of this request."""
    query = filtered_query(request)
    return request.path + ("?" + query if query else "")


def push_filtered_url(request, response):
    """On an htmx request, tell the browser which URL now matches the screen (bookmarks, shared
    links and Back then agree with it), and keep the partial apart from the page in caches."""
    if getattr(request, "htmx", False):
        response["HX-Push-Url"] = filtered_url(request)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response

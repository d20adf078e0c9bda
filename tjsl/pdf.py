"""Render a Django template to PDF with WeasyPrint, without ever reaching the network.

Documents carry text that users typed (names, places, notes). The template
engine escapes it, and the URL fetcher below is the second wall: it serves only
the project's own static files and `data:` URIs, and refuses every other URL
(http, https, file, ftp, paths outside the static folders) by raising. Fonts
come from the system through Pango/fontconfig (DejaVu on Debian), so nothing is
downloaded at render time.
"""

import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .text import printable

logger = logging.getLogger("tjsl.pdf")

# A host that can never resolve (RFC 2606): relative URLs in a template are
# joined onto it and then answered from the static files, never over a network.
PRIVATE_ORIGIN = "https://tjsl.invalid"


class RefusedURL(ValueError):
    """The renderer was asked for a URL it does not serve."""


def static_prefix() -> str:
    """The path part of STATIC_URL, with slashes: '/static/'."""
    path = urlsplit(settings.STATIC_URL).path.strip("/")
    return f"/{path}/" if path else "/"


def base_url() -> str:
    return PRIVATE_ORIGIN + static_prefix()


def _static_file_path(name: str) -> str | None:
    """Absolute path of a static file by its name (as finders or the collected storage know it)."""
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    if found:
        return found
    # Hashed names ({% static %} with a manifest storage) exist only in the collected files.
    try:
        if staticfiles_storage.exists(name):
            return staticfiles_storage.path(name)
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    return None


class StaticOnlyURLFetcher(URLFetcher):
    """Serves the project's static files and data: URIs; refuses everything else by raising."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            # Decoded in memory by urllib's DataHandler; no other protocol is allowed above.
            return super().fetch(url, headers)
        name = self._static_name(url)
        path = _static_file_path(name) if name else None
        if path is None:
            return self._refuse(url)
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _static_name(self, url: str) -> str | None:
        """'https://tjsl.invalid/static/css/x.css' -> 'css/x.css'; None for anything else."""
        if not url.startswith(PRIVATE_ORIGIN + "/"):
            return None
        path = unquote(urlsplit(url).path)
        prefix = static_prefix()
        if not path.startswith(prefix):
            return None
        name = posixpath.normpath(path[len(prefix) :])
        if name.startswith(("..", "/")) or name in ("", ".") or "\\" in name or "\x00" in name:
            return None
        return name

    def _refuse(self, url: str):
        self.refused.append(url)
        logger.warning("PDF rendering refused to fetch %s", url[:200])
        raise RefusedURL(f"Not served while rendering a PDF: {url[:200]}")


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """The template rendered (autoescaped) and laid out as PDF bytes."""
    # Stored text may hold control characters that no document can carry: replaced, never a failure.
    html = printable(render_to_string(template_name, context, request=request))
    fetcher = StaticOnlyURLFetcher()
    return HTML(string=html, base_url=base_url(), url_fetcher=fetcher).write_pdf()

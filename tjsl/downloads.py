"""Private files (signed scans, evidence, exports) sent to the one user who may have them."""

from django.http import FileResponse


def private_download(file, *, filename: str, content_type: str) -> FileResponse:
    """An attachment that no shared cache keeps and no browser sniffs into another type."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

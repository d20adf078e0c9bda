"""Uploaded files are typed by their content, never by their name."""

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

PDF_TYPES = {"application/pdf"}
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def validate_upload(upload: UploadedFile, *, allowed: set[str], max_bytes: int, field: str) -> str:
    """Check the type from the content, not the name; returns the detected MIME type."""
    if upload.size > max_bytes:
        raise ValidationError(
            {field: _("%(name)s is too large (maximum %(max)s MB).") % {"name": upload.name, "max": max_bytes // 2**20}}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed:
        raise ValidationError({field: _("%(name)s is not an accepted file type.") % {"name": upload.name}})
    return kind.mime

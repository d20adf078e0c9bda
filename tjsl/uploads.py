"""Uploaded files are typed by their content, never by their name."""

from collections.abc import Iterable

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

PDF_TYPES = {"application/pdf"}
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def upload_type(upload: UploadedFile, *, allowed: set[str], max_bytes: int) -> str:
    """The MIME type read from the content; a ValidationError naming the file when it is too
    large or of a type not allowed."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("%(name)s is too large (maximum %(max)s MB).") % {"name": upload.name, "max": max_bytes // 2**20},
            code="too_large",
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed:
        raise ValidationError(_("%(name)s is not an accepted file type.") % {"name": upload.name}, code="file_type")
    return kind.mime


def upload_types(uploads: Iterable[UploadedFile], *, allowed: set[str], max_bytes: int) -> list[str]:
    """The MIME type of each file; one ValidationError naming every file that is refused."""
    types, problems = [], []
    for upload in uploads:
        try:
            types.append(upload_type(upload, allowed=allowed, max_bytes=max_bytes))
        except ValidationError as error:
            problems.extend(error.error_list)
    if problems:
        raise ValidationError(problems)
    return types


def validate_upload(upload: UploadedFile, *, allowed: set[str], max_bytes: int, field: str) -> str:
    """Check the type from the content, not the name; returns the detected MIME type."""
    return validate_uploads([upload], allowed=allowed, max_bytes=max_bytes, field=field)[0]


def validate_uploads(uploads: Iterable[UploadedFile], *, allowed: set[str], max_bytes: int, field: str) -> list[str]:
    """`upload_types`, with the refusals filed under `field`."""
    try:
        return upload_types(uploads, allowed=allowed, max_bytes=max_bytes)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None

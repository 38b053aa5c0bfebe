"""Uploaded files are checked by what they contain, not by what they are called: an
executable renamed to .pdf is refused."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 10 * 1024 * 1024

# The first bytes of each format we accept.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}


def sniff(head: bytes) -> str | None:
    """The format `head` (a file's first bytes) starts like, or None."""
    for kind, prefixes in SIGNATURES.items():
        if head.startswith(prefixes):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def validate_resource_file(file: UploadedFile) -> None:
    # An upload always has its size (forms.FileField refuses one without); the stub allows None.
    size = cast("int", file.size)
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            # Translators: %(size)s is the file's size in megabytes, such as 12.5.
            _(
                "This file is %(size)s MB; files can be at most 10 MB. A smaller PDF, or a link "
                "to where the file lives, works too."
            ),
            code="file_too_large",
            params={"size": f"{size / 1024 / 1024:.1f}"},
        )
    position = file.tell()
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    if sniff(head) is None:
        raise ValidationError(
            _(
                "This file is not a PDF or an image (PNG, JPEG, GIF or WebP), whatever its name "
                "says. Upload a PDF or an image, or give a link instead."
            ),
            code="file_type",
        )

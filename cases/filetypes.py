"""The type an attachment is stored and served with, from its file name alone: a
browser's or a mail's declared type is the sender's claim. One rule for the portal's
forms and for attachments that arrive by mail."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

# What customers attach that the platform's type table does not know (log files, also
# rotated ones such as mail.log.1) or knows only as an encoding (.gz).
_TYPES_BY_SUFFIX = {
    ".log": "text/plain",
    ".gz": "application/gzip",
    ".tgz": "application/gzip",
    ".webp": "image/webp",
    ".eml": "message/rfc822",
}


def attachment_type(name: str) -> str:
    """The file's type by its name; "" when unknown."""
    suffixes = [s.lower() for s in PurePath(name).suffixes]
    if len(suffixes) >= 2 and suffixes[-2] == ".log" and suffixes[-1][1:].isdigit():
        return "text/plain"
    if suffixes and suffixes[-1] in _TYPES_BY_SUFFIX:
        return _TYPES_BY_SUFFIX[suffixes[-1]]
    return mimetypes.guess_type(name)[0] or ""

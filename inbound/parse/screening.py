"""A message's attachments under the portal's rules for uploads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .message import Attachment


@dataclass(frozen=True)
class RejectedAttachment:
    attachment: Attachment
    reason: str


def screen_attachments(
    attachments: Iterable[Attachment],
    *,
    max_bytes: int,
    max_files: int,
    allowed_types: Iterable[str],
) -> tuple[tuple[Attachment, ...], tuple[RejectedAttachment, ...]]:
    """(accepted, rejected with a reason) under the same rules as the portal's upload
    form (settings CASES_ATTACHMENT_MAX_BYTES, _MAX_FILES, _TYPES): the type is the one
    the file name implies, and files beyond the count are refused in order."""
    allowed = set(allowed_types)
    accepted: list[Attachment] = []
    rejected: list[RejectedAttachment] = []
    for attachment in attachments:
        if attachment.size > max_bytes:
            reason = f"{attachment.size} bytes is more than the limit of {max_bytes} bytes"
        elif attachment.guessed_type not in allowed:
            reason = f"the file type {attachment.guessed_type or 'unknown'} is not accepted"
        elif len(accepted) >= max_files:
            reason = f"more than {max_files} attachments"
        else:
            accepted.append(attachment)
            continue
        rejected.append(RejectedAttachment(attachment, reason))
    return tuple(accepted), tuple(rejected)

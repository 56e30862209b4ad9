"""Checking an uploaded file's size and type before anything reads it.

``check_upload(file, allowed_types, max_bytes)`` returns the file's type or raises
:class:`UploadRejected` (a ``ValidationError``) with a message that says what was wrong and
what was expected. The type is decided by the file's name *and* its first bytes: a file
named ``.xlsx`` that is not a ZIP archive, or a ``.csv`` with binary content, is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: Known types: the file name endings and a test of the first bytes.
_ZIP_MAGIC = (b"PK\x03\x04",)
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "csv": ((".csv", ".tsv", ".txt"), "text"),
    "txt": ((".txt",), "text"),
    "log": ((".log", ".txt", ".dat", ".tsv", ".csv"), "text"),
    "json": ((".json",), "text"),
    "ics": ((".ics", ".ical", ".ifb"), "text"),
    "mbox": ((".mbox", ".mbx", ".txt", ""), "text"),
    "xlsx": ((".xlsx",), "zip"),
    "zip": ((".zip",), "zip"),
    "pdf": ((".pdf",), "pdf"),
    "png": ((".png",), "png"),
    "jpeg": ((".jpg", ".jpeg"), "jpeg"),
}
_SNIFF_BYTES = 8192


class UploadRejected(ValidationError):
    """An upload that is too large, of a type not allowed, or not what its name says."""


def default_max_bytes() -> int:
    """``NETWEAVE_UPLOAD_MAX_BYTES`` (default 20 MB)."""
    return int(getattr(settings, "NETWEAVE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


def _head(file: IO[bytes]) -> bytes:
    position = file.tell()
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


#: Text in UTF-32 or UTF-16 (with a byte order mark) holds NUL bytes: recognised by its mark.
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
              (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _decodes(head: bytes, encoding: str) -> bool:
    try:
        head.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4  # a character cut at the end of the sample
    return True


def _content_matches(kind: str, head: bytes) -> bool:
    if kind == "text":
        for bom, encoding in _WIDE_BOMS:
            if head.startswith(bom):
                return _decodes(head, encoding)
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is fine.
            if exc.start < len(head) - 3:
                try:
                    head.decode("cp1252")
                except UnicodeDecodeError:
                    return False
        return True
    if kind == "zip":
        return head.startswith(_ZIP_MAGIC)
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    return False


def check_upload(file: Any, allowed_types: Iterable[str], max_bytes: int | None = None) -> str:
    """Check ``file`` (an ``UploadedFile`` or a binary file object with a ``name``): at most
    ``max_bytes`` (default :func:`default_max_bytes`), one of ``allowed_types`` (names of
    :data:`TYPES`) by name and by content. Returns the type's name; raises
    :class:`UploadRejected` otherwise. The file's position is left where it was."""
    allowed = list(allowed_types)
    unknown = [name for name in allowed if name not in TYPES]
    if unknown:
        raise ValueError(f"unknown upload types {unknown} (known: {', '.join(TYPES)})")
    limit = default_max_bytes() if max_bytes is None else max_bytes
    name = PurePath(getattr(file, "name", "") or "").name
    size = _size(file)
    if size > limit:
        raise UploadRejected(
            _("%(name)s is %(size)s; files up to %(limit)s are accepted.")
            % {"name": name or _("The file"), "size": filesizeformat(size),
               "limit": filesizeformat(limit)}, code="too_large")
    if size == 0:
        raise UploadRejected(_("%(name)s is empty.") % {"name": name or _("The file")},
                             code="empty")
    suffix = PurePath(name).suffix.lower()
    expected = ", ".join(dict.fromkeys(ending or _("(no ending)") for kind in allowed
                                       for ending in TYPES[kind][0]))
    candidates = [kind for kind in allowed if suffix in TYPES[kind][0]]
    if not candidates:
        raise UploadRejected(
            _("%(name)s is not an accepted type; expected a file ending in %(expected)s.")
            % {"name": name or _("The file"), "expected": expected}, code="type")
    head = _head(file)
    for kind in candidates:
        if _content_matches(TYPES[kind][1], head):
            return kind
    raise UploadRejected(
        _("%(name)s does not contain what its name says (%(suffix)s); expected a file "
          "ending in %(expected)s with matching content.")
        % {"name": name, "suffix": suffix, "expected": expected}, code="content")

"""Attachments: size and type checked from the content itself, stored once by their SHA-256."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype

# What a complainant reasonably sends: photos, scans, documents. Decided from the bytes, not the name.
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/msword": "doc",
    "text/plain": "txt",
}


class AttachmentRejected(ValueError):
    """The file is too big, empty or of a type we do not accept; the message is for the user (Russian)."""


@dataclass(frozen=True)
class IncomingFile:
    name: str  # as the sender called it: untrusted
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    display_name: str


def sniff_content_type(data: bytes) -> str | None:
    kind = filetype.guess(data)
    if kind is not None:
        return str(kind.mime)
    if b"\x00" not in data[:8192]:
        try:
            data[:65536].decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def safe_display_name(name: str, content_type: str) -> str:
    """A name for display only: no path, no control characters, bounded, with the sniffed extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem = re.sub(r"\s+", " ", base.rsplit(".", 1)[0]).strip(" .") or "файл"
    return f"{stem[:120]}.{ALLOWED_TYPES[content_type]}"


def check_file(incoming: IncomingFile, max_bytes: int) -> tuple[str, str]:
    """Return (content type, display name) or raise AttachmentRejected."""
    size = len(incoming.data)
    if size == 0:
        raise AttachmentRejected(f"Файл «{incoming.name[:60]}» пустой.")
    if size > max_bytes:
        raise AttachmentRejected(
            f"Файл «{incoming.name[:60]}» слишком большой: {size / 1048576:.1f} МБ, можно до "
            f"{max_bytes / 1048576:.0f} МБ."
        )
    content_type = sniff_content_type(incoming.data)
    if content_type not in ALLOWED_TYPES:
        raise AttachmentRejected(
            f"Файл «{incoming.name[:60]}» не принят: можно прикладывать фото (JPG, PNG, WEBP, HEIC), "
            "PDF, документы Word/Excel/ODT и текстовые файлы."
        )
    return content_type, safe_display_name(incoming.name, content_type)


def store_file(incoming: IncomingFile, upload_dir: Path, max_bytes: int) -> StoredFile:
    content_type, display_name = check_file(incoming, max_bytes)
    digest = hashlib.sha256(incoming.data).hexdigest()
    target = upload_dir / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(incoming.data)
        os.replace(temporary, target)  # atomic: a reader never sees half a file
    return StoredFile(
        sha256=digest, size=len(incoming.data), content_type=content_type, display_name=display_name
    )


def stored_path(upload_dir: Path, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256 digest")
    return upload_dir / sha256[:2] / sha256

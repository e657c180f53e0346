"""Real-world MIME to what intake needs: sender, text (HTML turned into text), attachments, auto-mail flags.

Quoted replies and signatures stay in the text: the NLP strips them for analysis and the original is kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parseaddr
from html import unescape
from html.parser import HTMLParser

from portal.attachments import AttachmentRejected, IncomingFile, check_file

# Senders that are machines: answering them risks a mail loop.
MACHINE_SENDER = re.compile(
    r"^(mailer-daemon|postmaster|bounces?|no[-_.]?reply|do[-_.]?not[-_.]?reply|auto[-_.]?reply)([+\-_.].*)?$",
    re.IGNORECASE,
)
AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[\s:-]*reply|autoreply|out of office|автоответ|автоматический ответ|"
    r"undeliverable|delivery status notification|недоставленное сообщение)",
    re.IGNORECASE,
)
MAX_EXTERNAL_ID = 255  # Complaint.external_id


@dataclass
class RejectedFile:
    name: str
    reason: str


@dataclass
class ParsedMail:
    external_id: str  # Message-ID, or a digest of the message when it has none
    message_id: str | None
    sender: str | None  # addr-spec of From, None when missing or unusable
    sender_name: str | None
    subject: str
    text: str
    attachments: list[IncomingFile] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)
    automatic: str | None = None  # why this is a machine message we never answer


def parse_mail(
    raw: bytes, *, max_files: int, max_bytes: int, envelope_sender: str | None = None
) -> ParsedMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    message_id = _header(message, "Message-ID").strip() or None
    name, address = parseaddr(_header(message, "From"))
    sender = address.strip() if "@" in address else None
    subject = " ".join(_header(message, "Subject").split())
    body = _body_text(message)
    text = body.strip()
    if subject and subject.lower() not in text[:500].lower():
        text = f"{subject}\n\n{text}" if text else subject
    attachments, rejected = _attachments(message, max_files=max_files, max_bytes=max_bytes)
    return ParsedMail(
        external_id=_external_id(message_id, raw),
        message_id=message_id,
        sender=sender,
        sender_name=name.strip() or None,
        subject=subject,
        text=text,
        attachments=attachments,
        rejected=rejected,
        automatic=automatic_reason(message, sender, envelope_sender),
    )


def automatic_reason(message: Message, sender: str | None, envelope_sender: str | None = None) -> str | None:
    """Why a message is automatic (never answered, never filed), or None for a person's letter."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "auto-submitted"
    if _header(message, "Precedence").strip().lower() in {"bulk", "list", "junk", "auto_reply"}:
        return "precedence"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "List-Id"):
        if message.get(name) is not None:
            return name.lower()
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    if envelope_sender is not None and envelope_sender.strip() in {"", "<>"}:
        return "null envelope sender"
    if _header(message, "Return-Path").strip() == "<>":
        return "null return path"
    if sender is None:
        return "no usable sender"
    if MACHINE_SENDER.match(sender.split("@", 1)[0]):
        return "machine sender"
    if AUTO_SUBJECT.match(_header(message, "Subject")):
        return "auto-reply subject"
    return None


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header must not lose the letter
        return ""
    return str(value) if value is not None else ""


def _external_id(message_id: str | None, raw: bytes) -> str:
    if message_id and len(message_id) <= MAX_EXTERNAL_ID:
        return message_id
    source = message_id.encode() if message_id else raw
    return "sha256:" + hashlib.sha256(source).hexdigest()


# --------------------------------------------------------------------------- text


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _decode_part(part)
    return html_to_text(text) if part.get_content_type() == "text/html" else text


def _decode_part(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset()
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a lying or unknown charset label: guess below
    return decode_guess(payload)


def decode_guess(data: bytes) -> str:
    """UTF-8 if it is valid, else the Cyrillic single-byte encoding that yields more lowercase letters."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [data.decode(encoding, errors="replace") for encoding in ("cp1251", "koi8-r")]
    # Russian prose is mostly lowercase; the wrong code page turns it into capitals and symbols.
    return max(candidates, key=lambda text: sum(1 for ch in text if "а" <= ch <= "я"))


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "blockquote":
            self.parts.append("> ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = unescape("".join(extractor.parts)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --------------------------------------------------------------------------- attachments


def _attachments(
    message: EmailMessage, *, max_files: int, max_bytes: int
) -> tuple[list[IncomingFile], list[RejectedFile]]:
    accepted: list[IncomingFile] = []
    rejected: list[RejectedFile] = []
    body = message.get_body(preferencelist=("plain", "html"))
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment":
            continue  # an alternative body or inline text, not a file
        name = " ".join((filename or "файл").split())[:200]
        data = part.get_payload(decode=True)
        incoming = IncomingFile(name=name, data=data if isinstance(data, bytes) else b"")
        if len(accepted) >= max_files:
            rejected.append(RejectedFile(name, f"можно приложить не более {max_files} файлов"))
            continue
        try:
            check_file(incoming, max_bytes)
        except AttachmentRejected as exc:
            rejected.append(RejectedFile(name, _reason(str(exc))))
            continue
        accepted.append(incoming)
    return accepted, rejected


def _reason(message: str) -> str:
    """Intake's sentence names the file; in a list of rejected files keep only why."""
    reason = re.sub(r"^Файл «[^»]*»\s*", "", message).strip().rstrip(".")
    return reason.removeprefix("не принят: ") or message
